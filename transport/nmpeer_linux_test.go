package transport

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
)

// TestNativePeerOtherUser: a process of another user that reaches the
// socket (here through a directory open to all, which ListenNative never
// makes) is refused before anything is read: SO_PEERCRED's uid is not
// ours. The other user is nobody (65534), run by Node.js (installed by
// .ci/run); the test runs as root, as CI does.
func TestNativePeerOtherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Fatal("this test needs root (to run a client as another user); CI runs tests as root")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required (Debian nodejs, installed by .ci/run)")
	}
	dir, err := os.MkdirTemp("", "qoltanba-peer-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	path := filepath.Join(dir, "s")
	l, err := netListenUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	os.Chmod(path, 0o777)
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: agent.NoDialog{}})
	go (&NativeDoor{Agent: a}).Serve(t.Context(), l)

	hello := frame(mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: ifcExt}))
	req := frame([]byte(`{"func_name":"version","params":{}}`))
	script := `const net=require("net");const c=net.connect(process.argv[1]);
let got=false;c.on("connect",()=>c.write(Buffer.from(process.argv[2],"hex")));
c.on("data",()=>{got=true;c.destroy()});c.on("error",()=>{});
c.on("close",()=>{console.log(got?"ANSWERED":"REFUSED");process.exit(0)});
setTimeout(()=>{console.log(got?"ANSWERED":"TIMEOUT");process.exit(0)},5000);`
	run := func(uid uint32) string {
		cmd := exec.Command(node, "-e", script, path, hexOf(append(hello, req...)))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("node as %d: %v %s", uid, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run(65534); got != "REFUSED" {
		t.Errorf("another user's connection: %s", got)
	}
	// The same client as this user is answered (the check is what refused).
	if got := run(0); got != "ANSWERED" {
		t.Errorf("this user's connection: %s", got)
	}
}
