package dev.weft.storage.mapdb.internal;

import dev.weft.api.CoreSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.WeftConfig;
import dev.weft.api.Record;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Kills a writing child JVM with SIGKILL at seeded random moments (some aimed inside compaction or the clean close),
 * reopens its store and checks every acknowledged write is there, byte for byte. 20 rounds by default; {@code
 * -Dweft.crash.rounds=200} (or {@code -Dweft.long=true}) for the long run.
 */
class CrashTest {
  @Test
  void acknowledgedWritesSurviveKillNine() throws Exception {
    String prop = System.getProperty("weft.crash.rounds", "");
    int rounds = !prop.isBlank() ? Integer.parseInt(prop.trim()) : Boolean.getBoolean("weft.long") ? 200 : 20;
    int failedOpens = 0;
    int lost = 0;
    long checked = 0;
    int aimedCompaction = 0;
    int insideCompaction = 0;
    int aimedClose = 0;
    int insideClose = 0;
    List<String> problems = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      long seed = 1000 + round;
      Random random = new Random(seed);
      String mode = round % 5 == 1 || round % 5 == 3 ? "compaction" : round % 5 == 4 ? "close" : "random";
      Path dir = Files.createTempDirectory("weft-crash");
      Path out = Files.createTempFile("weft-crash", ".out");
      Path err = Files.createTempFile("weft-crash", ".err");
      try {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
            dir.toString(), Long.toString(seed), mode)
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
          Predicate<List<String>> trigger;
          switch (mode) {
            case "compaction" -> {
              aimedCompaction++;
              int nth = 1 + random.nextInt(4);
              trigger = lines -> count(lines, "E compaction-start") >= nth;
            }
            case "close" -> {
              aimedClose++;
              String event = random.nextBoolean() ? "E close-start" : "E checkpoint-start";
              trigger = lines -> count(lines, event) >= 1;
            }
            default -> {
              int acks = 20 + random.nextInt(4000);
              trigger = lines -> lines.size() >= acks;
            }
          }
          try {
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(1))
                .pollDelay(Duration.ZERO).until(() -> trigger.test(lines(out)) || !p.isAlive());
          } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("round " + round + " (" + mode + "): the child made no progress; "
                + lines(out).size() + " lines; stderr: " + Files.readString(err), e);
          }
          assertThat(p.isAlive()).as("child alive until killed; stderr: %s", Files.readString(err)).isTrue();
        } finally {
          p.destroyForcibly();
          assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        List<String> lines = lines(out);
        String lastEvent = lines.stream().filter(l -> l.startsWith("E ")).reduce((a, b) -> b).orElse("");
        if (mode.equals("compaction") && !lastEvent.equals("E compaction-done")
            && lines.contains("E compaction-start")) {
          insideCompaction++;
        }
        if (mode.equals("close") && (lastEvent.equals("E close-start") || lastEvent.equals("E checkpoint-start"))) {
          insideClose++;
        }
        Map<String, Long> acked = new HashMap<>();
        Map<String, Long> metas = new HashMap<>();
        for (String l : lines) {
          String[] f = l.split(" ");
          if (f[0].equals("A")) {
            acked.merge(f[1], Long.parseLong(f[2]), Math::max);
          } else if (f[0].equals("M")) {
            metas.merge("m/" + f[1], Long.parseLong(f[2]), Math::max);
          }
        }
        MapDbStore store;
        try {
          store = MapDbStore.open(StoreOptions.from(WeftConfig.of(CrashChild.settings(mode))
              .with(CoreSettings.DATA_DIR.key(), dir.toString())), Hooks.NONE);
        } catch (RuntimeException e) {
          failedOpens++;
          problems.add("round " + round + " (" + mode + "): open failed: " + e);
          continue;
        }
        try {
          for (Map.Entry<String, Long> a : acked.entrySet()) {
            checked++;
            Optional<Record> got = store.get("crash", a.getKey()).get(30, TimeUnit.SECONDS);
            if (got.isEmpty() || got.get().version().timestamp() < a.getValue()
                || !got.get().equals(CrashChild.expected(a.getKey(), got.get().version().timestamp()))) {
              lost++;
              problems.add("round " + round + " (" + mode + "): " + a.getKey() + " acked at " + a.getValue()
                  + ", found " + got);
            }
          }
          for (Map.Entry<String, Long> m : metas.entrySet()) {
            checked++;
            long held = store.loadMeta(m.getKey()).map(Long::parseLong).orElse(-1L);
            if (held < m.getValue()) {
              lost++;
              problems.add("round " + round + ": meta " + m.getKey() + " acked " + m.getValue() + ", found " + held);
            }
          }
        } finally {
          store.close();
        }
      } finally {
        TestFiles.deleteTree(dir);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    }
    System.out.printf("crash test: %d rounds (%d aimed at compaction, %d killed inside one; %d aimed at the clean "
        + "close, %d killed inside it), failed opens %d, lost %d, acknowledged writes checked %d%n", rounds,
        aimedCompaction, insideCompaction, aimedClose, insideClose, failedOpens, lost, checked);
    assertThat(problems).isEmpty();
  }

  private static long count(List<String> lines, String line) {
    return lines.stream().filter(line::equals).count();
  }

  /** Complete lines only: the last one may have been cut by the kill. */
  private static List<String> lines(Path file) throws IOException {
    String s = Files.readString(file, StandardCharsets.UTF_8);
    int end = s.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(s.substring(0, end).split("\n"));
  }
}
