package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.Versions;
import dev.weft.distribution.config.SettingsCatalog;
import dev.weft.distribution.http.Http;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft config}, {@code version} and {@code completion}, in-process: what they print and their exit codes. */
final class LocalCommandsTest {
  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {
    JsonNode json() {
      return Http.parse(out);
    }
  }

  private static Run weft(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = CommandRunner.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, new ByteArrayInputStream(new byte[0]));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void configShowsEveryValueWithItsSourceAndHidesSecrets() throws Exception {
    Path file = dir.resolve("weft.properties");
    Files.writeString(file, "weft.kademlia.k = 16\nweft.api.token = 0123456789abcdef0123\n");
    Run run = weft(Map.of("WEFT_KADEMLIA_ALPHA", "5"), "config", "--config", file.toString(), "--udp",
        "127.0.0.1:4100", "--set", "weft.kademlia.replication=6");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode settings = run.json().get("settings");
    assertThat(run.json().get("configFile").asText()).isEqualTo(file.toString());
    assertThat(settings.get("weft.kademlia.k").get("value").asText()).isEqualTo("16");
    assertThat(settings.get("weft.kademlia.k").get("source").asText()).isEqualTo("file");
    assertThat(settings.get("weft.kademlia.alpha").get("source").asText()).isEqualTo("env");
    assertThat(settings.get("weft.kademlia.replication").get("source").asText()).isEqualTo("flag");
    assertThat(settings.get("weft.listen").get("value").asText()).isEqualTo("udp://127.0.0.1:4100");
    assertThat(settings.get("weft.kademlia.rpc-timeout").get("value").asText()).isEqualTo("500ms");
    assertThat(settings.get("weft.kademlia.rpc-timeout").get("source").asText()).isEqualTo("default");
    assertThat(settings.get("weft.api.token").get("value").asText()).isEqualTo("********");
    assertThat(run.out()).doesNotContain("0123456789abcdef0123");
    assertThat(settings.size()).isEqualTo(SettingsCatalog.standard().all().size());

    Run table = weft(Map.of(), "config", "--config", file.toString(), "--pretty");
    assertThat(table.out()).startsWith("# configuration file: " + file)
        .containsPattern("(?m)^weft\\.kademlia\\.k +file +16$")
        .containsPattern("(?m)^weft\\.api\\.token +file +\\*{8}$");
  }

  @Test
  void configRejectsWhatTheNodeWould() {
    Run typo = weft(Map.of(), "config", "--set", "weft.kademlia.kk=3");
    assertThat(typo.code()).isEqualTo(Cli.USAGE);
    assertThat(typo.err()).startsWith("weft config: unknown setting 'weft.kademlia.kk' in --set (did you mean "
        + "weft.kademlia.k?)");
    Run env = weft(Map.of("WEFT_NODE_IDD", "x"), "config");
    assertThat(env.code()).isEqualTo(Cli.USAGE);
    assertThat(env.err()).contains("WEFT_NODE_IDD (did you mean WEFT_NODE_ID?)");
    Run open = weft(Map.of(), "config", "--api", "0.0.0.0:7070");
    assertThat(open.code()).isEqualTo(Cli.USAGE);
    assertThat(open.err()).contains("without a token");
  }

  @Test
  void versionAndCompletion() {
    Run version = weft(Map.of(), "version");
    assertThat(version.code()).isZero();
    assertThat(version.json().get("version").asText()).isEqualTo(Versions.weft());
    assertThat(version.json().get("java").asText()).isEqualTo(Runtime.version().toString());
    Run completion = weft(Map.of(), "completion");
    assertThat(completion.code()).isZero();
    assertThat(completion.out()).contains("complete -F").contains("cluster").contains("global").contains("--pretty");
  }

  @Test
  void clusterChecksItsOptionsBeforeStartingAnything() {
    Run none = weft(Map.of(), "cluster", "--nodes", "65");
    assertThat(none.code()).isEqualTo(Cli.USAGE);
    assertThat(none.err()).contains("--nodes must be 1 to 64, got 65");
    Run overlap = weft(Map.of(), "cluster", "--nodes", "5", "--api", "127.0.0.1:9000", "--ws", "127.0.0.1:9003");
    assertThat(overlap.code()).isEqualTo(Cli.USAGE);
    assertThat(overlap.err()).contains("the API ports 9000-9004 and the WebSocket ports 9003-9007 overlap");
    Run pastEnd = weft(Map.of(), "cluster", "--nodes", "5", "--api", "127.0.0.1:65534");
    assertThat(pastEnd.code()).isEqualTo(Cli.USAGE);
    assertThat(pastEnd.err()).contains("5 nodes from port 65534 go past 65535");
    Run both = weft(Map.of(), "cluster", "--nodes", "2", "--ws", "127.0.0.1:0", "--no-ws");
    assertThat(both.code()).isEqualTo(Cli.USAGE);
    assertThat(both.err()).contains("--ws and --no-ws exclude each other");
    Run missing = weft(Map.of(), "cluster");
    assertThat(missing.code()).isEqualTo(Cli.USAGE);
    assertThat(missing.err()).contains("Missing required option: '--nodes=N'");
  }
}
