package installer

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"

	"github.com/smallstep/truststore"
)

// systemTrustWanted: on Linux browsers use NSS (Chromium's database,
// Firefox's profiles); the system store (/etc/ssl, update-ca-certificates)
// is changed only for all users, as root.
func systemTrustWanted(o Options) bool { return o.AllUsers }

// systemTrust adds the CA to the system store (smallstep/truststore knows
// each distribution's layout).
func systemTrust(ca *x509.Certificate, _ bool) error {
	return withCAFile(ca, truststore.InstallFile)
}

func systemUntrust(ca *x509.Certificate, _ bool) error {
	if err := withCAFile(ca, truststore.UninstallFile); err != nil {
		return err
	}
	removeOrphanLinks("/etc/ssl/certs")
	return nil
}

// removeOrphanLinks deletes the links Debian's update-ca-certificates
// leaves behind when a local CA file is removed (it prunes orphans only
// when its own list changed): the name link of our CA and the hash link
// to it, once their target is gone.
func removeOrphanLinks(dir string) {
	for range 2 { // the name link first, then the hash link that pointed to it
		entries, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			target, err := os.Readlink(p)
			if err != nil || !strings.Contains(target, "qoltanba_local_CA") {
				continue
			}
			if _, err := os.Stat(p); os.IsNotExist(err) {
				os.Remove(p)
			}
		}
	}
}
