module github.com/qoltanba/qoltanba

go 1.26

replace go.cypherpunks.ru/gogost/v5 => github.com/pedroalbanese/gogost/v5 v5.14.1

require go.cypherpunks.ru/gogost/v5 v5.14.1

require (
	github.com/beevik/etree v1.8.1
	github.com/digitorus/timestamp v0.0.0-20231217203849-220c5c2851b7
	github.com/gorilla/websocket v1.5.3
	github.com/miekg/pkcs11 v1.1.2
	github.com/russellhaering/goxmldsig v1.6.1
	golang.org/x/crypto v0.45.0
	golang.org/x/term v0.37.0
	software.sslmate.com/src/go-pkcs12 v0.7.4
)

require (
	github.com/digitorus/pkcs7 v0.0.0-20230713084857-e76b763bdc49 // indirect
	github.com/jonboulle/clockwork v0.5.0 // indirect
	golang.org/x/sys v0.38.0 // indirect
)
