package dev.weft.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * weft.js as the npm package in clients/weft-js: its tests under Node.js's test runner, against a real node (the
 * package's test/node.test.js connects to WEFT_URL); what {@code npm pack} puts in the package; and that the node serves
 * the package's files unchanged. Needs Node.js 20.10 or later (its WebSocket class, behind --experimental-websocket,
 * is the one passed in) and npm; skipped, saying why, where they are missing, except on CI ({@code CI=true}).
 */
class WeftJsPackageTest {
  private static final Path PACKAGE = Path.of("..", "clients", "weft-js").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;

  @BeforeAll
  static void needsNode() throws Exception {
    String version = output(List.of("node", "--version"), PACKAGE, Map.of());
    Matcher m = Pattern.compile("v(\\d+)\\.(\\d+)").matcher(version == null ? "" : version);
    boolean found = m.find() && (Integer.parseInt(m.group(1)) > 20
        || Integer.parseInt(m.group(1)) == 20 && Integer.parseInt(m.group(2)) >= 10);
    String missing = "needs Node.js 20.10 or later and npm on PATH (found: " + version + ")";
    assertThat(found || !"true".equals(System.getenv("CI"))).as(missing).isTrue();
    Assumptions.assumeTrue(found, missing);
  }

  @Test
  void thePackagesTestsPassAgainstARealNode() throws Exception {
    try (GatewayCluster nodes = new GatewayCluster(2, 95, Map.of())) {
      Run run = run(List.of("node", "--experimental-websocket", "--no-warnings", "--test", "test/"), PACKAGE,
          Map.of("WEFT_URL", nodes.clientUrl(0, null)));
      assertThat(run.exit).as(run.output).isZero();
      // Every test ran: the ones against the node are skipped only without WEFT_URL.
      assertThat(run.output).contains("# fail 0").contains("# skipped 0").containsPattern("# pass ([1-9]\\d+)");
    }
  }

  @Test
  void npmPackShipsTheModulesAndTheirTypes() throws Exception {
    Run run = run(List.of("npm", "pack", "--dry-run", "--json"), PACKAGE, Map.of("HOME", home.toString(),
        "npm_config_cache", home.resolve("npm-cache").toString(), "npm_config_update_notifier", "false"));
    assertThat(run.exit).as(run.output).isZero();
    JsonNode pack = JSON.readTree(run.output.substring(run.output.indexOf('['))).get(0);
    List<String> files = new ArrayList<>();
    pack.get("files").forEach(f -> files.add(f.get("path").asText()));
    assertThat(pack.get("name").asText()).isEqualTo("@weft/client");
    assertThat(files).contains("package.json", "weft.js", "weft.d.ts", "README.md", "weft/client.js",
        "weft/errors.js", "weft/bytes.js", "weft/cipher.js", "weft/signer.js").noneMatch(f -> f.startsWith("test/"));
  }

  @Test
  void theNodeServesThePackagesFilesUnchanged() throws Exception {
    try (GatewayCluster nodes = new GatewayCluster(1, 96, Map.of())) {
      HttpClient http = HttpClient.newHttpClient();
      for (String file : List.of("weft.js", "weft/client.js", "weft/signer.js")) {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.port(0) + "/"
            + file)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).as(file).isEqualTo(Files.readAllBytes(PACKAGE.resolve(file)));
      }
    }
  }

  private record Run(int exit, String output) {}

  /** Runs a command in {@code dir} with extra environment, for at most two minutes; its output and error together. */
  private static Run run(List<String> command, Path dir, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile("weft-js", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      try {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          throw new AssertionError(command + " did not end within 120 s: " + Files.readString(log));
        }
      } finally {
        p.destroyForcibly();
      }
      return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** A command's output, or null when it cannot run (not installed). */
  private static String output(List<String> command, Path dir, Map<String, String> env) throws Exception {
    try {
      Run r = run(command, dir, env);
      return r.exit == 0 ? r.output.trim() : null;
    } catch (IOException e) {
      return null;
    }
  }
}
