package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.http.Http;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The web UI ({@code /ui/}) in headless Chromium, against {@code bin/weft cluster --nodes 3} from the unpacked tarball:
 * the page loads without a console error and shows the node's id and its peers; an object put with the page's form is
 * read back with {@code weft get} from another node; an index made with {@code weft pht create} and filled through the
 * API answers the page's range query with the right rows; a broadcast and a global set elsewhere show up live; a table
 * made in the Query tab's editor and filled through another node answers the page's SELECT, with its completeness and
 * plan; a node with a token has the page ask for it. Screenshots are kept as test artifacts: {@code
 * target/ui-screenshot.png} (the stats charts), {@code target/ui-screenshot-indexes.png} (the range query) and {@code
 * target/ui-screenshot-query.png} (the SQL answer and its plan), {@code target/ui-screenshot-live.png} (a live query).
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}, driven as transport-websocket's {@code BrowserTest}
 * does (.ci/run installs them); skipped, saying why, where they are missing, except on CI ({@code CI=true}), where it
 * fails. The browser resolves no name and reaches nothing but 127.0.0.1, so a page that needed anything from elsewhere
 * would log an error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
final class WebUiIT {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOKEN = "ui-it-token-0123456789";

  @TempDir
  static Path dir;

  private Tarball tarball;
  private List<JsonNode> nodes;
  private ChromeDriver driver;

  @BeforeAll
  void start() throws Exception {
    boolean found = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String missing = "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver):"
        + " apt-get install -y chromium chromium-driver, as .ci/run does";
    // On CI the browser test must run: .ci/run installs them.
    assertThat(found || !"true".equals(System.getenv("CI"))).as(missing).isTrue();
    Assumptions.assumeTrue(found, missing);

    tarball = Tarball.unpack(dir);
    Process cluster = tarball.background("cluster", "cluster", "--nodes", "3", "--api", "127.0.0.1:0", "--udp",
        "127.0.0.1:0", "--no-ws");
    // The browser starts while the cluster does: both take a few seconds.
    driver = browser(dir);
    await().atMost(Tarball.COMMAND_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!cluster.isAlive()) {
        throw new AssertionError("cluster exited with " + cluster.exitValue() + ": "
            + Files.readString(dir.resolve("cluster.err")));
      }
      return tarball.outLines("cluster").size() == 3;
    });
    nodes = tarball.outLines("cluster");
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (driver != null) {
      driver.quit();
    }
    if (tarball != null) {
      tarball.destroyAll();
    }
  }

  private static ChromeDriver browser(Path home) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        // Nothing but this machine: the page loads from 127.0.0.1 only.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--user-data-dir=" + home.resolve("profile"), "--window-size=1300,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withEnvironment(Map.of("HOME", home.toString()))
        .withLogFile(home.resolve("chromedriver.log").toFile())
        .build();
    return new ChromeDriver(service, options);
  }

  @Test
  void theUiShowsTheNodeAndWritesAndQueriesWhatTheCliSees() throws Exception {
    String api0 = nodes.get(0).get("api").asText();
    String api1 = nodes.get(1).get("api").asText();
    String api2 = nodes.get(2).get("api").asText();
    consoleErrors(); // drops what the other test logged (its 401s)
    driver.get(api0 + "/ui/");

    // The node's id in the header, and its two peers in the routing table.
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#node-id")).isEqualTo(id(0)));
    // The page reports a failed poll there, not in the console.
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#status")).startsWith("updated "));
    assertThat(consoleErrors()).as("console errors after loading").isEmpty();
    click("#tab-peers");
    await().atMost(WAIT).untilAsserted(() -> assertThat(driver.findElements(By.cssSelector("#peer-table tbody tr")))
        .extracting(row -> row.getAttribute("data-id")).containsExactlyInAnyOrder(id(1), id(2)));
    assertThat(text("#peer-table tbody")).contains("udp://127.0.0.1:");

    // An object put with the form is what weft get reads from another node.
    click("#tab-objects");
    type("#object-form [name=namespace]", "ui notes");
    type("#object-form [name=key]", "from the page/1 ✓");
    type("#object-form [name=value]", "{\"text\": \"typed in the browser\", \"n\": [1, 2]}");
    click("#object-form button[value=put]");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#object-result")).startsWith("stored: version"));
    Tarball.Result get = tarball.weft("get", "--api", api2, "ui notes", "from the page/1 ✓");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.json().get("value")).isEqualTo(Http.parse("{\"text\":\"typed in the browser\",\"n\":[1,2]}"));
    // The node holds it: listing its store shows it.
    type("#browse-form [name=namespace]", "ui notes");
    click("#browse-form button");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#object-table tbody"))
        .contains("from the page/1 ✓").contains("typed in the browser"));

    // An index made with the CLI and filled through the API: the page's range query shows the rows in range, in order.
    Tarball.Result create = tarball.weft("pht", "create", "--api", api1, "ui.prices", "--type", "long");
    assertThat(create.code()).as(create.err()).isZero();
    Http http1 = new Http(URI.create(api1));
    for (int price : new int[] {5, 150, 500, 120, 99, 201, 200}) {
      Http.Answer insert = http1.post("/v1/pht/indexes/ui.prices/entries",
          "{\"key\":" + price + ",\"value\":{\"item\":\"i" + price + "\"}}");
      assertThat(insert.status()).as(insert.text()).isEqualTo(200);
    }
    click("#tab-indexes");
    type("#index-form [name=index]", "ui.prices");
    click("#index-form button");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#index-stats")).contains("Entries\n7"));
    assertThat(text("#index-info")).contains("Keyed by\nlong");
    type("#range-form [name=lo]", "100");
    type("#range-form [name=hi]", "200");
    click("#range-form button");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#range-status")).isEqualTo("3 entries"));
    assertThat(rows("#range-table")).containsExactly(List.of("120", "{\"item\":\"i120\"}"),
        List.of("150", "{\"item\":\"i150\"}"), List.of("200", "{\"item\":\"i200\"}"));
    screenshot("ui-screenshot-indexes.png");

    // A point index is queried by rectangle, given by any two opposite corners.
    assertThat(http1.put("/v1/pht/indexes/ui.places", "{\"type\":\"point\"}").status()).isEqualTo(200);
    for (String[] entry : new String[][] {{"[1,1]", "\"a\""}, {"[5,5]", "\"b\""}, {"[9,2]", "\"c\""},
        {"[-3,4]", "\"d\""}}) {
      Http.Answer insert = http1.post("/v1/pht/indexes/ui.places/entries",
          "{\"key\":" + entry[0] + ",\"value\":" + entry[1] + "}");
      assertThat(insert.status()).as(insert.text()).isEqualTo(200);
    }
    type("#index-form [name=index]", "ui.places");
    click("#index-form button");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#index-stats")).contains("Entries\n4"));
    type("#range-form [name=p1]", "6,0");
    type("#range-form [name=p2]", "0,6");
    click("#range-form button");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#range-status")).isEqualTo("2 entries"));
    assertThat(rows("#range-table")).containsExactly(List.of("1,1", "\"a\""), List.of("5,5", "\"b\""));

    // A broadcast from another node arrives while the messages are not shown: the tab counts it, the table has it.
    Http.Answer broadcast = http1.post("/v1/messages/all", "{\"hello\":\"from node 1\"}");
    assertThat(broadcast.status()).as(broadcast.text()).isEqualTo(200);
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#messages-badge")).isEqualTo("1"));
    click("#tab-messages");
    assertThat(text("#message-table tbody")).contains("broadcast").contains("{\"hello\":\"from node 1\"}");
    // A broadcast sent with the form reaches every node, the page's own included.
    type("#send-form [name=payload]", "{\"from\": \"the page\"}");
    click("#send-form button");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#send-result")).startsWith("broadcast "));
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#message-table tbody"))
        .contains("{\"from\":\"the page\"}"));

    // A global set on another node shows up live; one set with the page's form reaches the others.
    click("#tab-globals");
    Http.Answer set = new Http(URI.create(api2)).put("/v1/schema/globals/ui.colour", "\"blue\"");
    assertThat(set.status()).as(set.text()).isEqualTo(200);
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#global-table tbody")).contains("ui.colour")
        .contains("\"blue\""));
    assertThat(text("#change-table tbody")).contains("ui.colour");
    type("#global-form [name=name]", "ui.size");
    type("#global-form [name=value]", "42");
    click("#global-form button");
    await().atMost(WAIT).untilAsserted(() -> {
      Tarball.Result global = tarball.weft("global", "get", "--api", api1, "ui.size");
      assertThat(global.code()).as(global.err()).isZero();
      assertThat(global.json().asInt()).isEqualTo(42);
    });

    // SQL: a table made in the page's editor (Ctrl-Enter runs it), rows written through another node's API, read
    // back with how complete the answer is, the plan, the history, and a syntax error said as such.
    click("#tab-query");
    WebElement editor = driver.findElement(By.cssSelector("#sql-form [name=sql]"));
    type("#sql-form [name=sql]", "CREATE TABLE ui_tasks (id INTEGER PRIMARY KEY, title VARCHAR, done BOOLEAN)");
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#sql-status")).startsWith("0 rows changed"));
    await().atMost(WAIT).untilAsserted(() -> {
      Http.Answer insert = http1.post("/v1/sql", "{\"sql\":\"INSERT INTO ui_tasks VALUES (1, 'write', TRUE),"
          + " (2, 'test', FALSE), (3, 'ship', FALSE)\"}");
      assertThat(insert.status()).as(insert.text()).isEqualTo(200);
    });
    type("#sql-form [name=sql]", "SELECT id, title FROM ui_tasks WHERE NOT done ORDER BY id");
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#sql-status")).startsWith("2 rows in ")
        .contains("complete ("));
    assertThat(text("#sql-table thead")).isEqualTo("id title");
    assertThat(rows("#sql-table")).containsExactly(List.of("2", "test"), List.of("3", "ship"));
    click("#sql-form button[value=explain]");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#sql-plan")).contains("WeftScan"));
    assertThat(driver.findElements(By.cssSelector("#sql-history option"))).extracting(WebElement::getText)
        .contains("SELECT id, title FROM ui_tasks WHERE NOT done ORDER BY id");
    screenshot("ui-screenshot-query.png");
    // Live mode: the answer, then a row written through another node's API enters the table, and one updated there
    // leaves it, without running anything again in the page.
    type("#sql-form [name=sql]", "SELECT id, title FROM ui_tasks WHERE NOT done");
    click("#sql-form button[value=live]");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#sql-status")).startsWith("live · 2 rows · 0 changes"));
    assertThat(http1.post("/v1/sql", "{\"sql\":\"INSERT INTO ui_tasks VALUES (4, 'deploy', FALSE)\"}").status())
        .isEqualTo(200);
    // The live table is redrawn at each change: a cell found just before a redraw is stale when read, and read again.
    await().atMost(WAIT).ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
        .untilAsserted(() -> assertThat(rows("#sql-table")).contains(List.of("4", "deploy")));
    assertThat(http1.post("/v1/sql", "{\"sql\":\"UPDATE ui_tasks SET done = TRUE WHERE id = 2\"}").status())
        .isEqualTo(200);
    await().atMost(WAIT).ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
        .untilAsserted(() -> assertThat(rows("#sql-table"))
            .containsExactlyInAnyOrder(List.of("3", "ship"), List.of("4", "deploy")));
    assertThat(text("#sql-status")).startsWith("live · 2 rows · 2 changes").contains("complete (");
    screenshot("ui-screenshot-live.png");
    click("#sql-stop");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#sql-status")).isEqualTo("live query stopped"));
    type("#sql-form [name=sql]", "SELEC id FROM ui_tasks");
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#sql-status")).contains("syntax error"));
    assertThat(driver.findElement(By.id("sql-status")).getAttribute("class")).contains("error");
    consoleErrors(); // the refused statement's 400, logged by the browser as a failed request

    // The charts need two polls of the counters for a rate.
    click("#tab-overview");
    // The chart redraws its legend at each poll (more so since the query plugin's channel shows up): an element found
    // just before a redraw is stale when read, and is looked up again.
    await().atMost(WAIT).ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
        .untilAsserted(() -> assertThat(text("#chart-rpcs .legend")).doesNotContain("…"));
    assertThat(driver.findElements(By.cssSelector("#chart-stored polyline"))).hasSize(1);
    screenshot("ui-screenshot.png");
    assertThat(text("#status")).startsWith("updated ");
    assertThat(consoleErrors()).as("console errors").isEmpty();
  }

  @Test
  void aNodeWithATokenHasThePageAskForIt() throws Exception {
    Process node = tarball.node("secured", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0", "--set",
        "weft.api.token=" + TOKEN);
    JsonNode line = tarball.firstLine(node, "secured");
    driver.get(line.get("api").asText() + "/ui/");
    await().atMost(WAIT).untilAsserted(() -> assertThat(driver.findElement(By.id("token-dialog")).isDisplayed())
        .isTrue());
    // The browser logs the refused requests: the console the other test finds empty is really read.
    assertThat(consoleErrors()).anyMatch(e -> e.contains("status of 401"));
    type("#token-form [name=token]", "not-the-token-0123456789");
    click("#token-form button");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#token-reason")).contains("refused that token"));
    assertThat(text("#node-id")).isEqualTo("…");
    type("#token-form [name=token]", TOKEN);
    click("#token-form button");
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#node-id")).isEqualTo(line.get("id").asText()));
    assertThat(driver.findElement(By.id("token-dialog")).isDisplayed()).isFalse();
    // Kept for the tab: a reload does not ask again.
    driver.navigate().refresh();
    await().atMost(WAIT).untilAsserted(() -> assertThat(text("#node-id")).isEqualTo(line.get("id").asText()));
    assertThat(driver.findElement(By.id("token-dialog")).isDisplayed()).isFalse();
  }

  private String id(int node) {
    return nodes.get(node).get("id").asText();
  }

  private String text(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  /** The cells of the table's body, row by row. */
  private List<List<String>> rows(String table) {
    return driver.findElements(By.cssSelector(table + " tbody tr")).stream()
        .map(row -> row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
        .toList();
  }

  private void click(String css) {
    driver.findElement(By.cssSelector(css)).click();
  }

  private void type(String css, String text) {
    WebElement input = driver.findElement(By.cssSelector(css));
    input.clear();
    input.sendKeys(text);
  }

  /** Errors the page logged (uncaught exceptions, failed requests) since the last call. */
  private List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::toString)
        .toList();
  }

  private void screenshot(String name) throws Exception {
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), Paths.get("target", name),
        StandardCopyOption.REPLACE_EXISTING);
  }
}
