package dev.weft.storage.mapdb.internal;

import static dev.weft.storage.mapdb.internal.MapDbStoreTest.open;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.api.WeftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A directory the store cannot write is a clear error at open. */
class DirectoryTest {
  @Test
  void aReadOnlyDirectoryIsAClearErrorAtOpen() throws Exception {
    Path ro = Files.createTempDirectory("weft-mapdb-ro");
    boolean mounted = false;
    try {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
      if (writable(ro)) {
        // Root ignores permissions: a read-only bind mount of the directory onto itself is what stops root.
        mounted = run("mount", "--bind", ro.toString(), ro.toString());
        if (mounted && !run("mount", "-o", "remount,bind,ro", ro.toString())) {
          run("umount", ro.toString());
          mounted = false;
        }
      }
      assumeTrue(!writable(ro), "cannot make a directory read-only here (running as root without the right to mount)");
      assertThatThrownBy(() -> open(ro, Map.of()))
          .isInstanceOf(WeftException.class)
          .hasMessageContaining("mapdb store")
          .hasMessageContaining(ro.toString());
    } finally {
      if (mounted) {
        run("umount", ro.toString());
      }
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
      TestFiles.deleteTree(ro);
    }
  }

  private static boolean writable(Path dir) {
    Path probe = dir.resolve("probe");
    try {
      Files.write(probe, new byte[1]);
      Files.delete(probe);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
