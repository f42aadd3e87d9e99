// weft.js without a node: a scripted WebSocket class passed in, as a runtime without one of its own would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, WeftError } from "../weft.js";

const NODE_ID = "ab".repeat(20);

/** A WebSocket class whose server side is `script(socket, frame)`, called with each frame the client sends. */
function scripted(script, onOpen = socket => socket.deliver({ t: "hello", id: "cd".repeat(20), node: NODE_ID,
  modules: ["storage"], limits: { maxInFlight: 100 } })) {
  const sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.onmessage = null;
      this.onclose = null;
      sockets.push(this);
      setTimeout(() => onOpen(this), 0);
    }

    send(text) {
      const frame = JSON.parse(text);
      this.sent.push(frame);
      setTimeout(() => script(this, frame), 0);
    }

    close(code = 1000, reason = "") {
      setTimeout(() => this.onclose && this.onclose({ code, reason }), 0);
    }

    deliver(frame) {
      this.onmessage({ data: JSON.stringify(frame) });
    }
  }
  return { FakeSocket, sockets };
}

test("connects with the class it is given, and answers requests by their ids", async () => {
  const { FakeSocket, sockets } = scripted((socket, req) => {
    if (req.op === "get") {
      socket.deliver({ t: "res", rid: req.rid, ok: true, result: null });
    } else {
      socket.deliver({ t: "res", rid: req.rid, ok: true, result: { version: "1-a", acknowledged: 6, attempted: 8 } });
    }
  });
  const node = await connect("ws://127.0.0.1:4000/client", { WebSocket: FakeSocket });
  assert.equal(node.node, NODE_ID);
  assert.deepEqual(node.modules, ["storage"]);
  assert.equal(sockets[0].url, "ws://127.0.0.1:4000/client");
  const [put, missing] = await Promise.all([node.put("notes", "n1", { text: "hi" }), node.get("notes", "nope")]);
  assert.deepEqual(put, { version: "1-a", acknowledged: 6, attempted: 8 });
  assert.equal(missing, null);
  assert.deepEqual(sockets[0].sent.map(f => [f.op, f.namespace, f.key]), [["put", "notes", "n1"], ["get", "notes", "nope"]]);
  assert.notEqual(sockets[0].sent[0].rid, sockets[0].sent[1].rid);
});

test("an error answer is a WeftError with the node's code", async () => {
  const { FakeSocket } = scripted((socket, req) =>
    socket.deliver({ t: "res", rid: req.rid, ok: false, error: { code: "too-large", message: "value of 70000 bytes" } }));
  const node = await connect("ws://127.0.0.1:4000/client", { WebSocket: FakeSocket });
  await assert.rejects(node.put("ns", "k", "x".repeat(70000)), e => e instanceof WeftError && e.code === "too-large"
    && e.message === "value of 70000 bytes");
});

test("a refusal before the hello rejects with the code its close code stands for", async () => {
  const { FakeSocket } = scripted(() => {}, socket => socket.close(4409, "id connected already"));
  await assert.rejects(connect("ws://127.0.0.1:4000/client", { WebSocket: FakeSocket, id: NODE_ID }),
    e => e instanceof WeftError && e.code === "conflict" && e.message === "id connected already");
});

test("requests pending when the connection ends fail with code closed", async () => {
  let socket;
  const { FakeSocket } = scripted(s => {
    socket = s;
  });
  const node = await connect("ws://127.0.0.1:4000/client", { WebSocket: FakeSocket });
  const pending = node.get("ns", "k");
  await new Promise(resolve => setTimeout(resolve, 5));
  socket.close(1000, "bye");
  await assert.rejects(pending, e => e.code === "closed");
  assert.deepEqual(await node.closed, { code: 1000, reason: "bye" });
});

test("without a WebSocket class, the error says how to pass one", async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "WebSocket");
  delete globalThis.WebSocket;
  try {
    await assert.rejects(connect("ws://127.0.0.1:4000/client"),
      e => e instanceof WeftError && e.code === "unsupported" && e.message.includes("options.WebSocket"));
  } finally {
    if (saved) {
      Object.defineProperty(globalThis, "WebSocket", saved);
    }
  }
  await assert.rejects(connect("ws://127.0.0.1:4000/client", { WebSocket: 42 }),
    e => e.code === "unsupported" && e.message === "options.WebSocket is not a WebSocket class");
});

test("outside a page a URL is needed, and an id must be 40 hex digits", async () => {
  const { FakeSocket } = scripted(() => {});
  await assert.rejects(connect({ WebSocket: FakeSocket }), e => e.code === "bad-request" && e.message.includes("URL"));
  await assert.rejects(connect("ws://127.0.0.1:4000/client", { WebSocket: FakeSocket, id: "xyz" }),
    e => e.code === "bad-request" && e.message.includes("40 hex digits"));
});
