package ui

// cliCatalog holds what the command line (cmd/qoltanba) says to a person:
// errors, warnings and results, in the dialogs' three languages. It joins
// the dialogs' catalog (init), so T serves both. Keywords that scripts
// read — VALID:, INVALID:, ok/FAIL, keys' and signers' field=value words,
// flag names — are not in it and stay as they are in every language.
var cliCatalog = map[string]map[string]string{
	// Any command
	"cli-unknown-command":  {"kk": "%q деген команда жоқ", "ru": "неизвестная команда %q", "en": "unknown command %q"},
	"cli-unexpected-arg":   {"kk": "артық аргумент %q: жалаушаларды ғана беріңіз (qoltanba КОМАНДА -h)", "ru": "лишний аргумент %q: укажите только флаги (qoltanba КОМАНДА -h)", "en": "unexpected argument %q: give only flags (qoltanba COMMAND -h)"},
	"cli-flag-unknown":     {"kk": "%s деген жалауша жоқ: тізімін qoltanba %s -h көрсетеді", "ru": "флага %s нет: список покажет qoltanba %s -h", "en": "there is no flag %s: qoltanba %s -h lists them"},
	"cli-flag-needs-value": {"kk": "%s жалаушасына мән керек", "ru": "флагу %s нужно значение", "en": "the flag %s needs a value"},
	"cli-flag-bad-value":   {"kk": "-%s жалаушасының мәні %q жарамсыз", "ru": "недопустимое значение %[2]q флага -%[1]s", "en": "-%s: %q is not a value it takes"},
	"cli-warning":          {"kk": "ескерту: %s", "ru": "предупреждение: %s", "en": "warning: %s"},
	"cli-needs-privilege":  {"kk": "%s үшін %s керек", "ru": "для %s нужны %s", "en": "%s needs %s"},
	"cli-privilege-root":   {"kk": "root құқықтары (sudo)", "ru": "права root (sudo)", "en": "root (sudo)"},
	"cli-privilege-admin":  {"kk": "әкімші құқықтары (командалық жолды «Әкімші ретінде іске қосыңыз»)", "ru": "права администратора (запустите командную строку «От имени администратора»)", "en": "an elevated prompt (Run as administrator)"},
	"cli-no-home":          {"kk": "HOME айнымалысы берілмеген", "ru": "переменная HOME не задана", "en": "HOME is not set"},

	// serve and run
	"cli-serve-policy-unreadable":      {"kk": "%s (ұйымның саясатынсыз агент іске қосылмайды)", "ru": "%s (без политики организации агент не запускается)", "en": "%s (the agent does not start without its organisation's policy)"},
	"cli-serve-unattended-off":         {"kk": "қатысушысыз режимді компьютер саясаты өшірген (%s)", "ru": "режим без участия человека выключен политикой компьютера (%s)", "en": "unattended mode is turned off by the machine's policy (%s)"},
	"cli-serve-unattended-origin":      {"kk": "--unattended үшін кемінде бір --allow-origin керек: ол барлық сайтқа қол қоймайды", "ru": "для --unattended нужен хотя бы один --allow-origin: он никогда не подписывает для всех сайтов", "en": "--unattended needs at least one --allow-origin: it never signs for every site"},
	"cli-serve-unattended-key":         {"kk": "--unattended үшін --p12 мен --password-file, не --pkcs11 мен --pin-file керек", "ru": "для --unattended нужны --p12 с --password-file или --pkcs11 с --pin-file", "en": "--unattended needs --p12 with --password-file, or --pkcs11 with --pin-file"},
	"cli-serve-bad-origin":             {"kk": "--allow-origin %q: сайттың бастауы керек, схема://хост[:порт] (https://my-site.example, жергілікті сынақ сайты үшін http://localhost:8080)", "ru": "--allow-origin %q: нужен источник сайта, схема://хост[:порт] (https://my-site.example или http://localhost:8080 для локального тестового сайта)", "en": "--allow-origin %q: want a site's origin, scheme://host[:port] (https://my-site.example, or http://localhost:8080 for a local test site)"},
	"cli-serve-key-without-unattended": {"kk": "--p12, --pkcs11 және --allow-origin тек --unattended-пен беріледі", "ru": "--p12, --pkcs11 и --allow-origin задаются только с --unattended", "en": "--p12, --pkcs11 and --allow-origin go with --unattended"},
	"cli-serve-banner":                 {"kk": "!! ҚАТЫСУШЫСЫЗ РЕЖИМ: %s сайтының әр сұрауына\n!! бапталған кілтпен ЕШКІМНЕН СҰРАМАЙ қол қойылады.\n!! Тек автоматты сынақтар мен киосктерге. Әр қолтаңба журналға жазылады.", "ru": "!! РЕЖИМ БЕЗ УЧАСТИЯ ЧЕЛОВЕКА: каждый запрос от %s\n!! подписывается настроенным ключом, НИКОГО НЕ СПРАШИВАЯ.\n!! Только для автоматических тестов и киосков. Каждая подпись записывается в журнал.", "en": "!! UNATTENDED MODE: every request from %s\n!! is signed with the configured key WITHOUT asking anyone.\n!! Use it only for automated tests and kiosks. Every signature is logged."},
	"cli-serve-no-desktop-build":       {"kk": "qoltanba-ның бұл жинағында жұмыс үстелі терезелері жоқ (-tags nodesktop): --ui tty қолданыңыз", "ru": "в этой сборке qoltanba нет окон рабочего стола (собрана с -tags nodesktop): используйте --ui tty", "en": "this build of qoltanba has no desktop dialogs (it was built with -tags nodesktop): use --ui tty"},
	"cli-serve-no-display":             {"kk": "--ui desktop үшін дисплей керек, ал оған қол жетпейді (DISPLAY мен WAYLAND_DISPLAY берілмеген немесе жұмыс істеп тұрған дисплейді көрсетпейді): жұмыс үстелі сеансында іске қосыңыз немесе терминалда --ui tty қолданыңыз", "ru": "для --ui desktop нужен дисплей, а он недоступен (DISPLAY и WAYLAND_DISPLAY не заданы или указывают на неработающий дисплей): запустите в сеансе рабочего стола или используйте --ui tty в терминале", "en": "--ui desktop needs a display, and none can be reached (DISPLAY and WAYLAND_DISPLAY are unset, or name no running display): run it in a desktop session, or use --ui tty in a terminal"},
	"cli-serve-tty-needs-terminal":     {"kk": "--ui tty үшін стандартты кіріс терминал болуы керек", "ru": "для --ui tty стандартный ввод должен быть терминалом", "en": "--ui tty needs a terminal on standard input"},
	"cli-serve-bad-ui":                 {"kk": "--ui мәні desktop, tty немесе auto болуы керек", "ru": "--ui должен быть desktop, tty или auto", "en": "--ui must be desktop, tty or auto"},
	"cli-serve-key-files-off":          {"kk": "кілт файлдарын компьютер саясаты өшірген (%s): токенді қолданыңыз (--pkcs11 және --pin-file)", "ru": "файлы ключей выключены политикой компьютера (%s): используйте токен (--pkcs11 с --pin-file)", "en": "key files are turned off by the machine's policy (%s): use a token (--pkcs11 with --pin-file)"},
	"cli-serve-key-unusable":           {"kk": "ЕСКЕРТУ: %s кілтінің мерзімі жарамсыз (%s — %s): бет мерзімі өткен кілттерге рұқсат бермесе, сұрауларға «кілт сәйкес келмейді» деп жауап беріледі; жарамды кілтті баптаңыз", "ru": "ВНИМАНИЕ: ключ %s недействителен по сроку (%s — %s): на запросы будет ответ «нет подходящего ключа», если страница не разрешает просроченные ключи; настройте действующий ключ", "en": "WARNING: the key %s is not valid now (valid %s to %s): requests will be answered \"no key matches\" unless the page allows expired keys; configure a current key"},

	// Files
	"cli-file-missing":      {"kk": "%s файлы жоқ: жолын тексеріңіз", "ru": "файла %s нет: проверьте путь", "en": "%s does not exist: check the path"},
	"cli-file-denied":       {"kk": "%s файлын оқуға рұқсат жоқ", "ru": "нет прав на чтение %s", "en": "you may not read %s"},
	"cli-file-is-dir":       {"kk": "%s — файл емес, каталог", "ru": "%s — это каталог, а не файл", "en": "%s is a directory, not a file"},
	"cli-file-too-large":    {"kk": "%s тым үлкен: ең көбі %d байт", "ru": "%s слишком велик: не больше %d байт", "en": "%s is too large: at most %d bytes"},
	"cli-file-too-large-mb": {"kk": "%s тым үлкен: ең көбі %d МБ", "ru": "%s слишком велик: не больше %d МБ", "en": "%s is too large: at most %d MB"},
	"cli-read-failed":       {"kk": "%s оқылмады: %s", "ru": "не удалось прочитать %s: %s", "en": "%s could not be read: %s"},
	"cli-config-syntax":     {"kk": "%s, %d-жол: бұл дұрыс JSON емес (үтір немесе тырнақша жетпей ме, әлде артық па?): түзетіңіз немесе файлды өшіріңіз — сонда әдепкі баптаулар қолданылады", "ru": "%s, строка %d: это не правильный JSON (не хватает запятой или кавычки, или есть лишняя?): исправьте его или удалите файл — тогда действуют настройки по умолчанию", "en": "%s, line %d: this is not valid JSON (a comma or a quote missing, or one too many?): correct it, or remove the file to use the defaults"},
	"cli-config-type":       {"kk": "%s, %d-жол: %q кілтінің мәні басқа түрде болуы керек (мәтін, сан, true/false немесе тізім: docs/config.md қараңыз): түзетіңіз немесе файлды өшіріңіз", "ru": "%s, строка %d: у ключа %q значение не того вида (текст, число, true/false или список: см. docs/config.md): исправьте его или удалите файл", "en": "%s, line %d: the value of %q is of the wrong kind (text, a number, true/false or a list: see docs/config.md): correct it, or remove the file"},
	"cli-policy-known":      {"kk": "%s: %s", "ru": "%s: %s", "en": "%s: %s"},
	"cli-known-no-domain":   {"kk": "knownOrigins жазбасында \"domain\" жоқ: {\"domain\": \"portal.corp.kz\", \"names\": {\"kk\": …, \"ru\": …, \"en\": …}} түрінде жазыңыз", "ru": "в записи knownOrigins нет \"domain\": напишите {\"domain\": \"portal.corp.kz\", \"names\": {\"kk\": …, \"ru\": …, \"en\": …}}", "en": "a knownOrigins entry has no \"domain\": write {\"domain\": \"portal.corp.kz\", \"names\": {\"kk\": …, \"ru\": …, \"en\": …}}"},
	"cli-known-address":     {"kk": "knownOrigins: %q — мекенжай: тек домен атын жазыңыз, мысалы portal.corp.kz", "ru": "knownOrigins: %q — это адрес: напишите только имя домена, например portal.corp.kz", "en": "knownOrigins: %q is an address: write the domain name only, like portal.corp.kz"},
	"cli-known-not-domain":  {"kk": "knownOrigins: %q — домен аты емес: portal.corp.kz сияқты жазыңыз", "ru": "knownOrigins: %q — не имя домена: напишите вроде portal.corp.kz", "en": "knownOrigins: %q is not a domain name: write one like portal.corp.kz"},
	"cli-known-ending":      {"kk": "knownOrigins: %q — астындағы барлық сайтқа ортақ домен соңы: бір сайтты атаңыз, мысалы portal.corp.kz", "ru": "knownOrigins: %q — целое окончание домена, общее для всех сайтов под ним: назовите один сайт, например portal.corp.kz", "en": "knownOrigins: %q is a whole domain ending, shared by every site under it: name one site, like portal.corp.kz"},
	"cli-known-lookalike":   {"kk": "knownOrigins: %q %s сайтына ұқсайды (%s): белгілі сайтқа ұқсас мекенжайды белгілі етуге болмайды; мекенжайды тексеріңіз", "ru": "knownOrigins: %q похож на %s (%s): двойник известного сайта не может стать известным; проверьте адрес", "en": "knownOrigins: %q looks like %s (%s): a look-alike of a known site cannot be made known; check the address"},
	"cli-config-other":      {"kk": "%s: %s: түзетіңіз немесе файлды өшіріңіз — сонда әдепкі баптаулар қолданылады", "ru": "%s: %s: исправьте или удалите файл — тогда действуют настройки по умолчанию", "en": "%s: %s: correct it, or remove the file to use the defaults"},

	// Keys and tokens
	"cli-keysource-none":       {"kk": "--p12 ФАЙЛ немесе --pkcs11 МОДУЛЬ беріңіз", "ru": "укажите --p12 ФАЙЛ или --pkcs11 МОДУЛЬ", "en": "give --p12 FILE or --pkcs11 MODULE"},
	"cli-keysource-both":       {"kk": "--p12 және --pkcs11 бірге берілмейді: біреуін таңдаңыз", "ru": "--p12 и --pkcs11 вместе не указываются: выберите одно", "en": "--p12 and --pkcs11 exclude each other"},
	"cli-keysource-p11-flags":  {"kk": "--pin-file, --slot және --key-id тек --pkcs11-пен бірге беріледі", "ru": "--pin-file, --slot и --key-id указываются только с --pkcs11", "en": "--pin-file, --slot and --key-id go with --pkcs11"},
	"cli-keysource-pwfile":     {"kk": "--password-file кілт файлына (--p12) арналған; токен үшін --pin-file беріңіз", "ru": "--password-file — для файла ключа (--p12); для токена укажите --pin-file", "en": "--password-file goes with --p12; use --pin-file for a token"},
	"cli-password-prompt":      {"kk": "%s құпиясөзі: ", "ru": "Пароль от %s: ", "en": "Password for %s: "},
	"cli-pin-prompt":           {"kk": "%q токенінің PIN-коды (%s): ", "ru": "PIN-код токена %q (%s): ", "en": "PIN for token %q (%s): "},
	"cli-password-file":        {"kk": "құпиясөз файлы: %s", "ru": "файл пароля: %s", "en": "password file: %s"},
	"cli-password-file-large":  {"kk": "%s құпиясөз үшін тым үлкен: оның бірінші жолында тек құпиясөз болуы керек", "ru": "%s слишком велик для пароля: в первой строке должен быть только пароль", "en": "%s is too large for a password: its first line is the password, and nothing else"},
	"cli-password-no-terminal": {"kk": "құпиясөзді сұрайтын терминал жоқ: --password-file (токен үшін --pin-file) беріңіз", "ru": "нет терминала, чтобы спросить пароль: укажите --password-file (для токена --pin-file)", "en": "no terminal to ask for the password: use --password-file (--pin-file for a token)"},
	"cli-password-read":        {"kk": "құпиясөз оқылмады: %s", "ru": "не удалось прочитать пароль: %s", "en": "the password could not be read: %s"},
	"cli-wrong-password":       {"kk": "%s: құпиясөз қате", "ru": "%s: неверный пароль", "en": "%s: wrong password"},
	"cli-not-key-file":         {"kk": "%s — кілт файлы емес немесе ол бүлінген: .p12 (.pfx) файлын беріңіз немесе оның жаңа көшірмесін алыңыз", "ru": "%s — не файл ключа или он повреждён: укажите файл .p12 (.pfx) или получите его новую копию", "en": "%s is not a key file, or a damaged one: give a .p12 (.pfx) file, or get a new copy of it"},
	"cli-module-not-found":     {"kk": "%q PKCS#11 модулі табылмады (белгілі атаулар: %s, немесе кітапхананың толық жолын беріңіз)", "ru": "модуль PKCS#11 %q не найден (известные имена: %s, или укажите полный путь к библиотеке)", "en": "PKCS#11 module %q not found (known names: %s, or give the library's full path)"},
	"cli-several-tokens":       {"kk": "бірнеше токен салынған: біреуін --slot арқылы таңдаңыз (qoltanba tokens тізімін көрсетеді)", "ru": "вставлено несколько токенов: выберите один с помощью --slot (список покажет qoltanba tokens)", "en": "several tokens present; choose one with --slot (qoltanba tokens lists them)"},
	"cli-no-token-slot":        {"kk": "%d ұяшығында токен жоқ (qoltanba tokens тізімін көрсетеді)", "ru": "в слоте %d нет токена (список покажет qoltanba tokens)", "en": "no token in slot %d (qoltanba tokens lists them)"},
	"cli-no-token":             {"kk": "%s үшін токен жоқ: токенді салыңыз немесе жеке куәлікті оқу құрылғысына салыңыз", "ru": "нет токена для %s: вставьте токен или удостоверение личности в считыватель", "en": "no token present for %s: plug in your token or put your ID card in the reader"},
	"cli-token-error":          {"kk": "%q токені: %s", "ru": "токен %q: %s", "en": "token %q: %s"},
	"cli-token-no-keys":        {"kk": "%q токенінде жабық кілті бар сертификат жоқ", "ru": "на токене %q нет сертификата с закрытым ключом", "en": "token %q holds no certificate with a private key"},
	"cli-no-key-matches":       {"kk": "--alias/--key-id сай келетін кілт жоқ (qoltanba keys кілттерді көрсетеді)", "ru": "нет ключа, подходящего под --alias/--key-id (ключи покажет qoltanba keys)", "en": "no key matches --alias/--key-id (qoltanba keys lists the keys)"},
	"cli-several-keys":         {"kk": "%d кілт бар; біреуін --alias немесе --key-id арқылы таңдаңыз: %s", "ru": "ключей: %d; выберите один с помощью --alias или --key-id: %s", "en": "%d keys; choose one with --alias or --key-id: %s"},
	"cli-tokens-no-module":     {"kk": "PKCS#11 модулі табылмады (іздегендер: %s): токеннің бағдарламасын орнатыңыз немесе --pkcs11 ЖОЛ беріңіз", "ru": "модуль PKCS#11 не найден (искали: %s): установите программу токена или укажите --pkcs11 ПУТЬ", "en": "no PKCS#11 module found (looked for: %s): install your token's software, or give --pkcs11 PATH"},
	"cli-tokens-error":         {"kk": "қате: %s", "ru": "ошибка: %s", "en": "error: %s"},
	"cli-tokens-none":          {"kk": "токен салынбаған", "ru": "токен не вставлен", "en": "no token present"},

	// sign
	"cli-format":                  {"kk": "--format мәні cms немесе xml болуы керек", "ru": "--format должен быть cms или xml", "en": "--format must be cms or xml"},
	"cli-cms-only-flags":          {"kk": "--detached, --hash, --tsa және --pem тек cms үшін", "ru": "--detached, --hash, --tsa и --pem только для cms", "en": "--detached, --hash, --tsa and --pem apply to cms only"},
	"cli-sign-der-terminal":       {"kk": "қолтаңба екілік (DER) түрде, ол терминалды бүлдіреді: --out ФАЙЛ беріңіз немесе мәтін ретінде шығару үшін --pem", "ru": "подпись двоичная (DER) и испортит терминал: укажите --out ФАЙЛ или --pem, чтобы вывести её текстом", "en": "the signature is binary (DER) and would garble this terminal: give --out FILE, or --pem to print it as text"},
	"cli-sign-too-large-detached": {"kk": "%s көлемі %d МБ; мазмұны ішіндегі қолтаңба ең көбі %d МБ (немесе --detached арқылы қол қойыңыз: қолтаңба файлдың жанында жүреді)", "ru": "%s занимает %d МБ; подпись с содержимым внутри — не больше %d МБ (или подпишите с --detached: подпись будет лежать рядом с файлом)", "en": "%s is %d MB; a signature that holds its content takes at most %d MB (or sign it with --detached: the signature then travels beside the file)"},
	"cli-sign-too-large":          {"kk": "%s көлемі %d МБ; XML құжаты ең көбі %d МБ", "ru": "%s занимает %d МБ; XML-документ — не больше %d МБ", "en": "%s is %d MB; an XML document takes at most %d MB"},
	"cli-sign-reading-stdin":      {"kk": "қол қойылатын деректер стандартты кірістен оқылуда; соңында Ctrl-D басыңыз (немесе --in ФАЙЛ беріңіз)", "ru": "читаю подписываемое со стандартного ввода; завершите его нажатием Ctrl-D (или укажите --in ФАЙЛ)", "en": "reading what to sign from standard input; end it with Ctrl-D (or give --in FILE)"},
	"cli-sign-cert-not-valid":     {"kk": "НАЗАР АУДАРЫҢЫЗ: %s сертификаты қазір жарамсыз (%s – %s аралығында жарамды); тексерушілер бұл қолтаңбаны қабылдамайды", "ru": "ВНИМАНИЕ: сертификат %s сейчас не действует (действителен с %s по %s); проверяющие отклонят эту подпись", "en": "WARNING: the certificate of %s is not valid now (valid %s to %s); verifiers will reject this signature"},
	"cli-sign-bad-hash":           {"kk": "--hash: кіріс %[1]d байттық %[2]s хэші емес (шикі, hex немесе base64)", "ru": "--hash: на входе не хэш %[2]s длиной %[1]d байт (сырой, hex или base64)", "en": "--hash: input is not a %d-byte %s digest (raw, hex or base64)"},
	"cli-sign-tsa":                {"kk": "%s уақыт белгісі қызметінен белгі алынбады: мекенжайды және интернетті тексеріп, қайталаңыз (немесе --tsa-сыз қол қойыңыз)", "ru": "не удалось получить метку времени от службы %s: проверьте адрес и интернет и повторите (или подпишите без --tsa)", "en": "no timestamp from %s: check the address and your internet connection and try again (or sign without --tsa)"},
	"cli-profile":                 {"kk": "--profile мәні kz немесе ru болуы керек", "ru": "--profile должен быть kz или ru", "en": "--profile must be kz or ru"},
	"cli-profile-not-gost":        {"kk": "--profile тек ГОСТ кілттеріне қолданылады; бұл кілт — %s", "ru": "--profile применяется только к ключам ГОСТ; этот ключ — %s", "en": "--profile applies to GOST keys; this key is %s"},
	"cli-profile-mismatch":        {"kk": "--profile %[1]s: бұл кілттің сертификаты %[2]s кілті (%[3]s), ол %[2]s байт ретімен қол қояды; одан жасалған %[1]s қолтаңбасы еш жерде тексерілмейді", "ru": "--profile %[1]s: сертификат этого ключа — ключ %[2]s (%[3]s), он подписывает в порядке байтов %[2]s; подпись %[1]s от него нигде не пройдёт проверку", "en": "--profile %[1]s: this key's certificate is a %[2]s key (%[3]s), signed in the %[2]s byte order; a %[1]s signature from it would not verify anywhere"},

	// verify
	"cli-at":                  {"kk": "--at %q: 2026-01-15 сияқты күнді немесе 2026-01-15T12:00:00Z сияқты уақытты беріңіз", "ru": "--at %q: укажите дату вида 2026-01-15 или время вида 2026-01-15T12:00:00Z", "en": "--at %q: give a date like 2026-01-15 or a time like 2026-01-15T12:00:00Z"},
	"cli-trust-set":           {"kk": "--trust %q: test, production немесе both беріңіз", "ru": "--trust %q: укажите test, production или both", "en": "--trust %q: give test, production or both"},
	"cli-trust-needs-ca-dir":  {"kk": "--trust %s үшін --ca-dir керек: ҰКО-ның жұмыс CA сертификаттары бар каталог (оларды pki.gov.kz/cert/ сайтынан жүктеп алыңыз)", "ru": "для --trust %s нужен --ca-dir: каталог с рабочими сертификатами УЦ НУЦ (скачайте их с pki.gov.kz/cert/)", "en": "--trust %s needs --ca-dir: a directory of NCA's production CA certificates (download them from pki.gov.kz/cert/)"},
	"cli-no-production-cas":   {"kk": "%s ішінде ҰКО-ның жұмыс CA сертификаттары жоқ: оларды pki.gov.kz/cert/ сайтынан жүктеп алып, осы каталогқа салыңыз", "ru": "в %s нет рабочих сертификатов УЦ НУЦ: скачайте их с pki.gov.kz/cert/ и положите в этот каталог", "en": "%s holds no production CA certificate of NCA: download them from pki.gov.kz/cert/ and put them there"},
	"cli-ca-dir-alone":        {"kk": "--ca-dir тек --trust production|both-пен бірге беріледі", "ru": "--ca-dir указывается вместе с --trust production|both", "en": "--ca-dir goes with --trust production|both"},
	"cli-cert-read":           {"kk": "сертификат файлы: %s", "ru": "файл сертификата: %s", "en": "certificate file: %s"},
	"cli-not-cert":            {"kk": "%s — сертификат емес (PEM немесе DER күтілді): CA-ның .cer немесе .pem файлын беріңіз", "ru": "%s — не сертификат (ожидался PEM или DER): укажите файл .cer или .pem удостоверяющего центра", "en": "%s is not a certificate (PEM or DER): give the CA's .cer or .pem file"},
	"cli-crl-read":            {"kk": "--crl: %s", "ru": "--crl: %s", "en": "--crl: %s"},
	"cli-not-crl":             {"kk": "%s — кері қайтарылған сертификаттар тізімі (CRL) емес немесе ол бүлінген: оны қайта жүктеп алыңыз", "ru": "%s — не список отозванных сертификатов (CRL) или он повреждён: скачайте его заново", "en": "%s is not a certificate revocation list (CRL), or a damaged one: download it again"},
	"cli-warn-no-chain":       {"kk": "НАЗАР АУДАРЫҢЫЗ: --ca да, --trust та берілмеген: қолтаңбалар тексеріледі, қол қоюшылардың сертификаттары ТЕКСЕРІЛМЕЙДІ (тұтастық қана, тұлға емес)", "ru": "ВНИМАНИЕ: не указаны ни --ca, ни --trust: подписи проверяются, сертификаты подписавших — НЕТ (только целостность, не личность)", "en": "WARNING: no --ca or --trust given: the signatures are checked, the signers' certificates are NOT (integrity only, not identity)"},
	"cli-data-cms-only":       {"kk": "--data тек cms үшін", "ru": "--data только для cms", "en": "--data applies to cms only"},
	"cli-detached-needs-data": {"kk": "бөлек қолтаңба: қол қойылған мазмұнды --data арқылы беріңіз", "ru": "отделённая подпись: укажите подписанное содержимое через --data", "en": "detached signature: give the signed content with --data"},
	// INVALID: reasons (the word INVALID itself is not translated)
	"cli-invalid-signer":       {"kk": "%s-қол қоюшы (%s)", "ru": "подписавший %s (%s)", "en": "signer %s (%s)"},
	"cli-invalid-digest":       {"kk": "мазмұн қол қойылғанға сәйкес емес: құжат қол қойылғаннан кейін өзгертілген немесе бұл оның қолтаңбасы емес", "ru": "содержимое не совпадает с подписанным: документ изменён после подписи, или это не его подпись", "en": "the content does not match what was signed: the document was changed after signing, or this is not its signature"},
	"cli-invalid-signature":    {"kk": "қолтаңба тексерілмеді: құжат қол қойылғаннан кейін өзгертілген немесе қолтаңба бүлінген", "ru": "подпись не сходится: документ изменён после подписи, или подпись повреждена", "en": "the signature does not verify: the document was changed after signing, or the signature is damaged"},
	"cli-invalid-revoked":      {"kk": "қол қоюшының сертификаты кері қайтарылған", "ru": "сертификат подписавшего отозван", "en": "the signer's certificate is revoked"},
	"cli-invalid-expired":      {"kk": "тексеру уақытында сертификат жарамсыз болған (--at басқа уақытты тексереді)", "ru": "сертификат не действовал на момент проверки (--at проверит на другой момент)", "en": "a certificate was not valid at the validation time (--at checks another time)"},
	"cli-invalid-untrusted":    {"kk": "қол қоюшының сертификаты сенімді CA-ға апармайды (--ca немесе --trust тексеріңіз)", "ru": "сертификат подписавшего не ведёт к доверенному УЦ (проверьте --ca или --trust)", "en": "the signer's certificate does not chain to a trusted CA (check --ca or --trust)"},
	"cli-invalid-no-signer":    {"kk": "қол қоюшының сертификаты қолтаңбада жоқ", "ru": "сертификата подписавшего нет в подписи", "en": "the signer's certificate is not in the signature"},
	"cli-invalid-signing-cert": {"kk": "қолтаңбадағы сертификат сілтемесі қол қоюшының сертификатына сәйкес емес", "ru": "ссылка на сертификат в подписи не совпадает с сертификатом подписавшего", "en": "the signature's certificate reference does not match the signer's certificate"},
	"cli-invalid-stale-crl":    {"kk": "кері қайтару тізімі (CRL) ескірген: жаңасын жүктеп алыңыз", "ru": "список отзыва (CRL) устарел: скачайте свежий", "en": "the revocation list (CRL) is out of date: download a fresh one"},
	"cli-invalid-timestamp":    {"kk": "уақыт белгісі жарамсыз", "ru": "метка времени недействительна", "en": "the timestamp is not valid"},
	"cli-invalid-unsupported":  {"kk": "қол қоюшының кілт алгоритмі қолдау көрсетілмейді", "ru": "алгоритм ключа подписавшего не поддерживается", "en": "the signer's key algorithm is not supported"},
	"cli-invalid-malformed":    {"kk": "бұл қолтаңба емес немесе ол бүлінген", "ru": "это не подпись, или она повреждена", "en": "this is not a signature, or a damaged one"},

	// install, uninstall, status
	"cli-install-port-held":       {"kk": "ескерту: %d портын %s ұстап тұр; ол жұмыс істеп тұрғанда агент іске қосылмайды", "ru": "примечание: порт %d занят программой %s; пока она работает, агент не запустится", "en": "note: port %d is in use by %s; the agent will not start while it is"},
	"cli-install-ca":              {"kk": "жергілікті CA: %s (%s дейін)", "ru": "локальный УЦ: %s (до %s)", "en": "local CA: %s (until %s)"},
	"cli-install-trusted-in":      {"kk": "сенім қосылды: %s", "ru": "доверие добавлено: %s", "en": "trusted in: %s"},
	"cli-install-trusted-system":  {"kk": "сенім қосылды: жүйелік қойма", "ru": "доверие добавлено: системное хранилище", "en": "trusted in: the system store"},
	"cli-install-no-certutil":     {"kk": "ескерту: certutil жоқ, сондықтан мына браузерлердің қоймалары агентке әлі сенбейді:", "ru": "предупреждение: нет certutil, поэтому хранилища этих браузеров пока не доверяют агенту:", "en": "warning: certutil is missing, so these browsers' stores do not trust the agent yet:"},
	"cli-install-fix":             {"kk": "түзету үшін: %s", "ru": "чтобы исправить: %s", "en": "to fix it: %s"},
	"cli-install-autostart":       {"kk": "жүйеге кіргенде іске қосылады: %s (%s)", "ru": "запускается при входе в систему: %s (%s)", "en": "starts at login: %s (%s)"},
	"cli-install-aside":           {"kk": "ескерту: сіздің %s файлыңыз %s орнына жылжытылды; qoltanba uninstall оны қайтарады", "ru": "примечание: ваш файл %s перенесён в %s; qoltanba uninstall вернёт его", "en": "note: your own %s was moved to %s; qoltanba uninstall puts it back"},
	"cli-install-next-autostart":  {"kk": "Орнатылды, бірақ агент әлі жұмыс істеп тұрған жоқ: оны қазір qoltanba run арқылы іске қосыңыз (келесі жолы жүйеге кіргенде өзі іске қосылады), браузерлерді қайта ашып, qoltanba status арқылы тексеріңіз", "ru": "Установлено, но агент ещё не запущен: запустите его сейчас командой qoltanba run (со следующего входа в систему он запускается сам), перезапустите браузеры и проверьте: qoltanba status", "en": "Installed, but the agent is not running yet: start it now with qoltanba run (from your next login it starts by itself), restart the browsers, then check with: qoltanba status"},
	"cli-install-next":            {"kk": "Орнатылды, бірақ агент әлі жұмыс істеп тұрған жоқ: оны qoltanba run арқылы іске қосыңыз, браузерлерді қайта ашып, qoltanba status арқылы тексеріңіз", "ru": "Установлено, но агент ещё не запущен: запустите его командой qoltanba run, перезапустите браузеры и проверьте: qoltanba status", "en": "Installed, but the agent is not running yet: start it with qoltanba run, restart the browsers, then check with: qoltanba status"},
	"cli-install-windows-trust":   {"kk": "Енді Windows «qoltanba local CA» үшін «Бұл сертификатты орнатқыңыз келе ме?» деп сұрайды.\n«Иә» деп жауап беріңіз: бұл браузерлеріңізге осы компьютердегі агентке (127.0.0.1) ғана сенуге мүмкіндік береді.\nӘкімші оның орнына барлық пайдаланушылар үшін сұрақсыз орната алады (MSI немесе qoltanba install --all-users).", "ru": "Сейчас Windows спросит «Вы хотите установить этот сертификат?» для «qoltanba local CA».\nОтветьте «Да»: так браузеры будут доверять агенту на этом компьютере (127.0.0.1), и ничему больше.\nАдминистратор может вместо этого установить для всех пользователей, без вопроса (MSI или qoltanba install --all-users).", "en": "Windows will now ask \"Do you want to install this certificate?\" for \"qoltanba local CA\".\nAnswer Yes: it lets your browsers trust the agent on this computer (127.0.0.1) and nothing else.\nAn administrator can install for every user instead (the MSI, or qoltanba install --all-users), with no question."},
	"cli-uninstall-user-browsers": {"kk": "браузерлерінен өшірілді: %s", "ru": "удалено из браузеров пользователя: %s", "en": "removed from the browsers of: %s"},
	"cli-uninstall-store":         {"kk": "жергілікті CA өшірілді: %s", "ru": "локальный УЦ удалён из: %s", "en": "removed the local CA from: %s"},
	"cli-uninstall-system-store":  {"kk": "жергілікті CA жүйелік қоймадан өшірілді", "ru": "локальный УЦ удалён из системного хранилища", "en": "removed the local CA from the system store"},
	"cli-uninstall-autostart":     {"kk": "жүйеге кіргенде іске қосу өшірілді: %s", "ru": "удалён автозапуск при входе: %s", "en": "removed the start at login: %s"},
	"cli-uninstall-certificates":  {"kk": "жергілікті CA мен сервер сертификаты өшірілді: %s", "ru": "удалены локальный УЦ и сертификат сервера: %s", "en": "removed the local CA and server certificate: %s"},
	"cli-uninstall-purged":        {"kk": "баптаулар мен журналдар өшірілді: %s", "ru": "удалены настройки и журналы: %s", "en": "deleted the settings and logs: %s"},
	"cli-uninstall-nothing":       {"kk": "qoltanba орнатылмаған: өшіретін ештеңе жоқ", "ru": "qoltanba не установлен: удалять нечего", "en": "qoltanba was not installed: nothing to remove"},
	"cli-status-all-users":        {"kk": "осы компьютердің барлық пайдаланушылары үшін орнатылған (%s)", "ru": "установлено для всех пользователей этого компьютера (%s)", "en": "installed for every user of this machine (%s)"},
	"cli-status-policy":           {"kk": "компьютер саясаты оқылмайды, сондықтан агент іске қосылмайды: %s", "ru": "политика компьютера не читается, поэтому агент не запустится: %s", "en": "the machine policy cannot be read, so the agent will not start: %s"},
	"cli-status-config":           {"kk": "бұл баптаулармен агент іске қосылмайды: %s ішінде аталғанды түзетіңіз немесе өшіріңіз", "ru": "с этими настройками агент не запустится: исправьте или удалите то, что названо в %s", "en": "the agent will not start with this configuration: correct or remove what %s names"},
	"cli-status-port-held":        {"kk": "%d портын %s ұстап тұр", "ru": "порт %d занят программой %s", "en": "port %d is held by %s"},
	"cli-status-not-running":      {"kk": "орнатылған, бірақ жұмыс істеп тұрған жоқ — оны qoltanba run арқылы іске қосыңыз (немесе жүйеден шығып, қайта кіріңіз)", "ru": "установлен, но не запущен — запустите его командой qoltanba run (или выйдите из системы и войдите снова)", "en": "installed, not running — start it with qoltanba run (or log out and in again)"},
	"cli-status-not-ready":        {"kk": "браузерге керектің бәрі орнында емес: FAIL жолдарын қараңыз", "ru": "не всё, что нужно браузеру, на месте: см. строки FAIL", "en": "not everything a browser needs is in place: see the FAIL lines"},
	"cli-check-not-installed":     {"kk": "орнату: орнатылмаған — qoltanba install іске қосыңыз", "ru": "установка: не установлен — выполните qoltanba install", "en": "installed: not installed: run `qoltanba install`"},
	"cli-check-no-certificate":    {"kk": "сертификат: сервер сертификаты жоқ", "ru": "сертификат: нет сертификата сервера", "en": "certificate: no server certificate"},
	"cli-check-certificate":       {"kk": "сертификат: %s дейін жарамды", "ru": "сертификат: действителен до %s", "en": "certificate: valid to %s"},
	"cli-check-not-listening":     {"kk": "listening: %s мекенжайында ешкім жауап бермейді", "ru": "listening: на %s никто не отвечает", "en": "listening: nothing answers on %s"},
	"cli-check-listening":         {"kk": "listening: %s мекенжайындағы агент орнатылған сертификатты ұсынады", "ru": "listening: агент на %s предъявляет установленный сертификат", "en": "listening: the agent on %s serves the installed certificate"},
	"cli-check-other-listener":    {"kk": "listening: %s басқа сертификат ұсынады (басқа бағдарлама немесе уақытша сертификат)", "ru": "listening: %s предъявляет другой сертификат (другая программа или временный сертификат)", "en": "listening: %s serves another certificate (another program, or a temporary certificate)"},
	"cli-check-system-store":      {"kk": "trust жүйелік қойма: осы пайдаланушы үшін", "ru": "trust системное хранилище: для этого пользователя", "en": "trust system store: for this user"},
	"cli-check-system-store-all":  {"kk": "trust жүйелік қойма: осы компьютердің барлық пайдаланушылары үшін", "ru": "trust системное хранилище: для всех пользователей этого компьютера", "en": "trust system store: for every user of this machine"},
	"cli-check-autostart":         {"kk": "autostart: %s", "ru": "autostart: %s", "en": "autostart: %s"},
	"cli-check-no-autostart":      {"kk": "autostart: сұралмаған (--no-autostart)", "ru": "autostart: не запрошен (--no-autostart)", "en": "autostart: not requested (--no-autostart)"},
	"cli-check-nss":               {"kk": "trust %s: NSS қоймасы", "ru": "trust %s: хранилище NSS", "en": "trust %s: NSS database"},
	"cli-check-nss-no-certutil":   {"kk": "trust %s: өзгертілмеді: certutil жоқ; %s", "ru": "trust %s: не изменено: нет certutil; %s", "en": "trust %s: not changed: certutil is missing; %s"},
	// native messaging hosts (the Gosuslugi plug-ins' extensions)
	"cli-install-native":          {"kk": "Госуслуги плагиндерінің хосттары %s үшін: %s (%s)", "ru": "хосты плагинов Госуслуг для %s: %s (%s)", "en": "the Gosuslugi plug-in hosts for %s: %s (%s)"},
	"cli-install-native-aside":    {"kk": "ескерту: басқа бағдарламаның %s файлы %s орнына жылжытылды; qoltanba uninstall оны қайтарады", "ru": "примечание: файл другой программы %s перенесён в %s; qoltanba uninstall вернёт его", "en": "note: another program's %s was moved to %s; qoltanba uninstall puts it back"},
	"cli-install-native-previous": {"kk": "ескерту: %s бұрын %s атады; qoltanba uninstall оны қайтарады", "ru": "примечание: %s указывал на %s; qoltanba uninstall вернёт это", "en": "note: %s named %s; qoltanba uninstall puts it back"},
	"cli-install-native-skipped":  {"kk": "ескерту: %s ішіне ештеңе жазылмады: оны немесе оның үстіндегі қалтаны root-тан басқа біреу өзгерте алады (басқа иесі, басқаларға жазуға рұқсат немесе символдық сілтеме)", "ru": "примечание: в %s ничего не записано: его или каталог над ним может изменить не только root (другой владелец, запись для других или символическая ссылка)", "en": "note: nothing written into %s: someone other than root can change it or a directory above it (another owner, writable by others, or a symbolic link)"},
	"cli-install-program-unsafe":  {"kk": "%s: бұл бағдарламаны root-тан басқа біреу өзгерте алады (%v): оны тек root өзгерте алатын жерге қойыңыз (.deb/.rpm оны /usr/bin ішіне қояды) және install --all-users пәрменін сол жерден іске қосыңыз", "ru": "%s: эту программу может изменить не только root (%v): поместите её туда, где менять может только root (.deb/.rpm ставят её в /usr/bin), и запустите install --all-users оттуда", "en": "%s: someone other than root can change this program (%v): put it where only root can change it (the .deb/.rpm put it in /usr/bin) and run install --all-users from there"},
	"cli-uninstall-native":        {"kk": "native messaging хосты өшірілді: %s", "ru": "удалён хост native messaging: %s", "en": "removed the native messaging host: %s"},
	"cli-check-native":            {"kk": "native host %s: осы бағдарламаны іске қосады", "ru": "native host %s: запускает эту программу", "en": "native host %s: starts this program"},
	"cli-check-native-missing":    {"kk": "native host %s: жоқ — qoltanba install қайта іске қосыңыз", "ru": "native host %s: отсутствует — выполните qoltanba install ещё раз", "en": "native host %s: missing — run qoltanba install again"},
	"cli-check-native-other":      {"kk": "native host %s: басқа бағдарламаны іске қосады (%s) — qoltanba install қайта іске қосыңыз", "ru": "native host %s: запускает другую программу (%s) — выполните qoltanba install ещё раз", "en": "native host %s: starts another program (%s) — run qoltanba install again"},
	"cli-check-native-skipped":    {"kk": "native host %s: тіркелмеді: бұл қалтаны root-тан басқа біреу өзгерте алады", "ru": "native host %s: не зарегистрирован: этот каталог может изменить не только root", "en": "native host %s: not registered: someone other than root can change this directory"},
	"cli-check-config":            {"kk": "баптаулар: %s", "ru": "настройки: %s", "en": "configuration: %s"},

	// policy and settings
	"cli-settings-policy-error":  {"kk": "саясат: %s", "ru": "политика: %s", "en": "policy: %s"},
	"cli-settings-no-policy":     {"kk": "саясат: жоқ (%s жоқ): пайдаланушының баптаулары қолданылады", "ru": "политика: нет (%s отсутствует): действуют настройки пользователя", "en": "policy: none (%s not present): the user's settings apply"},
	"cli-settings-policy":        {"kk": "саясат: %s (ұйымыңыз басқарады)", "ru": "политика: %s (управляется вашей организацией)", "en": "policy: %s (managed by your organisation)"},
	"cli-settings":               {"kk": "баптаулар (кілт = мән [қайдан]):", "ru": "настройки (ключ = значение [откуда]):", "en": "settings:"},
	"cli-policy-command-needed":  {"kk": "саясат командасы керек: show, set немесе unset", "ru": "нужна команда политики: show, set или unset", "en": "a policy command is needed: show, set or unset"},
	"cli-policy-unknown-command": {"kk": "%q деген саясат командасы жоқ: show, set немесе unset", "ru": "неизвестная команда политики %q: show, set или unset", "en": "unknown policy command %q: show, set or unset"},
	"cli-policy-unreadable":      {"kk": "компьютер саясаты оқылмайды: агент іске қосылмайды, FAIL жолындағы файл мен жолды түзетіңіз", "ru": "политика компьютера не читается: агент не запустится, исправьте файл и строку из строки FAIL", "en": "the machine policy cannot be read, so the agent will not start: correct the file and line the FAIL line names"},
	"cli-policy-msi-file":        {"kk": "--msi файлды емес, компьютердің саясатын өзгертеді", "ru": "--msi меняет политику компьютера, а не файл", "en": "--msi edits the machine's policy, not a file"},
	"cli-policy-unset-keys":      {"kk": "өшірілетін кілттерді атаңыз", "ru": "назовите ключи, которые удалить", "en": "name the keys to remove"},
	"cli-policy-want-kv":         {"kk": "%q: КІЛТ=МӘН түрінде беріңіз", "ru": "%q: укажите в виде КЛЮЧ=ЗНАЧЕНИЕ", "en": "%q: want KEY=VALUE"},
	"cli-policy-give-kv":         {"kk": "КІЛТ=МӘН беріңіз", "ru": "укажите КЛЮЧ=ЗНАЧЕНИЕ", "en": "give KEY=VALUE"},
	"cli-policy-at-line":         {"kk": "%s, %d-жол", "ru": "%s, строка %d", "en": "%s, line %d"},
	"cli-policy-type":            {"kk": "%s: %q кілтінің мәні басқа түрде болуы керек: %s", "ru": "%s: у ключа %q значение не того вида: нужно %s", "en": "%s: the value of %q is of the wrong kind: it must be %s"},
	"cli-policy-syntax":          {"kk": "%s: бұл дұрыс JSON емес (үтір, тырнақша немесе жақша жетпей ме, әлде артық па?): түзетіңіз", "ru": "%s: это не правильный JSON (не хватает запятой, кавычки или скобки, или есть лишняя?): исправьте", "en": "%s: this is not valid JSON (a comma, a quote or a bracket missing, or one too many?): correct it"},
	"cli-policy-duration":        {"kk": "%s: promptTimeout мәні \"5m\" немесе \"90s\" сияқты уақыт аралығы болуы керек", "ru": "%s: promptTimeout должен быть промежутком времени вида \"5m\" или \"90s\"", "en": "%s: promptTimeout must be a duration like \"5m\" or \"90s\""},
	"cli-policy-unknown-key":     {"kk": "%s: %q — бұл нұсқа білетін баптау емес (белгілілері: %s)", "ru": "%s: %q — не настройка, известная этой версии (известные: %s)", "en": "%s: key %q is not a setting this version knows (known: %s)"},
	"cli-policy-key-case":        {"kk": "%s: %q кілті %q түрінде жазылуы керек (кілттерде бас және кіші әріптер ерекшеленеді)", "ru": "%s: ключ %q надо писать как %q (регистр букв в ключах важен)", "en": "%s: key %q must be written %q (keys are case-sensitive)"},
	"cli-policy-key-twice":       {"kk": "%s: %q кілті екі рет берілген: біреуін қалдырыңыз", "ru": "%s: ключ %q указан дважды: оставьте один", "en": "%s: key %q is given twice: keep one"},
	"cli-policy-key-repeats":     {"kk": "%s: %q кілті басқа регистрде %q кілтін қайталайды: біреуін қалдырыңыз", "ru": "%s: ключ %q повторяет %q в другом регистре: оставьте один", "en": "%s: key %q repeats %q in another case: keep one"},
	"cli-policy-null":            {"kk": "%s: файлда баптаулар емес, null жазылған: ештеңе орнатпайтын саясат үшін {} жазыңыз немесе файлды өшіріңіз", "ru": "%s: в файле null, а не набор настроек: для политики без настроек напишите {} или удалите файл", "en": "%s: the file says null, not a set of settings: write {} for a policy that sets nothing, or remove the file"},
	"cli-policy-locale":          {"kk": "%s: locale %q: kk, ru, en немесе vi жазыңыз", "ru": "%s: locale %q: напишите kk, ru, en или vi", "en": "%s: locale %q: write kk, ru, en or vi"},
	"cli-policy-timeout-range":   {"kk": "%s: promptTimeout %s тым аз немесе тым көп: %s пен %s аралығындағы мәнді беріңіз, мысалы \"2m\"", "ru": "%s: promptTimeout %s вне допустимого: укажите значение от %s до %s, например \"2m\"", "en": "%s: promptTimeout %s is out of range: give a value from %s to %s, like \"2m\""},
	"cli-policy-origin":          {"kk": "%s: %q — сайттың мекенжайы емес: https://хост[:порт] түрінде жазыңыз", "ru": "%s: %q — не адрес сайта: напишите в виде https://хост[:порт]", "en": "%s: %q is not a site's origin: write it as https://host[:port]"},
	"cli-kind-text":              {"kk": "тырнақшадағы мәтін (\"...\")", "ru": "текст в кавычках (\"...\")", "en": "text in quotes (\"...\")"},
	"cli-kind-bool":              {"kk": "true немесе false", "ru": "true или false", "en": "true or false"},
	"cli-kind-list":              {"kk": "тізім ([\"...\", \"...\"])", "ru": "список ([\"...\", \"...\"])", "en": "a list ([\"...\", \"...\"])"},
	"cli-kind-number":            {"kk": "сан", "ru": "число", "en": "a number"},
	"cli-kind-value":             {"kk": "docs/admin.md сипаттаған мән", "ru": "значение, описанное в docs/admin.md", "en": "a value as docs/admin.md describes"},
	"cli-policy-set":             {"kk": "%s саясаты: орнатылды %s", "ru": "политика %s: заданы %s", "en": "policy %s: set %s"},

	// origin
	"cli-origin-one-site": {"kk": "бір сайтты беріңіз, мысалы https://egov.kz немесе беттің мекенжайы", "ru": "укажите один сайт, например https://egov.kz или адрес страницы", "en": "give one site, e.g. https://egov.kz or a page's address"},
	"cli-origin-not-site": {"kk": "%q — сайттың мекенжайы емес: оны https://egov.kz түрінде беріңіз (беттің толық мекенжайы да жарайды)", "ru": "%q — не адрес сайта: укажите его как https://egov.kz (полный адрес страницы тоже подойдёт)", "en": "%q is not a site's address: give it as https://egov.kz (a page's full address works too)"},

	// service
	"cli-service-command-needed":  {"kk": "қызмет командасы керек: install, uninstall, start, stop, status немесе run", "ru": "нужна команда службы: install, uninstall, start, stop, status или run", "en": "a service command is needed: install, uninstall, start, stop, status or run"},
	"cli-service-unknown-command": {"kk": "%q деген қызмет командасы жоқ", "ru": "неизвестная команда службы %q", "en": "unknown service command %q"},
	"cli-service-unattended":      {"kk": "қызмет диалогсыз қол қояды: мұны --unattended арқылы растаңыз", "ru": "служба подписывает без диалога: подтвердите это флагом --unattended", "en": "the service signs without a dialog: say so with --unattended"},
	"cli-service-allow-origin":    {"kk": "кемінде бір --allow-origin керек: қызмет ешқашан барлық сайттарға қол қоймайды", "ru": "нужен хотя бы один --allow-origin: служба никогда не подписывает для всех сайтов", "en": "--allow-origin is needed at least once: the service never signs for every site"},
	"cli-service-secret":          {"kk": "--p12 пен --password-file немесе --pkcs11 пен --pin-file беріңіз", "ru": "укажите --p12 с --password-file или --pkcs11 с --pin-file", "en": "give --p12 with --password-file, or --pkcs11 with --pin-file"},
	"cli-service-bad-origin":      {"kk": "--allow-origin %q: https://хост[:порт] түрінде беріңіз", "ru": "--allow-origin %q: укажите в виде https://хост[:порт]", "en": "--allow-origin %q: want https://host[:port]"},
	"cli-service-key":             {"kk": "кілт бұл құпиясөзбен ашылмайды: %s", "ru": "ключ не открывается этим секретом: %s", "en": "the key does not open with that secret: %s"},
	"cli-service-already":         {"kk": "қызмет орнатылып қойған: алдымен qoltanba service uninstall орындаңыз", "ru": "служба уже установлена: сначала выполните qoltanba service uninstall", "en": "the service is already installed: qoltanba service uninstall first"},
	"cli-service-installed":       {"kk": "%s қызметі орнатылды (%s): ол %s үшін %s кілтімен ЕШКІМНЕН СҰРАМАЙ қол қояды.", "ru": "служба %s установлена (%s): она подписывает для %s ключом %s, НИКОГО НЕ СПРАШИВАЯ.", "en": "installed the %s service (%s): it signs for %s with %s, WITHOUT asking anyone."},
	"cli-service-next":            {"kk": "Іске қосу: qoltanba service start; тексеру: qoltanba service status", "ru": "Запустите её: qoltanba service start; проверьте: qoltanba service status", "en": "Start it with: qoltanba service start; check with: qoltanba service status"},
	"cli-service-removed":         {"kk": "қызмет өшірілді", "ru": "служба удалена", "en": "removed the service"},
	"cli-service-not-installed":   {"kk": "қызмет орнатылмаған", "ru": "служба не установлена", "en": "the service is not installed"},
	"cli-service-not-running":     {"kk": "қызмет жұмыс істеп тұрған жоқ: qoltanba service start арқылы іске қосыңыз", "ru": "служба не запущена: запустите её командой qoltanba service start", "en": "the service is not running: start it with qoltanba service start"},
	"cli-unattended-off":          {"kk": "диалогсыз режимді компьютер саясаты өшірген (%s)", "ru": "режим без диалога отключён политикой компьютера (%s)", "en": "unattended mode is turned off by the machine's policy (%s)"},

	// keys --add/--forget/--known: "my keys", the remembered key files (issue 24)
	"cli-keys-one-mode":  {"kk": "--add, --forget, --known, --p12 немесе --pkcs11 жалаушаларының біреуін ғана беріңіз (--password-file тек --add не --p12-мен)", "ru": "укажите только одно из --add, --forget, --known, --p12 или --pkcs11 (--password-file — только с --add или --p12)", "en": "give one of --add, --forget, --known, --p12 or --pkcs11 (--password-file goes with --add or --p12)"},
	"cli-keys-added":     {"kk": "«Менің кілттерім» тізіміне %[2]s файлының %[1]d кілті қосылды: беттер оларды құпиясөзсіз көре алады, құпиясөз қол қойғанда ғана сұралады", "ru": "в «Мои ключи» добавлено ключей: %d из %s: страницы видят их без пароля, пароль спрашивается только при подписи", "en": "remembered %d key(s) of %s in \"my keys\": pages can list them before any password; the password is asked only when signing"},
	"cli-keys-forgotten": {"kk": "«Менің кілттерім» тізімінен %[2]s файлының %[1]d кілті алынды", "ru": "из «Моих ключей» убрано ключей: %d из %s", "en": "removed %d key(s) of %s from \"my keys\""},
	"cli-keys-not-known": {"kk": "%s «Менің кілттерім» тізімінде жоқ (тізімді qoltanba keys --known көрсетеді)", "ru": "%s нет в «Моих ключах» (список покажет qoltanba keys --known)", "en": "%s is not in \"my keys\" (qoltanba keys --known lists them)"},
	"cli-keys-none":      {"kk": "«Менің кілттерім» бос: кілт файлын qoltanba keys --add ФАЙЛ арқылы қосыңыз немесе онымен диалогта қол қойыңыз", "ru": "«Мои ключи» пусты: добавьте файл ключа командой qoltanba keys --add ФАЙЛ или подпишите им в диалоге", "en": "\"my keys\" is empty: add a key file with qoltanba keys --add FILE, or sign with it in the dialog"},
	// policy errors (agent.PolicyError kinds) that had no words of their own
	"cli-policy-not-object":    {"kk": "%s: файлда баптаулар жиыны ({\"кілт\": мән, ...}) болуы керек", "ru": "%s: в файле должен быть набор настроек ({\"ключ\": значение, ...})", "en": "%s: the file must hold a set of settings ({\"key\": value, ...})"},
	"cli-policy-too-deep":      {"kk": "%s: тым терең кірістірілген (ең көбі %s деңгей)", "ru": "%s: слишком глубокая вложенность (не больше %s уровней)", "en": "%s: nested too deep (at most %s levels)"},
	"cli-policy-trailing":      {"kk": "%s: баптаулардан кейін тағы бірдеңе жазылған: оны өшіріңіз", "ru": "%s: после набора настроек есть что-то ещё: удалите это", "en": "%s: something follows the settings: remove it"},
	"cli-policy-too-large":     {"kk": "%s: файл тым үлкен (ең көбі %s байт)", "ru": "%s: файл слишком велик (не больше %s байт)", "en": "%s: the file is too large (at most %s bytes)"},
	"cli-policy-module-fields": {"kk": "%s: pkcs11Modules ішіндегі әр жазбаға name мен path керек", "ru": "%s: каждой записи pkcs11Modules нужны name и path", "en": "%s: each pkcs11Modules entry needs a name and a path"},
	"cli-policy-missing":       {"kk": "%s саясаты жоқ: файлдың атын тексеріңіз", "ru": "политики %s нет: проверьте имя файла", "en": "policy %s does not exist: check the file's name"},
	"cli-policy-dangling":      {"kk": "%s: %s сілтемесі жоқ %s файлына апарады: саясатты қалпына келтіріңіз немесе сілтемені өшіріңіз", "ru": "%s: ссылка %s ведёт на несуществующий %s: восстановите политику или удалите ссылку", "en": "%s: %s links to %s, which does not exist: restore the policy, or remove the link"},
	"cli-policy-bad-value":     {"kk": "%s: %s мәні %q: мыналардың бірін жазыңыз: %s", "ru": "%s: %s %q: напишите одно из: %s", "en": "%s: %s %q: write one of %s"},
	// Native messaging hosts (issue 24): what the host started by a browser
	// writes to its standard error (the browser's log) and the agent's line.
	"cli-native-no-agent":    {"kk": "qoltanba агенті іске қосылмаған: беттер плагин қолжетімсіз деп көрсетеді. qoltanba run арқылы іске қосыңыз (%v)", "ru": "агент qoltanba не запущен: страницы покажут, что плагин недоступен. Запустите qoltanba run (%v)", "en": "the qoltanba agent is not running: pages will say the plug-in is not available. Start it with qoltanba run (%v)"},
	"cli-native-usage":       {"kk": "пайдалану: qoltanba native-host ORIGIN (chrome-extension://<id>/ немесе Firefox кеңейтімінің id-і)", "ru": "использование: qoltanba native-host ORIGIN (chrome-extension://<id>/ или id расширения Firefox)", "en": "usage: qoltanba native-host ORIGIN (chrome-extension://<id>/ or a Firefox add-on id)"},
	"cli-native-bad-origin":  {"kk": "%q браузер кеңейтімі емес", "ru": "%q — не расширение браузера", "en": "%q is not a browser extension"},
	"cli-native-listen-fail": {"kk": "браузер кеңейтімдеріне арналған сокет ашылмады: Госуслуги беттері агентке жете алмайды (%v)", "ru": "не удалось открыть сокет для расширений браузера: страницы Госуслуг не достучатся до агента (%v)", "en": "could not open the socket for browser extensions: Gosuslugi pages cannot reach the agent (%v)"},
	// Vietnam's doors (issue 25: install --country vn, status); the vi
	// words are in ui/*_vi.go.
	"cli-install-country-unknown":   {"kk": "%q елі белгісіз: qoltanba vn (Вьетнам) үшін қосымша протоколдарды біледі; Қазақстанға (kz) бұл параметр керек емес", "ru": "неизвестная страна %q: qoltanba знает дополнительные протоколы для vn (Вьетнам); Казахстану (kz) этот параметр не нужен", "en": "unknown country %q: qoltanba has extra protocols for vn (Vietnam); Kazakhstan (kz) needs no option"},
	"cli-install-country-all-users": {"kk": "--country vn бір пайдаланушыға арналған: барлық пайдаланушы үшін компьютер саясатының \"protocols\" кілтін орнатыңыз (docs/admin.md) немесе әр пайдаланушы qoltanba install --country vn іске қоссын", "ru": "--country vn действует для одного пользователя: для всех пользователей задайте ключ \"protocols\" в политике компьютера (docs/admin.md) или выполните qoltanba install --country vn от имени каждого", "en": "--country vn is per user: for every user set the machine policy's \"protocols\" key (docs/admin.md), or run qoltanba install --country vn as each user"},
	"cli-install-country-on":        {"kk": "Вьетнамның қол қою құралдарының протоколдары қосылды (%s): VNPT-CA Plugin 4433 портында, VGCA SignService 8987 портында; агентті қайта іске қосыңыз", "ru": "протоколы вьетнамских средств подписи включены (%s): VNPT-CA Plugin на порту 4433, VGCA SignService на порту 8987; перезапустите агент", "en": "Vietnam's signing-tool protocols turned on (%s): VNPT-CA Plugin on port 4433, VGCA SignService on port 8987; restart the agent"},
	"cli-status-door":               {"kk": "%s: wss://127.0.0.1:%d%s", "ru": "%s: wss://127.0.0.1:%d%s", "en": "%s: wss://127.0.0.1:%d%s"},
	"cli-status-door-other":         {"kk": "%s: %d портын басқа бағдарлама ұстап тұр (өндірушінің өз құралы болуы мүмкін); ол жабылғанша qoltanba бұл портта жауап бермейді", "ru": "%s: порт %d занят другой программой (возможно, собственным средством производителя); пока она работает, qoltanba на нём не отвечает", "en": "%s: port %d is held by another program (the vendor's own tool?); qoltanba does not answer on it while it runs"},
	"cli-status-door-down":          {"kk": "%s: қосылған, бірақ qoltanba %s порттарында жауап бермейді: агентті іске қосыңыз (qoltanba run)", "ru": "%s: включён, но qoltanba не отвечает на портах %s: запустите агент (qoltanba run)", "en": "%s: turned on, but qoltanba does not answer on port(s) %s: start the agent (qoltanba run)"},
	// update (issue 26)
	"cli-update-off":               {"kk": "жаңартуларды тексеру өшірулі (%s)", "ru": "проверка обновлений выключена (%s)", "en": "update checks are turned off (%s)"},
	"cli-update-no-url":            {"kk": "жаңарту репозиторийі бапталмаған (әзірлеушінің жинағы): config.json ішінде updateURL беріңіз (docs/updates.md)", "ru": "репозиторий обновлений не задан (сборка разработчика): укажите updateURL в config.json (docs/updates.md)", "en": "no update repository is configured (a development build): set updateURL in config.json (docs/updates.md)"},
	"cli-update-failed":            {"kk": "жаңарту сәтсіз аяқталды, qoltanba %s сол күйінде қалды: %s; кейінірек қайта тексеріледі", "ru": "обновление не удалось, qoltanba %s остаётся как есть: %s; проверка повторится позже", "en": "the update failed and qoltanba %s is kept: %s; it is tried again later"},
	"cli-update-busy":              {"kk": "басқа жаңарту жүріп жатыр (агенттің күнделікті тексеруі немесе басқа терминал): qoltanba %s сол күйінде қалды; бірнеше минуттан кейін қайталаңыз", "ru": "уже идёт другое обновление (ежедневная проверка агента или другой терминал): qoltanba %s остаётся как есть; повторите через несколько минут", "en": "another update is running (the agent's daily check or another terminal): qoltanba %s is kept; try again in a few minutes"},
	"cli-update-up-to-date":        {"kk": "qoltanba %s — ең жаңа нұсқа", "ru": "qoltanba %s — самая новая версия", "en": "qoltanba %s is the newest version"},
	"cli-update-available":         {"kk": "qoltanba %s шықты (мұнда %s): орнату үшін qoltanba update", "ru": "вышла qoltanba %s (здесь %s): установите её командой qoltanba update", "en": "qoltanba %s is available (this is %s): install it with qoltanba update"},
	"cli-update-available-managed": {"kk": "qoltanba %s шықты (мұнда %s). %s көшірмесін пакет немесе MSI орнатқан: оны әкімші пакетті жаңартып жаңартады", "ru": "вышла qoltanba %s (здесь %s). Копию %s установил пакет или MSI: её обновляет администратор, обновив пакет", "en": "qoltanba %s is available (this is %s). The copy %s was installed by a package or the MSI: the administrator updates it by updating the package"},
	"cli-update-updated":           {"kk": "qoltanba %s нұсқасына жаңартылды: оны қолдану үшін агентті қайта іске қосыңыз (qoltanba run)", "ru": "обновлено до qoltanba %s: перезапустите агент (qoltanba run), чтобы работать с ней", "en": "updated to qoltanba %s: restart the agent (qoltanba run) to use it"},
	"cli-update-data":              {"kk": "деректер файлдары жаңартылды: %s", "ru": "обновлены файлы данных: %s", "en": "data files updated: %s"},
	"cli-update-why-unreachable":   {"kk": "жаңарту серверіне қосылу мүмкін болмады", "ru": "сервер обновлений недоступен", "en": "the update server cannot be reached"},
	"cli-update-why-refused":       {"kk": "сервер жіберген дұрыс қол қойылмаған немесе ескірген, сондықтан қабылданбады (қате не ескі айна, немесе шабуыл)", "ru": "присланное сервером подписано не так, как должно, или устарело, поэтому отвергнуто (неверное или старое зеркало, или атака)", "en": "what the server sent is not signed as it must be, or is out of date, so it was refused (a wrong or stale mirror, or an attack)"},
	"cli-update-why-older":         {"kk": "сервер тек ескі нұсқаны ұсынады: qoltanba ешқашан ескі нұсқаға қайтпайды", "ru": "сервер предлагает только более старую версию: qoltanba никогда не возвращается к старой версии", "en": "the server offers only an older version: qoltanba never goes back to an older one"},
	"cli-update-why-slow":          {"kk": "жаңарту сервері тым баяу жауап берді", "ru": "сервер обновлений отвечал слишком медленно", "en": "the update server was too slow"},
	"cli-update-why-too-large":     {"kk": "сервер тиісті көлемнен көп жіберді", "ru": "сервер прислал больше, чем должен", "en": "the server sent more than it should"},
	"cli-update-why-no-root":       {"kk": "бұл жинақта жаңарту репозиторийінің түбірі жоқ (әзірлеушінің жинағы): жаңартулар шығарылым жинақтарымен келеді", "ru": "в этой сборке нет корня репозитория обновлений (сборка разработчика): обновления приходят со сборками выпусков", "en": "this build carries no update repository root (a development build): updates come with release builds"},
	"cli-update-why-write":         {"kk": "жаңа нұсқаны жазу мүмкін болмады (дискіде орын немесе рұқсат жетпей ме?)", "ru": "новую версию не удалось записать (не хватает места на диске или прав?)", "en": "the new version could not be written (is the disk full, or the folder not yours?)"},
	"cli-update-why-unsafe":        {"kk": "жаңарту қалтасы бұл пайдаланушыныкі емес, басқалар жаза алады немесе сілтеме (толығы агенттің журналында): иесін түзетіңіз немесе оны жойыңыз", "ru": "папка обновлений принадлежит не этому пользователю, доступна другим на запись или является ссылкой (подробности в журнале агента): исправьте владельца и права или удалите её", "en": "a folder of the update is not this user's own, may be written by others, or is a link (the agent's log says which): fix its owner and rights, or remove it"},
	"cli-update-unsafe":            {"kk": "жаңарту бас тартты, qoltanba %s сол күйінде қалды: %s бұл пайдаланушыныкі емес, басқалар жаза алады немесе сілтеме; иесін және рұқсаттарын түзетіңіз (chmod go-w) немесе оны жойыңыз, сосын қайталаңыз", "ru": "обновление отказано, qoltanba %s остаётся как есть: %s принадлежит не этому пользователю, доступна другим на запись или является ссылкой; исправьте владельца и права (chmod go-w) или удалите её и повторите", "en": "the update refused to run and qoltanba %s is kept: %s is not this user's own, may be written by others, or is a link; fix its owner and rights (chmod go-w) or remove it, then try again"},
	"cli-update-available-root":    {"kk": "qoltanba %s шықты (мұнда %s). root пайдаланушының көшірмесін (%s) жаңартпайды: qoltanba update командасын сол пайдаланушы атынан іске қосыңыз", "ru": "вышла qoltanba %s (здесь %s). root не обновляет копию пользователя (%s): запустите qoltanba update от имени этого пользователя", "en": "qoltanba %s is available (this is %s). root does not update a per-user copy (%s): run qoltanba update as that user"},
	"cli-update-why-other":         {"kk": "күтпеген қате (толығы агенттің журналында)", "ru": "непредвиденная ошибка (подробности в журнале агента)", "en": "an unexpected error (the agent's log has the details)"},
	"cli-update-data-read":         {"kk": "жаңарту деректері: %d белгілі сайт, %d жұмыс ОКО сертификаты, %d токен модулі қосылды", "ru": "данные обновлений: добавлено известных сайтов: %d, рабочих сертификатов УЦ: %d, модулей токенов: %d", "en": "update data: %d known sites, %d production CA certificates, %d token modules added"},
	"cli-update-data-unused":       {"kk": "жаңарту деректері: %s қолданылмайды (дұрыс емес), ішкі деректер қолданылады; себебі агенттің журналында (%s)", "ru": "данные обновлений: %s не используются (неверный формат), используются встроенные данные; причина в журнале агента (%s)", "en": "update data: %s not used (not as it must be), the built-in data is used; the agent's log says why (%s)"},
	"cli-update-status-never":      {"kk": "жаңартулар: әлі тексерілмеген", "ru": "обновления: ещё не проверялись", "en": "updates: not checked yet"},
	"cli-update-status-off":        {"kk": "жаңартулар: тексеру өшірулі (%s)", "ru": "обновления: проверка выключена (%s)", "en": "updates: checks are turned off (%s)"},
	"cli-update-status":            {"kk": "жаңартулар: соңғы тексеру %s: %s", "ru": "обновления: последняя проверка %s: %s", "en": "updates: last checked %s: %s"},
	"cli-update-result-up-to-date": {"kk": "ең жаңа нұсқа", "ru": "версия самая новая", "en": "up to date"},
	"cli-update-result-available":  {"kk": "%s шықты", "ru": "вышла %s", "en": "%s is available"},
	"cli-update-result-updated":    {"kk": "%s нұсқасына жаңартылды", "ru": "обновлено до %s", "en": "updated to %s"},
	"cli-update-result-failed":     {"kk": "сәтсіз: %s", "ru": "не удалась: %s", "en": "failed: %s"},
}

func init() {
	for k, v := range cliCatalog {
		if _, dup := catalog[k]; dup {
			panic("ui: catalog key " + k + " is in both catalogs")
		}
		catalog[k] = v
	}
}

// CLIKeys are the keys of the command line's messages (tests).
func CLIKeys() []string {
	keys := make([]string, 0, len(cliCatalog))
	for k := range cliCatalog {
		keys = append(keys, k)
	}
	return keys
}

// CLILocale is the command line's language: the environment's (the first
// of LC_ALL, LC_MESSAGES, LANG that is set) when it is Kazakh, Russian,
// English or Vietnamese (C and POSIX are English); else configured, the language of
// config.json (kk, ru, en or vi); else, on Windows, whose shells set no
// LANG, the display language when it is one of ours; else English. Unlike
// the dialogs (Kazakh by default), a shell that names no language of ours
// reads English: a server's, a CI's, an administrator's.
func CLILocale(configured string) string {
	if l := envLocale(); l != "" {
		return l
	}
	if n := NormalizeLocale(configured); n != "" {
		return n
	}
	if n := NormalizeLocale(osLocale()); n != "" {
		return n
	}
	return "en"
}
