package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/weft} does for a client command's start: the class-data archive it makes on the first run and maps
 * on the next, how it copes when the archive cannot be made or is damaged, the Java version read without starting
 * Java, and a client path that loads no node classes. Each test unpacks the tarball afresh: the archive is state.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
final class LauncherIT {
  private static final Pattern ARCHIVE = Pattern.compile("client-.+-(\\d+)\\.jsa");
  /**
   * Packages and classes of the node, its plugins, its HTTP server and logging, and of java.net.http's client. (The
   * classes of {@code weft node}, {@code cluster} and {@code simulate} themselves are loaded, as the list of commands
   * names them, but not read: what they use is here.)
   */
  private static final List<String> NODE_CLASSES = List.of("org.eclipse.jetty.", "dev.weft.kademlia.",
      "dev.weft.transport.", "dev.weft.storage.", "dev.weft.simulator.", "dev.weft.testkit.", "ch.qos.logback.",
      "io.micrometer.", "io.prometheus.", "org.mapdb.", "jdk.internal.net.http.", "sun.security.ssl.",
      "dev.weft.distribution.http.HttpApi", "dev.weft.distribution.http.ApiHandler",
      "dev.weft.distribution.cli.NodeService", "dev.weft.distribution.http.NodeMetrics",
      "dev.weft.distribution.cli.NodeOptions", "dev.weft.distribution.http.NdjsonStream");

  @TempDir
  Path dir;

  private Tarball tarball;
  /** Where the launcher would keep archives if the installation were not writable: never the user's own. */
  private Path cache;

  @BeforeEach
  void unpack() throws Exception {
    tarball = Tarball.unpack(dir);
    cache = dir.resolve("cache");
  }

  @AfterEach
  void destroyProcesses() throws InterruptedException {
    tarball.destroyAll();
  }

  private Tarball.Result weft(Map<String, String> env, String... args) throws Exception {
    Map<String, String> all = new HashMap<>(Map.of("XDG_CACHE_HOME", cache.toString()));
    all.putAll(env);
    return tarball.weft(all, args);
  }

  private Tarball.Result version(Map<String, String> env) throws Exception {
    Tarball.Result version = weft(env, "version");
    assertThat(version.code()).as(version.err()).isZero();
    assertThat(version.err()).isEmpty();
    assertThat(version.json().get("version").asText()).isEqualTo(System.getProperty("weft.version"));
    return version;
  }

  private List<String> entries(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The one archive of lib/cds, checked to have the size its name gives. */
  private Path archive() throws IOException {
    List<String> names = entries(tarball.home.resolve("lib/cds"));
    assertThat(names).hasSize(1);
    Matcher name = ARCHIVE.matcher(names.get(0));
    assertThat(name.matches()).as(names.get(0)).isTrue();
    Path archive = tarball.home.resolve("lib/cds").resolve(names.get(0));
    assertThat(Files.size(archive)).isEqualTo(Long.parseLong(name.group(1)));
    return archive;
  }

  /** The classes a client command loaded, and from where: {@code -Xlog:class+load} lines. */
  private List<String> classLoads(Map<String, String> env, String... args) throws Exception {
    Path log = Files.createTempFile(dir, "classes", ".log");
    Map<String, String> all = new HashMap<>(env);
    all.put("WEFT_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    Tarball.Result run = weft(all, args);
    assertThat(run.code()).as(run.err()).isZero();
    return Files.readAllLines(log).stream().map(l -> l.substring(l.indexOf("] ", l.indexOf("class,load")) + 2))
        .toList();
  }

  @Test
  void theFirstClientCommandMakesTheArchiveAndTheNextStartFromIt() throws Exception {
    assertThat(tarball.home.resolve("lib/cds")).doesNotExist();
    version(Map.of());
    archive();
    assertThat(classLoads(Map.of(), "version")).contains(
        "dev.weft.distribution.Main source: shared objects file",
        "picocli.CommandLine source: shared objects file",
        "dev.weft.distribution.cli.LocalCommands$Version source: shared objects file");
    // The node and the other commands do not use it.
    assertThat(classLoads(Map.of(), "simulate", "--help")).noneMatch(l -> l.contains("shared objects file")
        && l.startsWith("dev.weft."));
    assertThat(entries(cache)).isEmpty();
  }

  @Test
  void clientCommandsLoadNoNodeClassesAndLogOnlyWhenAsked() throws Exception {
    Process node = tarball.node("node", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0");
    String api = tarball.firstLine(node, "node").get("api").asText();
    assertThat(weft(Map.of(), "put", "--api", api, "ns", "k", "{\"a\":1}").code()).isZero();

    for (List<String> command : List.of(List.of("get", "--api", api, "ns", "k"), List.of("version"),
        List.of("put", "--api", api, "ns", "k", "2"), List.of("global", "set", "--api", api, "it.g", "1"),
        List.of("info", "--api", api))) {
      List<String> loaded = classLoads(Map.of(), command.toArray(String[]::new));
      assertThat(loaded).as("%s", command).anyMatch(l -> l.startsWith("dev.weft.distribution.Main "))
          .noneMatch(l -> NODE_CLASSES.stream().anyMatch(l::startsWith));
    }
    // WEFT_LOG_LEVEL brings logging back: the JDK's HTTP client logs its requests at debug level.
    Tarball.Result debug = weft(Map.of("WEFT_LOG_LEVEL", "DEBUG"), "get", "--api", api, "ns", "k");
    assertThat(debug.code()).as(debug.err()).isZero();
    assertThat(debug.json().get("value").asInt()).isEqualTo(2);
    assertThat(debug.err()).contains("DEBUG").contains("HttpURLConnection").contains("GET /v1/objects/ns/k");
  }

  /** The commands bin/weft runs on lib/ alone (without lib/node/): each builds its model there. */
  @Test
  void everyCommandOnTheClientClassPathStartsThere() throws Exception {
    for (String command : List.of("put", "get", "delete", "lscan", "info", "stats", "peers", "send", "send-node",
        "send-all", "listen", "global", "pht", "version", "keygen")) {
      Tarball.Result help = weft(Map.of(), command, "--help");
      assertThat(help.code()).as("%s: %s", command, help.err()).isZero();
      assertThat(help.out()).startsWith("Usage: weft " + command);
    }
    assertThat(weft(Map.of(), "keygen").code()).isZero();
    // The others have lib/node/ too: weft with every command needs the simulator's and the node's classes.
    assertThat(weft(Map.of(), "--help").out()).contains("simulate");
    assertThat(weft(Map.of(), "config").code()).isZero();
  }

  @Test
  void whereNoArchiveCanBeMadeTheCommandRunsWithout() throws Exception {
    // Neither lib/cds nor the cache can be a directory (as root, a read-only directory would not stop anything).
    Files.writeString(tarball.home.resolve("lib/cds"), "not a directory");
    Files.writeString(cache, "not a directory");
    version(Map.of());
    version(Map.of());
    assertThat(Files.readString(tarball.home.resolve("lib/cds"))).isEqualTo("not a directory");
    // With -Xshare in WEFT_JAVA_OPTS the launcher leaves class-data sharing to the user.
    Files.delete(tarball.home.resolve("lib/cds"));
    version(Map.of("WEFT_JAVA_OPTS", "-Xshare:off"));
    assertThat(tarball.home.resolve("lib/cds")).doesNotExist();
  }

  @Test
  void anArchiveTheJvmCannotMakeIsTriedOnceAndNeverSlowsACommandAgain() throws Exception {
    // A Java whose -Xshare:dump fails, and that notes how it was started.
    Path java = Path.of(System.getProperty("java.home"));
    Path failing = dir.resolve("failing-java");
    Path starts = dir.resolve("starts.log");
    Files.createDirectories(failing.resolve("bin"));
    Files.copy(java.resolve("release"), failing.resolve("release"));
    Path script = Files.writeString(failing.resolve("bin/java"), "#!/bin/sh\necho \"$*\" >> '" + starts + "'\n"
        + "case \"$*\" in *-Xshare:dump*) exit 1 ;; esac\nexec '" + java.resolve("bin/java") + "' \"$@\"\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    Map<String, String> env = Map.of("JAVA_HOME", failing.toString());

    version(env);
    assertThat(Files.readAllLines(starts)).hasSize(3).anyMatch(l -> l.contains("CdsTraining"))
        .anyMatch(l -> l.contains("-Xshare:dump"));
    assertThat(entries(tarball.home.resolve("lib/cds"))).singleElement().asString().matches("client-.+\\.failed");

    Files.delete(starts);
    version(env);
    assertThat(Files.readAllLines(starts)).singleElement().asString().endsWith("dev.weft.distribution.Main version")
        .doesNotContain("SharedArchiveFile");
  }

  @Test
  void aDamagedArchiveIsIgnoredAndMadeAnew() throws Exception {
    version(Map.of());
    Path archive = archive();
    byte[] good = Files.readAllBytes(archive);
    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));

    byte[] noise = new byte[good.length];
    new Random(17).nextBytes(noise);
    Files.write(archive, noise);
    version(Map.of());

    // Cut short under the name of a whole one, as after a crash before the disk had it all: the JVM would map it and
    // die of SIGBUS, so the launcher checks the size its name gives, and makes it anew.
    Files.write(archive, Arrays.copyOf(good, good.length / 2));
    version(Map.of());
    assertThat(Files.size(archive())).isGreaterThan(good.length / 2);
    assertThat(classLoads(Map.of(), "version")).contains("dev.weft.distribution.Main source: shared objects file");
  }

  @Test
  void aJarNewerThanTheArchiveHasItMadeAnew() throws Exception {
    version(Map.of());
    Path archive = archive();
    // As when a jar is replaced in place: the JVM would refuse the archive (without a word) and start slowly.
    Path jar;
    try (Stream<Path> jars = Files.list(tarball.home.resolve("lib"))) {
      jar = jars.filter(p -> p.getFileName().toString().startsWith("weft-api-")).findFirst().orElseThrow();
    }
    // Even a minute ahead of the clock (jars unpacked from a machine whose clock is ahead): the new archive takes the
    // newest jar's time, so that it is made once, not at every command.
    FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 60_000);
    Files.setLastModifiedTime(jar, later);
    version(Map.of());
    assertThat(Files.getLastModifiedTime(archive())).isEqualTo(later);
    Object made = Files.readAttributes(archive(), BasicFileAttributes.class).fileKey();
    assertThat(classLoads(Map.of(), "version")).contains("dev.weft.distribution.Main source: shared objects file");
    assertThat(Files.readAttributes(archive(), BasicFileAttributes.class).fileKey()).isEqualTo(made);
  }

  @Test
  void concurrentFirstRunsLeaveOneArchiveAndNoLeftovers() throws Exception {
    List<Process> runs = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        runs.add(tarball.launcher(Map.of("XDG_CACHE_HOME", cache.toString()), "version")
            .redirectOutput(dir.resolve("version-" + i + ".out").toFile())
            .redirectError(dir.resolve("version-" + i + ".err").toFile()).start());
      }
      for (int i = 0; i < runs.size(); i++) {
        assertThat(runs.get(i).waitFor(Tarball.COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(runs.get(i).exitValue()).as(Files.readString(dir.resolve("version-" + i + ".err"))).isZero();
        assertThat(Files.readString(dir.resolve("version-" + i + ".out"))).startsWith("{\"version\":");
      }
    } finally {
      runs.forEach(Process::destroyForcibly);
    }
    archive();
    assertThat(entries(cache)).isEmpty();
  }

  @Test
  void anOldJavaIsToldFromItsReleaseFileWithoutStartingIt() throws Exception {
    Path old = dir.resolve("old-java");
    Path started = dir.resolve("started");
    Files.createDirectories(old.resolve("bin"));
    Files.writeString(old.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"11.0.2\"\n");
    Path java = Files.writeString(old.resolve("bin/java"), "#!/bin/sh\ntouch '" + started + "'\nexit 99\n",
        StandardCharsets.UTF_8);
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Tarball.Result tooOld = weft(Map.of("JAVA_HOME", old.toString()), "version");
    assertThat(tooOld.code()).isEqualTo(126);
    assertThat(tooOld.err()).contains("is Java 11.0.2; weft needs Java 17 or newer");
    assertThat(started).doesNotExist();
  }
}
