package dev.weft.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.NodeId;
import dev.weft.remote.RemoteJson;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Two pages of the demo, in headless Chromium, each served by and connected to its own super-node: what one page
 * writes, sends and indexes, the other sees. Needs Debian's {@code chromium} and {@code chromium-driver} (.ci/run
 * installs them); skipped, saying why, where they are missing, except on CI ({@code CI=true}), where it fails.
 */
class BrowserTest {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

  @TempDir
  Path home;

  private static ChromeDriver browser(Path home) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        // Nothing but this machine: the pages load from 127.0.0.1 only.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--user-data-dir=" + home.resolve("profile"), "--window-size=1200,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withEnvironment(Map.of("HOME", home.toString()))
        .withLogFile(home.resolve("chromedriver.log").toFile())
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /** Runs {@code body} (the inside of an async function, with {@code node} = the page's WeftNode) in {@code tab}. */
  private static JsonNode run(ChromeDriver driver, String tab, String body) throws Exception {
    driver.switchTo().window(tab);
    Object out = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "const node = window.weftNode;"
        + "(async () => { " + body + " })().then("
        + "  r => done(JSON.stringify({ ok: r === undefined ? null : r })),"
        + "  e => done(JSON.stringify({ error: String(e.code) + ': ' + e.message })));");
    JsonNode result = RemoteJson.MAPPER.readTree(String.valueOf(out));
    assertThat(result.has("error")).as("%s failed: %s", body, result.path("error").asText()).isFalse();
    return result.get("ok");
  }

  private static String text(ChromeDriver driver, String tab, String elementId) {
    driver.switchTo().window(tab);
    return driver.findElement(By.id(elementId)).getText();
  }

  private static void openPage(ChromeDriver driver, String url) {
    driver.get(url);
    await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(((JavascriptExecutor) driver)
        .executeScript("return window.weftReady === true")));
  }

  @Test
  void twoPagesOnTwoSuperNodesShareObjectsMessagesGlobalsAndIndexes() throws Exception {
    boolean found = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String missing = "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver):"
        + " apt-get install -y chromium chromium-driver, as .ci/run does";
    // On CI the browser test must run: .ci/run installs them.
    assertThat(found || !"true".equals(System.getenv("CI"))).as(missing).isTrue();
    Assumptions.assumeTrue(found, missing);
    Random random = new Random(92);
    String idA = NodeId.random(random).toHex();
    String idB = NodeId.random(random).toHex();
    try (GatewayCluster nodes = new GatewayCluster(2, 91, Map.of())) {
      ChromeDriver driver = browser(home);
      try {
        openPage(driver, nodes.pageUrl(0, idA));
        String a = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        openPage(driver, nodes.pageUrl(1, idB));
        String b = driver.getWindowHandle();

        // Each page is its own client, with the id it asked for, on its own super-node.
        assertThat(run(driver, a, "return node.id;").asText()).isEqualTo(idA);
        assertThat(run(driver, b, "return node.node;").asText()).isEqualTo(nodes.node(1).id().toHex());
        assertThat(run(driver, b, "return localStorage.getItem('weft.id');").asText()).isEqualTo(idB);

        // weft.js and its modules import from another origin too (a page the node does not serve).
        assertThat(run(driver, a, "const m = await import('http://127.0.0.1:" + nodes.port(1) + "/weft.js');"
            + " return [typeof m.connect, typeof m.WeftError, typeof m.ValueCipher, typeof m.RecordSigner];"))
            .extracting(JsonNode::asText).containsOnly("function");

        // Storage: A puts, B reads.
        assertThat(run(driver, a, "return (await node.put('b-notes', 'k1', {text: 'from A'})).acknowledged;")
            .asInt()).isPositive();
        assertThat(run(driver, b, "return (await node.get('b-notes', 'k1')).value.text;").asText())
            .isEqualTo("from A");
        assertThat(run(driver, b, "return await node.get('b-notes', 'nothing');").isNull()).isTrue();
        assertThat(run(driver, b, "try { await node.put('weft:clients', 'x', 1); return 'stored'; }"
            + " catch (e) { return e.code; }").asText()).isEqualTo("bad-request");

        // A direct message from A's page to B's client id shows in B's page.
        run(driver, a, "return await node.sendNode('" + idB + "', {type: 'direct', name: 'alice', text: 'hello B'});");
        driver.switchTo().window(b);
        await().atMost(Duration.ofSeconds(20)).until(() -> text(driver, b, "log").contains("hello B"));

        // The chat form of A broadcasts; B's page shows it.
        driver.switchTo().window(a);
        driver.findElement(By.id("text")).sendKeys("chat from A");
        driver.findElement(By.cssSelector("#say button")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> text(driver, b, "log").contains("chat from A"));

        // A global set by A reaches B's onGlobal (the page shows it as its title), and B's own handler.
        run(driver, b, "window.seen = []; await node.onGlobal(g => window.seen.push(g.value), {name: 'b.flag'});");
        run(driver, a, "return await node.setGlobal('demo.title', 'Board of A');");
        run(driver, a, "return await node.setGlobal('b.flag', {on: true});");
        await().atMost(Duration.ofSeconds(20)).until(() -> text(driver, b, "title").equals("Board of A"));
        await().atMost(Duration.ofSeconds(20)).until(() -> run(driver, b, "return window.seen;").size() == 1);
        assertThat(run(driver, b, "return window.seen[0].on;").asBoolean()).isTrue();

        // The task board (SQL through weft.js): a task added with A's form shows in B's page with its owner's name from
        // the join and in the count; B marks it done, and A's count follows.
        driver.switchTo().window(a);
        driver.findElement(By.id("name")).clear();
        driver.findElement(By.id("name")).sendKeys("ann");
        driver.findElement(By.id("tasktext")).sendKeys("ship the package");
        driver.findElement(By.cssSelector("#task button")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> text(driver, a, "taskcount").startsWith("1 open of 1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> text(driver, b, "tasklist").contains("annship the package"));
        await().atMost(Duration.ofSeconds(30)).until(() -> text(driver, b, "taskcount").equals("1 open of 1"));
        driver.switchTo().window(b);
        driver.findElement(By.cssSelector("#tasklist button.done")).click();
        // The count and the list are two live queries: each follows in its own time.
        await().atMost(Duration.ofSeconds(30)).until(() -> text(driver, a, "taskcount").equals("0 open of 1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> text(driver, a, "tasklist").isEmpty());
        JsonNode joined = run(driver, b, "return (await node.sql('SELECT p.name, t.done FROM demo_tasks t"
            + " JOIN demo_people p ON t.owner = p.id')).rows;");
        assertThat(joined.toString()).isEqualTo("[[\"ann\",true]]");

        // A PHT index: A inserts, B queries a range.
        run(driver, a, "await node.pht.create('b-idx', 'long'); await node.pht.insert('b-idx', 5, 'five');"
            + " await node.pht.insert('b-idx', 50, 'fifty');");
        JsonNode range = run(driver, b, "return await node.pht.range('b-idx', 0, 10);");
        assertThat(range.get("entries")).hasSize(1);
        assertThat(range.get("entries").get(0).get("key").asLong()).isEqualTo(5);
        assertThat(range.get("entries").get(0).get("value").asText()).isEqualTo("five");
        assertThat(run(driver, b, "try { await node.pht.lookup('no-such-idx', 1); return 'found'; }"
            + " catch (e) { return e.code; }").asText()).isEqualTo("not-found");

        // Client-side encryption: what page A seals with a passphrase, B opens with the same one and the node (Java)
        // opens with ValueCipher; the stored form holds no plaintext; what Java seals, the page opens; a wrong key
        // or another key name fails.
        String cipherJs = "const { ValueCipher } = await import('/weft.js');"
            + " const c = await ValueCipher.fromPassphrase('correct horse', 'weft browser test salt');";
        run(driver, a, cipherJs + " await node.put('b-secret', 's1', await c.seal('b-secret', 's1',"
            + " {text: 'sealed in A', n: 12}));");
        assertThat(run(driver, b, cipherJs + " return (await c.open('b-secret', 's1',"
            + " (await node.get('b-secret', 's1')).value)).text;").asText()).isEqualTo("sealed in A");
        JsonNode stored = nodes.node(0).storage().get("b-secret", "s1").get(10, java.util.concurrent.TimeUnit.SECONDS)
            .orElseThrow().value();
        assertThat(stored.toString()).doesNotContain("sealed in A").contains("\"weft-sealed\":1");
        dev.weft.api.ValueCipher javaCipher = dev.weft.api.ValueCipher.fromPassphrase("correct horse".toCharArray(),
            "weft browser test salt".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(javaCipher.open("b-secret", "s1", stored).path("n").asInt()).isEqualTo(12);
        nodes.node(1).storage().put("b-secret", "s2", javaCipher.seal("b-secret", "s2", RemoteJson.MAPPER.readTree(
            "{\"text\":\"sealed in Java\"}"))).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(run(driver, a, cipherJs + " return (await c.open('b-secret', 's2',"
            + " (await node.get('b-secret', 's2')).value)).text;").asText()).isEqualTo("sealed in Java");
        assertThat(run(driver, a, cipherJs + " const other = await ValueCipher.fromKey(ValueCipher.newKey());"
            + " const v = (await node.get('b-secret', 's1')).value; const codes = [];"
            + " for (const f of [() => other.open('b-secret', 's1', v), () => c.open('b-secret', 's2', v),"
            + " () => c.open('b-secret', 's1', {text: 'plain'})]) {"
            + " try { await f(); codes.push('opened'); } catch (e) { codes.push(e.code); } } return codes;"))
            .extracting(JsonNode::asText).containsExactly("bad-request", "bad-request", "bad-request");

        // Owned namespaces: page A signs with its own key (WebCrypto Ed25519; the key never leaves the page), B reads
        // it with its owner; B's key, or a plain put, cannot change it; a key saved by Java signs in the page too.
        String ownerJs = "const { RecordSigner } = await import('/weft.js');"
            + " window.owner = window.owner || await RecordSigner.generate(); const owner = window.owner;";
        JsonNode signedPut = run(driver, a, ownerJs + " return await node.putSigned(owner, 'b-owned', 'o1',"
            + " {text: 'signed in A'});");
        String ownedNs = signedPut.get("namespace").asText();
        assertThat(signedPut.get("acknowledged").asInt()).isPositive();
        JsonNode ownedGot = run(driver, b, "return await node.get(" + RemoteJson.MAPPER.writeValueAsString(ownedNs)
            + ", 'o1');");
        assertThat(ownedGot.get("value").get("text").asText()).isEqualTo("signed in A");
        assertThat(ownedGot.get("owner").asText()).isEqualTo(ownedNs.substring(1, 44));
        String nsJs = RemoteJson.MAPPER.writeValueAsString(ownedNs);
        assertThat(run(driver, b, "const { RecordSigner } = await import('/weft.js'); const other = await"
            + " RecordSigner.generate(); const codes = [];"
            + " for (const f of [() => node.putSigned(other, " + nsJs + ", 'o1', 1), () => node.put(" + nsJs
            + ", 'o1', 2), () => node.delete(" + nsJs + ", 'o1')]) {"
            + " try { await f(); codes.push('written'); } catch (e) { codes.push(e.code); } } return codes;"))
            .extracting(JsonNode::asText).containsExactly("bad-request", "bad-request", "bad-request");
        assertThat(nodes.node(1).storage().get(ownedNs, "o1").get(10, java.util.concurrent.TimeUnit.SECONDS)
            .orElseThrow().value().get("text").asText()).isEqualTo("signed in A");
        dev.weft.api.RecordSigner javaOwner = dev.weft.testkit.TestSigners.seeded(61);
        nodes.node(0).storage().put(javaOwner.namespace("j"), "j1", RemoteJson.MAPPER.readTree("{\"n\":1}"), javaOwner)
            .get(10, java.util.concurrent.TimeUnit.SECONDS);
        String pkcs8 = java.util.Base64.getEncoder().encodeToString(javaOwner.privateKey());
        assertThat(run(driver, b, "const { RecordSigner } = await import('/weft.js'); const k = await"
            + " RecordSigner.fromPrivateKey(Uint8Array.from(atob('" + pkcs8 + "'), c => c.charCodeAt(0)));"
            + " await node.putSigned(k, 'j', 'j1', {n: 2}); const n = (await node.get(k.namespace('j'), 'j1')).value.n;"
            + " await node.deleteSigned(k, 'j', 'j1'); return [k.namespace('j'), n, await node.get(k.namespace('j'),"
            + " 'j1')];")).extracting(JsonNode::toString)
            .containsExactly("\"" + javaOwner.namespace("j") + "\"", "2", "null");

        // A note pinned with A's form (stored, indexed by time, announced) is listed by B's page.
        driver.switchTo().window(a);
        driver.findElement(By.id("notetext")).sendKeys("pinned by A");
        driver.findElement(By.cssSelector("#note button")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> text(driver, b, "notelist").contains("pinned by A"));

        driver.switchTo().window(b);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Paths.get("target", "browser-demo.png"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        // A second page asking for B's id is refused while B is connected.
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(nodes.pageUrl(0, idB));
        await().atMost(Duration.ofSeconds(20)).until(() -> driver.findElement(By.id("status")).getText()
            .contains("conflict"));
      } finally {
        driver.quit();
      }
    }
  }
}
