// weft.js against a real node: WEFT_URL is its gateway (ws://host:port/client). The gateway module's
// WeftJsPackageTest starts a node and runs these under Node.js with --experimental-websocket; without WEFT_URL they
// are skipped (npm test alone runs the other file's tests).
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, RecordSigner, ValueCipher, WeftError } from "../weft.js";

const url = process.env.WEFT_URL;
const skip = url ? false : "WEFT_URL is not set: no node to connect to";

async function open(options = {}) {
  // The runtime's own class, passed in as a page would not need to: the same path as any other implementation.
  return connect(url, { WebSocket: globalThis.WebSocket, ...options });
}

test("stores, reads, updates and deletes an object", { skip }, async () => {
  const node = await open();
  try {
    assert.ok(node.modules.includes("storage"));
    const put = await node.put("weftjs", "k1", { text: "from Node.js", n: 1 });
    assert.ok(put.acknowledged >= 1 && put.acknowledged <= put.attempted, JSON.stringify(put));
    const back = await node.get("weftjs", "k1");
    assert.deepEqual(back.value, { text: "from Node.js", n: 1 });
    assert.equal(back.version, put.version);
    await node.put("weftjs", "k1", { text: "again", n: 2 });
    assert.equal((await node.get("weftjs", "k1")).value.n, 2);
    await node.delete("weftjs", "k1");
    assert.equal(await node.get("weftjs", "k1"), null);
  } finally {
    await node.close();
  }
});

test("a request the node refuses is a WeftError with its code", { skip }, async () => {
  const node = await open();
  try {
    await assert.rejects(node.put("", "k", 1), e => e instanceof WeftError && e.code === "bad-request");
    await assert.rejects(node.put("weftjs", "big", "x".repeat(70 * 1024)),
      e => e instanceof WeftError && e.code === "too-large");
  } finally {
    await node.close();
  }
});

test("two clients reach each other by id", { skip }, async () => {
  const a = await open();
  const b = await open();
  try {
    const got = new Promise(resolve => b.onMessage(m => resolve(m)));
    await a.sendNode(b.id, { hello: "b" });
    const m = await got;
    // The sender is the node that sent it, a's super-node: a page that wants replies puts its own id in the message.
    assert.equal(m.sender, a.node);
    assert.equal(m.kind, "node");
    assert.deepEqual(m.message, { hello: "b" });
  } finally {
    await a.close();
    await b.close();
  }
});

test("sealed and signed values, with Node.js's WebCrypto", { skip }, async () => {
  const node = await open();
  try {
    const cipher = await ValueCipher.fromPassphrase("correct horse", "a salt of sixteen bytes or more");
    await node.put("diary", "d1", await cipher.seal("diary", "d1", { text: "secret" }));
    assert.deepEqual(await cipher.open("diary", "d1", (await node.get("diary", "d1")).value), { text: "secret" });

    const owner = await RecordSigner.generate();
    const put = await node.putSigned(owner, "notes", "n1", { text: "only I can change this" });
    assert.equal(put.namespace, owner.namespace("notes"));
    const back = await node.get(owner.namespace("notes"), "n1");
    assert.deepEqual(back.value, { text: "only I can change this" });
  } finally {
    await node.close();
  }
});

test("SQL through the node: a table, rows, a query with parameters, and an error", { skip }, async () => {
  const node = await open();
  try {
    assert.ok(node.modules.includes("sql"), JSON.stringify(node.modules));
    await node.sql("CREATE TABLE weftjs_tasks (id INT PRIMARY KEY, title VARCHAR, done BOOLEAN)");
    const inserted = await node.sql("INSERT INTO weftjs_tasks VALUES (?, ?, ?), (?, ?, ?)",
      [1, "write the package", true, 2, "test it", false]);
    assert.equal(inserted.updated, 2);
    const open_ = await node.sql("SELECT id, title FROM weftjs_tasks WHERE done = ? ORDER BY id", [false]);
    assert.deepEqual(open_.columns.map(c => c.name.toLowerCase()), ["id", "title"]);
    assert.deepEqual(open_.rows, [[2, "test it"]]);
    assert.equal(open_.coverage.complete, true);
    await assert.rejects(node.sql("SELEC nothing"), e => e instanceof WeftError && e.code === "bad-request");
    // An answer a page should not get whole: 20 rows of 60,000 characters are over the gateway's 1 MiB.
    for (let i = 10; i < 30; i++) {
      await node.sql("INSERT INTO weftjs_tasks VALUES (?, ?, ?)", [i, "x".repeat(60000), false]);
    }
    await assert.rejects(node.sql("SELECT * FROM weftjs_tasks"),
      e => e.code === "too-large" && e.message.includes("1048576"));
    assert.equal((await node.sql("SELECT COUNT(*) FROM weftjs_tasks")).rows[0][0], 22);
    await assert.rejects(node.sql("SELECT 1", [], { maxRows: 0 }), e => e.code === "bad-request");
  } finally {
    await node.close();
  }
});

test("a live query: the answer, then each change, until it is stopped", { skip }, async () => {
  const writer = await open();
  const watcher = await open();
  try {
    await writer.sql("CREATE TABLE weftjs_live (id INT PRIMARY KEY, done BOOLEAN)");
    await writer.sql("INSERT INTO weftjs_live VALUES (1, FALSE), (2, TRUE)");
    const events = [];
    let wake = () => {};
    const next = async () => {
      const deadline = Date.now() + 15000;
      while (events.length === 0) {
        assert.ok(Date.now() < deadline, "an event within 15 s");
        await new Promise(resolve => { wake = resolve; setTimeout(resolve, 100); });
      }
      return events.shift();
    };
    const stop = await watcher.watch("SELECT COUNT(*) FROM weftjs_live WHERE NOT done", e => {
      events.push(e);
      wake();
    });
    const answer = await next();
    assert.equal(answer.type, "answer");
    assert.deepEqual(answer.rows, [[1]]);
    assert.equal(answer.coverage.complete, true);
    await writer.sql("INSERT INTO weftjs_live VALUES (3, FALSE)");
    const change = await next();
    assert.equal(change.type, "change");
    assert.deepEqual(change.removed, [[1]]);
    assert.deepEqual(change.added, [[2]]);
    stop();
    const ended = [];
    const bad = await watcher.watch("SELECT * FROM weftjs_nowhere", e => ended.push(e));
    const deadline = Date.now() + 15000;
    while (ended.length === 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    assert.equal(ended[0].type, "error");
    assert.ok(ended[0].error instanceof WeftError && ended[0].error.code === "bad-request", ended[0].error.message);
    assert.equal(ended[0].closed, true);
    bad();
    await assert.rejects(watcher.watch("SELECT 1", () => {}, [], { maxRows: 0 }), e => e.code === "bad-request");
  } finally {
    await writer.close();
    await watcher.close();
  }
});
