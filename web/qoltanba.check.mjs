// Drives web/qoltanba.js against a running agent (QOLTANBA_URL) from Node
// (node --experimental-websocket); transport/webclient_test.go runs it and
// checks what it prints.
import { Qoltanba, QoltanbaError } from "./qoltanba.js";

const q = await Qoltanba.connect({ url: process.env.QOLTANBA_URL });
const out = {};
out.version = await q.version();
out.login = await q.login(process.env.QOLTANBA_CHALLENGE, "cms");
const [a, b] = await Promise.all([
  q.sign({ format: "cms", documents: [Buffer.from("first").toString("base64")] }),
  q.sign({ format: "xml", documents: [Buffer.from("<doc>second</doc>").toString("base64")] }),
]);
out.signatures = [a.signatures[0], b.signatures[0]];
try {
  await q.login("c2hvcnQ=");
} catch (e) {
  out.error = e instanceof QoltanbaError ? e.code : String(e);
}
q.close();
try {
  await Qoltanba.connect({ url: "wss://127.0.0.1:1/qoltanba/v1", timeoutMs: 2000 });
} catch (e) {
  out.unavailable = e.code;
}
console.log(JSON.stringify(out));
