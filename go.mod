module github.com/qoltanba/qoltanba

go 1.26

replace go.cypherpunks.ru/gogost/v5 => github.com/pedroalbanese/gogost/v5 v5.14.1

require go.cypherpunks.ru/gogost/v5 v5.14.1

require (
	golang.org/x/crypto v0.45.0
	software.sslmate.com/src/go-pkcs12 v0.7.4
)
