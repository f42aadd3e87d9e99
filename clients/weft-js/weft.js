// weft.js: the browser client of a weft node's gateway. Dependency-free ES modules, served by every node that
// listens on ws://host:port: /weft.js, which gathers the modules of /weft/. Protocol and limits: docs/browser.md.
//
//   import { connect } from "/weft.js";
//   const node = await connect();                 // the page's own node, ws(s)://<page host>/client
//   await node.put("notes", "n1", { text: "hi" });
//   node.onMessage(m => console.log(m.sender, m.message));
//
// Every method returns a promise; a failure is a WeftError whose .code is one of bad-request, not-found, conflict,
// too-large, rate-limited, unsupported, unavailable, internal, or closed (the connection is gone). There is no
// automatic reconnection: watch node.closed (or onClose) and connect again; ask for the same id to stay reachable
// under it.

export { connect, WeftNode } from "./weft/client.js";
export { WeftError } from "./weft/errors.js";
export { ValueCipher } from "./weft/cipher.js";
export { RecordSigner } from "./weft/signer.js";
