package transport

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/agent"
)

// TestNativePipeWindows: the agent's pipe admits a host of the same user,
// which gets answers through it; a second agent is refused. (Run under
// Wine by cross-compiling this package's tests: GOOS=windows go test -c.)
func TestNativePipeWindows(t *testing.T) {
	path := NativeSocketPath()
	if !strings.HasPrefix(path, `\\.\pipe\qoltanba-native-S-1-`) {
		t.Fatalf("pipe name %s", path)
	}
	l, err := ListenNative(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l2, err := ListenNative(path); !errors.Is(err, ErrNativeInUse) {
		t.Errorf("a second agent: %v", err)
		if l2 != nil {
			l2.Close()
		}
	}
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: agent.NoDialog{}})
	go (&NativeDoor{Agent: a, Version: "w"}).Serve(t.Context(), l)
	for i := 0; i < 2; i++ { // two hosts, one after the other: the next instance is made
		c, err := DialNative(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteRequestFrame(c, mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: ifcExt})); err != nil {
			t.Fatalf("host %d: hello: %v", i, err)
		}
		if err := WriteRequestFrame(c, []byte(`{"func_name":"version","params":{}}`)); err != nil {
			t.Fatalf("host %d: request: %v", i, err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, err := ReadFrame(c, MaxNativeAnswer)
		if err != nil || !strings.Contains(string(b), `"version":"`+IFCCompatVersion+`"`) {
			t.Errorf("host %d: %s %v", i, b, err)
		}
		c.Close()
	}
}
