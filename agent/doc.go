// Package agent is the core of the signing agent: a Request (who asks, what
// to sign, which keys qualify) goes through the origin policy, the user's
// consent and the Prompter (the dialog), then to a key store and the signer,
// and comes back as a Result. It knows nothing of WebSockets or JSON: the
// transport package decodes protocols into Requests.
//
// Nothing is signed but through Session.Approve, which a Prompter calls when
// the user approved a key in its dialog; every prompter (desktop, terminal,
// unattended) signs this one way, and the page's answer leaves as soon as
// the signature exists. The unattended mode is itself a Prompter that an
// operator configures explicitly (see Unattended).
//
// An organisation's machine policy (Policy, read by LoadMachinePolicy from
// the file or registry of each platform) is applied over the user's Config
// before the agent starts; one that cannot be read stops the agent.
package agent
