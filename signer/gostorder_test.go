package signer

import (
	"bytes"
	"testing"
)

func TestGOSTProfiles(t *testing.T) {
	std := []byte{1, 2, 3, 4, 5, 6} // s‖r
	for _, c := range []struct {
		p    GOSTProfile
		want []byte
	}{{ProfileKZ, []byte{6, 5, 4, 3, 2, 1}}, {ProfileRU, []byte{1, 2, 3, 4, 5, 6}}} {
		got := c.p.FromStandard(append([]byte(nil), std...))
		if !bytes.Equal(got, c.want) {
			t.Errorf("%v: %v", c.p, got)
		}
		if back := c.p.ToStandard(got); !bytes.Equal(back, std) {
			t.Errorf("%v: back %v", c.p, back)
		}
	}
	d := []byte{1, 2, 3}
	if got := curveDigest(d); !bytes.Equal(got, []byte{3, 2, 1}) || d[0] != 1 {
		t.Errorf("curve digest %v (input %v)", got, d)
	}
}
