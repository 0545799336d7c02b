package signer

// ncaRoleNames are the role OIDs NCA writes in a certificate's extended key
// usage (docs/spec/kalkan-formats.md §5; Identity.Roles), named in English
// as NCA's regulations describe them. This is the one table of them: a
// program that shows roles asks RoleName.
var ncaRoleNames = map[string]string{
	"1.2.398.3.3.4.1.1":    "individual",
	"1.2.398.3.3.4.1.2":    "legal entity",
	"1.2.398.3.3.4.1.2.1":  "first head of the organisation",
	"1.2.398.3.3.4.1.2.2":  "right to sign",
	"1.2.398.3.3.4.1.2.3":  "right to sign financial documents",
	"1.2.398.3.3.4.1.2.4":  "HR employee",
	"1.2.398.3.3.4.1.2.5":  "employee of the organisation",
	"1.2.398.3.3.4.1.2.6":  "information system of the organisation",
	"1.2.398.5.19.1.2.2.1": "treasury client",
}

// RoleName names an NCA role OID from Identity.Roles in English ("first
// head of the organisation" for 1.2.398.3.3.4.1.2.1); ok is false for an
// OID NCA does not document as a role, which callers show as it is.
func RoleName(oid string) (name string, ok bool) {
	name, ok = ncaRoleNames[oid]
	return name, ok
}
