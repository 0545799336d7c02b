package transport

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
)

// TestNCALayerStorages: a page may name NCALayer's storages only, and
// getActiveTokens tells it only of those (a Rutoken or a SoftHSM token is
// shown in the dialog, but a page could not ask for it by name).
func TestNCALayerStorages(t *testing.T) {
	for _, s := range []string{"PKCS12", "JKS", "AKKaztokenStore", "AKKZIDCardStore", "AKEToken72KStore", "AKEToken5110Store", "AKJaCartaStore", "AKAKEYStore"} {
		if !ncaStorage(s) {
			t.Errorf("%s refused", s)
		}
	}
	for _, s := range []string{"FLOPPY", "RutokenStore", "SoftHSMStore", "VNPT-CA", "pkcs12", ""} {
		if ncaStorage(s) {
			t.Errorf("%s accepted", s)
		}
	}
	got := ncaActiveStorages([]string{"AKJaCartaStore", "RutokenStore", "AKKaztokenStore", "SoftHSMStore"})
	if !slices.Equal(got, []string{"AKJaCartaStore", "AKKaztokenStore"}) {
		t.Errorf("getActiveTokens would say %v", got)
	}
	if got := ncaActiveStorages(nil); got == nil || len(got) != 0 {
		t.Errorf("no tokens: %#v, want an empty list", got)
	}
}

// TestNCALayerSaysStorageUnknown: "storage.unknown" is NCALayer's word, said
// by its door; the agent's own message for the outcome names no protocol.
func TestNCALayerSaysStorageUnknown(t *testing.T) {
	err := fmt.Errorf("%w: key files are not allowed by this site", agent.ErrUnknownStore)
	if got := ncaPublicMessage(err); got != "storage.unknown" {
		t.Errorf("NCALayer page told %q", got)
	}
	if got := commonError(err); got.Message != "storage.unknown" || got.Code != "500" {
		t.Errorf("commonUtils answer %+v", got)
	}
	if got := agent.PublicMessage(err); strings.Contains(got, "storage.unknown") {
		t.Errorf("the agent speaks NCALayer: %q", got)
	}
	if got := ncaPublicMessage(agent.ErrNoMatchingKey); got != agent.PublicMessage(agent.ErrNoMatchingKey) {
		t.Errorf("another failure told %q", got)
	}
}
