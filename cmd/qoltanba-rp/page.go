package main

import (
	"html/template"
	"net/http"

	"github.com/qoltanba/qoltanba/signer"
)

var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><title>qoltanba demo login</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto}button{font-size:1.1em;margin:.3em}</style>
<h1>Demo login</h1>
<button id="q">Log in with qoltanba</button>
<button id="n">Log in with NCALayer</button>
<p id="msg" role="alert"></p>
<form id="otpform" hidden method="post" action="/otp"><label>One-time code <input name="code" autocomplete="one-time-code"></label> <button>OK</button></form>
<script type="module">
import { Qoltanba } from "/qoltanba.js";
const port = {{.AgentPort}};
const allowExpired = {{.AllowExpired}};
const show = (m) => { document.getElementById("msg").textContent = m; };
async function challenge() {
  const r = await fetch("/challenge", { method: "POST" });
  return (await r.json()).challenge;
}
async function finish(body) {
  const r = await fetch("/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) { show(j.error); return; }
  if (j.otp) { document.getElementById("otpform").hidden = false; } else { location.href = "/me"; }
}
document.getElementById("q").onclick = async () => {
  try {
    const c = await challenge();
    const agent = await Qoltanba.connect({ url: "wss://127.0.0.1:" + port + "/qoltanba/v1" });
    const res = await agent.login(c, "cms", { allowExpired });
    agent.close();
    await finish({ protocol: "qoltanba", format: "cms", signature: res.signature, challenge: c });
  } catch (e) { show(e.code || String(e)); }
};
document.getElementById("n").onclick = async () => {
  const c = await challenge();
  const ws = new WebSocket("wss://127.0.0.1:" + port + "/");
  let greeted = false;
  ws.onerror = () => show("NCALayer is not running (or its certificate is not trusted)");
  ws.onmessage = async (e) => {
    if (!greeted) {
      greeted = true;
      ws.send(JSON.stringify({ module: "kz.gov.pki.knca.basics", method: "sign", args: {
        format: "cms", data: c, signingParams: { decode: true, encapsulate: true, allowExpired },
        signerParams: { extKeyUsageOids: [], chain: [] }, locale: "ru" } }));
      return;
    }
    const ans = JSON.parse(e.data);
    ws.close();
    if (!ans.status || !ans.body || !ans.body.result) { show("NCALayer: " + (ans.message || "cancelled")); return; }
    await finish({ protocol: "ncalayer", format: "cms", signature: ans.body.result[0], challenge: c });
  };
};
</script>
</html>
`))

func (s *site) loginPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	loginTmpl.Execute(w, struct {
		AgentPort    int
		AllowExpired bool
	}{s.agentPort, !s.verifyTime.IsZero()})
}

// meTmpl is the page of who logged in. NCA roles are shown by name
// (signer.RoleName), the OID only on hover; an OID NCA does not document
// as a role is shown as it is.
var meTmpl = template.Must(template.New("me").Funcs(template.FuncMap{"roleName": roleName}).Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Logged in</title>
<h1 id="who">{{.CommonName}}</h1>
<p>IIN <span id="iin">{{.IIN}}</span></p>
{{if .BIN}}<p>{{.Organization}}, BIN <span id="bin">{{.BIN}}</span></p>{{end}}
{{with .Roles}}<p>Roles:</p>
<ul id="roles">{{range .}}
<li title="{{.}}">{{roleName .}}</li>{{end}}
</ul>{{end}}
<p>Certificate serial {{.Serial}}, issuer {{.Issuer}}</p>
</html>
`))

func roleName(oid string) string {
	if name, ok := signer.RoleName(oid); ok {
		return name
	}
	return oid
}
