package ui

import (
	"fmt"
	"os"
	"strings"

	"github.com/qoltanba/qoltanba/agent"
)

// Locales the dialogs speak.
var Locales = []string{"kk", "ru", "en", "vi"}

// catalog: message key -> locale -> text (fmt verbs allowed).
var catalog = map[string]map[string]string{
	// Windows and who asks
	"title-site":       {"kk": "qoltanba — %s", "ru": "qoltanba — %s", "en": "qoltanba — %s"},
	"title":            {"kk": "qoltanba — қолтаңба", "ru": "qoltanba — подпись", "en": "qoltanba — signature"},
	"local-program":    {"kk": "жергілікті бағдарлама", "ru": "локальная программа", "en": "a local program"},
	"site-local":       {"kk": "Сұрау осы компьютердегі бағдарламадан, браузерден емес", "ru": "Запрос от программы на этом компьютере, не из браузера", "en": "The request comes from a program on this computer, not a browser"},
	"site-known":       {"kk": "Белгілі сайт: %s", "ru": "Известный сайт: %s", "en": "Known site: %s"},
	"site-unknown":     {"kk": "qoltanba бұл сайтты білмейді: оған сенетініңізге көз жеткізіңіз", "ru": "qoltanba не знает этот сайт: убедитесь, что доверяете ему", "en": "qoltanba does not know this site: make sure you trust it"},
	"site-lookalike":   {"kk": "Бұл %s ЕМЕС", "ru": "Это НЕ %s", "en": "This is NOT %s"},
	"why-not-https":    {"kk": "%[1]s әрқашан https арқылы өз портында ашылады, бұл мекенжай басқа", "ru": "%[1]s всегда открывается по https на своём порту, этот адрес другой", "en": "%[1]s always opens over https on its own port; this address is different"},
	"why-contains":     {"kk": "%s — мекенжайдың бір бөлігі ғана: сайттың нақты мекенжайы — %s", "ru": "%s — лишь часть адреса: на самом деле это сайт %s", "en": "%s is only part of the address: the site is really %s"},
	"why-prefix":       {"kk": "%s атауына сөз немесе сызықша қосылған (%s)", "ru": "к имени %s добавлено слово или дефис (%s)", "en": "%s with a word or a hyphen added (%s)"},
	"why-one-edit":     {"kk": "мекенжай %s атауынан бір-екі әріппен ғана ерекшеленеді (%s)", "ru": "адрес отличается от %s одной-двумя буквами (%s)", "en": "the address differs from %s by a letter or two (%s)"},
	"why-swapped":      {"kk": "%s атауындағы екі әріптің орны ауыстырылған (%s)", "ru": "в имени %s переставлены две буквы (%s)", "en": "%s with two letters swapped (%s)"},
	"why-confusable":   {"kk": "мекенжайда %s әріптеріне тек ұқсайтын әріптер немесе цифрлар бар (%s)", "ru": "в адресе буквы или цифры, лишь похожие на буквы %s (%s)", "en": "the address uses letters or digits that only look like those of %s (%s)"},
	"why-other-script": {"kk": "%s атауына ұқсайтын басқа әліпбидің әріптері (%s)", "ru": "буквы другого алфавита, похожие на %s (%s)", "en": "letters from another alphabet that look like %s (%s)"},
	"why-other-suffix": {"kk": "%s атауы, бірақ басқа аймақта (%s)", "ru": "имя %s, но в другой доменной зоне (%s)", "en": "the name of %s under another ending (%s)"},
	"punycode-note":    {"kk": "мекенжай punycode түрінде көрсетілген, әріппен: %s", "ru": "адрес показан в punycode, буквами: %s", "en": "the address is shown in punycode; in letters: %s"},
	"punycode-only":    {"kk": "мекенжай punycode түрінде көрсетілген: оның әріптерін көрсету қауіпті", "ru": "адрес показан в punycode: его буквы показывать небезопасно", "en": "the address is shown in punycode: its letters are not safe to show"},
	"not-secure":       {"kk": "қорғалмаған байланыс (http)", "ru": "незащищённое соединение (http)", "en": "not a secure connection (http)"},
	"port-note":        {"kk": "%d порт", "ru": "порт %d", "en": "port %d"},
	"waiting":          {"kk": "Тағы %d сұрау күтуде", "ru": "Ещё запросов в очереди: %d", "en": "%d more requests waiting"},

	// First-use question
	"consent":              {"kk": "%s сайтына қолтаңбаңызды сұрауға рұқсат етесіз бе?", "ru": "Разрешить сайту %s запрашивать вашу подпись?", "en": "Allow %s to ask for your signatures?"},
	"allow-once":           {"kk": "Бір рет рұқсат ету", "ru": "Разрешить один раз", "en": "Allow once"},
	"allow-once-explain":   {"kk": "Осы сұрауға ғана; келесі жолы тағы сұраймыз", "ru": "Только для этого запроса; в следующий раз спросим снова", "en": "For this request only; you will be asked again next time"},
	"allow-always":         {"kk": "Әрқашан рұқсат ету", "ru": "Всегда разрешать", "en": "Always allow"},
	"allow-always-explain": {"kk": "Бұл сайт үшін енді сұрамаймыз; құпиясөзді және әр қолтаңбаны бәрібір өзіңіз растайсыз", "ru": "Больше не спрашивать для этого сайта; пароль и каждую подпись вы всё равно подтверждаете сами", "en": "Don't ask again for this site; you still type your password and approve each signature"},
	"block":                {"kk": "Бұғаттау", "ru": "Заблокировать", "en": "Block"},
	"block-explain":        {"kk": "Бұл сайттың сұрауларын әрқашан қабылдамау (мәзірдегі «Рұқсат етілген сайттар» арқылы өзгертуге болады)", "ru": "Всегда отклонять запросы этого сайта (изменить можно в меню «Разрешённые сайты»)", "en": "Always refuse this site's requests (you can change it under Allowed sites in the menu)"},
	"safety-tip":           {"kk": "Кілт файлыңызды және құпиясөзіңізді ешкімге бермеңіз — ҰКО мен eGov оларды ешқашан сұрамайды.", "ru": "Никому не передавайте файл ключа и пароль — НУЦ и eGov никогда их не запрашивают.", "en": "Never give your key file and password to anyone — NCA and eGov never ask for them."},

	// What is asked
	"heading-login":   {"kk": "%s сайтына кіру", "ru": "Вход на %s", "en": "Log in to %s"},
	"heading-sign":    {"kk": "%s үшін деректерге қол қою", "ru": "Подпись данных для %s", "en": "Sign data for %s"},
	"heading-signN":   {"kk": "%[2]s үшін %[1]d құжатқа қол қою", "ru": "Подпись %d документов для %s", "en": "Sign %d documents for %s"},
	"heading-hash":    {"kk": "%s үшін құжат хэшіне қол қою", "ru": "Подпись хэша документа для %s", "en": "Sign a document hash for %s"},
	"heading-keyinfo": {"kk": "%s үшін кілтті таңдау", "ru": "Выбор ключа для %s", "en": "Choose a key for %s"},
	"heading-file":    {"kk": "%s үшін файлға қол қою", "ru": "Подпись файла для %s", "en": "Sign a file for %s"},
	"what":            {"kk": "Не қол қойылады", "ru": "Что подписывается", "en": "What is signed"},
	"doc-n":           {"kk": "%d-құжат", "ru": "Документ %d", "en": "Document %d"},
	"docs-summary":    {"kk": "%d құжат, барлығы %s", "ru": "Документов: %d, всего %s", "en": "%d documents, %s in all"},
	"doc-kind-xml":    {"kk": "XML құжат", "ru": "XML-документ", "en": "XML document"},
	"doc-kind-text":   {"kk": "Мәтін", "ru": "Текст", "en": "Text"},
	"doc-kind-binary": {"kk": "Деректер", "ru": "Данные", "en": "Data"},
	"doc-kind-hash":   {"kk": "Құжат хэші", "ru": "Хэш документа", "en": "Document hash"},
	"doc-binary":      {"kk": "Екілік деректер, %s, SHA-256 %s", "ru": "Двоичные данные, %s, SHA-256 %s", "en": "Binary data, %s, SHA-256 %s"},
	"doc-hash":        {"kk": "Хэш: %s", "ru": "Хэш: %s", "en": "Hash: %s"},
	"show-source":     {"kk": "Бастапқы мәтінді көрсету", "ru": "Показать исходный текст", "en": "Show source"},
	"hide-source":     {"kk": "Оқуға ыңғайлы түрі", "ru": "Читаемый вид", "en": "Readable view"},
	"unit-bytes":      {"kk": "байт", "ru": "байт", "en": "bytes"},
	"unit-kb":         {"kk": "КБ", "ru": "КБ", "en": "KB"},
	"unit-mb":         {"kk": "МБ", "ru": "МБ", "en": "MB"},

	// Stores
	"store":             {"kk": "Кілт қоймасы", "ru": "Хранилище ключей", "en": "Key store"},
	"store-file":        {"kk": "Кілт файлы (PKCS#12)", "ru": "Файл ключа (PKCS#12)", "en": "Key file (PKCS#12)"},
	"store-token":       {"kk": "%s «%s»", "ru": "%s «%s»", "en": "%s “%s”"},
	"store-no-token":    {"kk": "Токен (USB немесе жеке куәлік)", "ru": "Токен (USB или удостоверение личности)", "en": "Token (USB or ID card)"},
	"token-insert":      {"kk": "Токенді салыңыз немесе жеке куәлікті оқу құрылғысына салыңыз: ол пайда болғанда тізім өзі жаңарады", "ru": "Вставьте токен или удостоверение личности в считыватель: список обновится сам, когда он появится", "en": "Plug in your token or put your ID card in the reader: the list updates by itself when it appears"},
	"token-locked-note": {"kk": "Бұл токеннің PIN-коды бұғатталған. Оны PUK-кодпен немесе ХҚО-да ашыңыз.", "ru": "PIN-код этого токена заблокирован. Разблокируйте его PUK-кодом или в ЦОН.", "en": "This token's PIN is locked. Unlock it with its PUK or at a public service centre."},
	"pin-state-locked":  {"kk": "PIN бұғатталған", "ru": "PIN заблокирован", "en": "PIN locked"},
	"pin-state-final":   {"kk": "PIN: соңғы әрекет", "ru": "PIN: последняя попытка", "en": "PIN: last try"},
	"pin-state-low":     {"kk": "PIN: бұрын қате енгізілген", "ru": "PIN: были неверные попытки", "en": "PIN: wrong tries before"},
	"refresh":           {"kk": "Кілттер тізімін жаңарту", "ru": "Обновить список ключей", "en": "Refresh the list of keys"},
	"recent":            {"kk": "Соңғы файлдар", "ru": "Недавние файлы", "en": "Recent files"},
	"browse":            {"kk": "Шолу…", "ru": "Обзор…", "en": "Browse…"},
	"path":              {"kk": "Кілт файлының жолы", "ru": "Путь к файлу ключа", "en": "Key file path"},
	"password":          {"kk": "Құпиясөз", "ru": "Пароль", "en": "Password"},
	"password-hint":     {"kk": "Кілт файлының құпиясөзі, содан кейін Enter", "ru": "Пароль от файла ключа, затем Enter", "en": "The key file's password, then Enter"},
	"pin":               {"kk": "PIN-код", "ru": "PIN-код", "en": "PIN"},
	"pin-hint":          {"kk": "Токеннің PIN-коды, содан кейін Enter", "ru": "PIN-код токена, затем Enter", "en": "The token's PIN, then Enter"},
	"load":              {"kk": "Кілттерді жүктеу", "ru": "Загрузить ключи", "en": "Load keys"},
	"choose-file-first": {"kk": "Алдымен кілт файлын таңдаңыз", "ru": "Сначала выберите файл ключа", "en": "Choose your key file first"},
	"wrong-password":    {"kk": "Құпиясөз қате", "ru": "Неверный пароль", "en": "Wrong password"},
	"wrong-pin":         {"kk": "PIN-код қате", "ru": "Неверный PIN-код", "en": "Wrong PIN"},
	"wrong-pin-low":     {"kk": "PIN-код қате. Әрекеттер аз қалды", "ru": "Неверный PIN-код. Попыток осталось немного", "en": "Wrong PIN. Few tries are left"},
	"wrong-pin-final":   {"kk": "PIN-код қате. Соңғы әрекет қалды: тағы қателессеңіз, токен бұғатталады", "ru": "Неверный PIN-код. Осталась последняя попытка: после следующей ошибки токен заблокируется", "en": "Wrong PIN. One try left: another wrong PIN locks the token"},
	"pin-locked":        {"kk": "PIN-код бұғатталды. Оны PUK-кодпен немесе ХҚО-да ашыңыз", "ru": "PIN-код заблокирован. Разблокируйте его PUK-кодом или в ЦОН", "en": "The PIN is locked. Unlock it with its PUK or at a public service centre"},
	"not-key-file":      {"kk": "Бұл кілт файлы емес немесе ол бүлінген: .p12 (.pfx) файлын таңдаңыз немесе оның жаңа көшірмесін алыңыз", "ru": "Это не файл ключа или он повреждён: выберите файл .p12 (.pfx) или получите его новую копию", "en": "This is not a key file, or it is damaged: choose a .p12 (.pfx) file, or get a new copy of it"},
	"load-failed":       {"kk": "Кілттерді ашу мүмкін болмады: %s", "ru": "Не удалось открыть ключи: %s", "en": "The keys could not be opened: %s"},
	"no-keys":           {"kk": "Бұл қоймада кілт жоқ", "ru": "В этом хранилище нет ключей", "en": "There are no keys in this store"},
	"no-keys-match":     {"kk": "Бұл кілттердің ешқайсысы сайтқа сай емес: себебі әр кілттің астында жазылған", "ru": "Ни один из этих ключей не подходит сайту: причина указана под каждым", "en": "None of these keys suits the site: the reason is under each one"},

	// Keys
	"keys":                    {"kk": "Кілттер", "ru": "Ключи", "en": "Keys"},
	"keys-hint-file":          {"kk": "Кілттерді көру үшін файлды таңдап, құпиясөзді енгізіп, Enter басыңыз", "ru": "Чтобы увидеть ключи, выберите файл, введите пароль и нажмите Enter", "en": "To see the keys, choose the file, type its password and press Enter"},
	"keys-hint-token":         {"kk": "Кілттерді көру үшін PIN-кодты енгізіп, Enter басыңыз", "ru": "Чтобы увидеть ключи, введите PIN-код и нажмите Enter", "en": "To see the keys, type the PIN and press Enter"},
	"key-iin":                 {"kk": "ЖСН %s", "ru": "ИИН %s", "en": "IIN %s"},
	"key-org":                 {"kk": "%s, БСН %s", "ru": "%s, БИН %s", "en": "%s, BIN %s"},
	"key-valid":               {"kk": "%s – %s аралығында жарамды", "ru": "действителен с %s по %s", "en": "valid %s to %s"},
	"key-issuer":              {"kk": "Берген: %s", "ru": "Выдан: %s", "en": "Issued by %s"},
	"kind-auth":               {"kk": "кіру үшін", "ru": "для входа", "en": "for logging in"},
	"kind-sign":               {"kk": "қол қою үшін", "ru": "для подписи", "en": "for signing"},
	"kind-both":               {"kk": "кіру және қол қою үшін", "ru": "для входа и подписи", "en": "for logging in and signing"},
	"kind-none":               {"kk": "мақсаты белгісіз", "ru": "назначение неизвестно", "en": "purpose unknown"},
	"not-selectable":          {"kk": "Таңдауға болмайды: %s", "ru": "Нельзя выбрать: %s", "en": "Cannot be chosen: %s"},
	"reason-expired":          {"kk": "мерзімі %s өтті", "ru": "срок действия истёк %s", "en": "expired on %s"},
	"reason-not-yet-valid":    {"kk": "%s бастап қана жарамды", "ru": "действует только с %s", "en": "not valid until %s"},
	"reason-not-auth":         {"kk": "кіру кілті емес", "ru": "не ключ для входа", "en": "not a login key"},
	"reason-not-sign":         {"kk": "қол қою кілті емес", "ru": "не ключ для подписи", "en": "not a signing key"},
	"reason-eku":              {"kk": "сайт талап ететін қолдану мақсаты жоқ", "ru": "нет назначения, которое требует сайт", "en": "it lacks a use the site requires"},
	"reason-iin":              {"kk": "сайт басқа ЖСН сұрады", "ru": "сайт запросил другой ИИН", "en": "the site asked for another IIN"},
	"reason-bin":              {"kk": "сайт басқа БСН сұрады", "ru": "сайт запросил другой БИН", "en": "the site asked for another BIN"},
	"reason-serial":           {"kk": "сайт басқа сертификат сұрады", "ru": "сайт запросил другой сертификат", "en": "the site asked for another certificate"},
	"reason-chain":            {"kk": "сайт бұл куәландырушы орталықты қабылдамайды", "ru": "сайт не принимает этот удостоверяющий центр", "en": "the site does not accept its issuer"},
	"reason-test-key":         {"kk": "жұмыс ҰКО-сы берген кілт емес (тестілік)", "ru": "выдан не рабочим НУЦ (тестовый)", "en": "not issued by a production NCA (a test key)"},
	"reason-login-key-digest": {"kk": "кіру кілті сайт жіберген хэшке қол қоймайды; қол қою кілтін таңдаңыз", "ru": "ключ для входа не подписывает хэш от сайта; выберите ключ для подписи", "en": "a login key does not sign a hash the site sent; choose a signing key"},
	"summary-sign":            {"kk": "%s %s үшін қол қояды", "ru": "%s подписывает для %s", "en": "%s signs for %s"},
	"summary-login":           {"kk": "%s %s сайтына кіреді", "ru": "%s входит на %s", "en": "%s logs in to %s"},
	"summary-keyinfo":         {"kk": "%s кілті %s үшін таңдалды", "ru": "Ключ %s выбран для %s", "en": "%s's key is chosen for %s"},

	// Buttons and what happened
	"sign-sign":          {"kk": "Қол қою", "ru": "Подписать", "en": "Sign"},
	"sign-sign-hash":     {"kk": "Қол қою", "ru": "Подписать", "en": "Sign"},
	"sign-sign-file":     {"kk": "Қол қою", "ru": "Подписать", "en": "Sign"},
	"sign-login":         {"kk": "Кіру", "ru": "Войти", "en": "Log in"},
	"sign-key-info":      {"kk": "Таңдау", "ru": "Выбрать", "en": "Choose"},
	"cancel":             {"kk": "Бас тарту", "ru": "Отмена", "en": "Cancel"},
	"retry":              {"kk": "Қайталау", "ru": "Повторить", "en": "Try again"},
	"signing":            {"kk": "Қол қойылуда…", "ru": "Подписывается…", "en": "Signing…"},
	"signing-n":          {"kk": "Қол қойылуда: %d / %d", "ru": "Подписывается: %d из %d", "en": "Signing %d of %d"},
	"signed-sign":        {"kk": "Қол қойылды ✓", "ru": "Подписано ✓", "en": "Signed ✓"},
	"signed-sign-hash":   {"kk": "Қол қойылды ✓", "ru": "Подписано ✓", "en": "Signed ✓"},
	"signed-sign-file":   {"kk": "Қол қойылды ✓", "ru": "Подписано ✓", "en": "Signed ✓"},
	"signed-login":       {"kk": "Дайын ✓", "ru": "Готово ✓", "en": "Done ✓"},
	"signed-key-info":    {"kk": "Таңдалды ✓", "ru": "Выбрано ✓", "en": "Chosen ✓"},
	"fail-timestamp":     {"kk": "Уақыт белгісі қызметіне қосылу мүмкін болмады. Интернетті тексеріп, қайталаңыз.", "ru": "Не удалось связаться со службой меток времени. Проверьте интернет и повторите.", "en": "The timestamp server could not be reached. Check your internet connection and try again."},
	"fail-token-removed": {"kk": "Токен ажыратылды. Оны қайта салып, қайталаңыз.", "ru": "Токен извлечён. Вставьте его снова и повторите.", "en": "The token was removed. Plug it in again and try again."},
	"fail-bad-request":   {"kk": "Сайт жіберген құжатқа қол қою мүмкін емес.", "ru": "Документ, присланный сайтом, подписать нельзя.", "en": "The document the site sent cannot be signed."},
	"fail-other":         {"kk": "Қол қою сәтсіз аяқталды: %s", "ru": "Не удалось подписать: %s", "en": "Signing failed: %s"},
	"no-stores":          {"kk": "Сайт рұқсат еткен кілт қоймасы жоқ", "ru": "Нет хранилищ ключей, разрешённых сайтом", "en": "None of the key stores this site allows is available"},

	// The tray and settings
	"outcome-suppressed":       {"kk": "сайттың тым көп сұрауы: журналға бір жолмен жазылды", "ru": "слишком много запросов сайта: записаны в журнал одной строкой", "en": "too many requests from the site: logged as one line"},
	"outcome-audit-failed":     {"kk": "журналға жазу мүмкін болмады: қолтаңба берілмеді", "ru": "не удалось записать в журнал: подпись не выдана", "en": "the audit log could not be written: no signature was given"},
	"outcome-ok":               {"kk": "орындалды", "ru": "выполнено", "en": "done"},
	"outcome-canceled":         {"kk": "бас тартылды", "ru": "отменено", "en": "canceled"},
	"outcome-denied":           {"kk": "сайт бұғатталған", "ru": "сайт заблокирован", "en": "site blocked"},
	"outcome-timeout":          {"kk": "уақыты өтті", "ru": "время вышло", "en": "timed out"},
	"outcome-busy":             {"kk": "бос емес", "ru": "занято", "en": "busy"},
	"outcome-too-large":        {"kk": "тым үлкен", "ru": "слишком большой", "en": "too large"},
	"outcome-bad-request":      {"kk": "қате сұрау", "ru": "неверный запрос", "en": "bad request"},
	"outcome-no-matching-key":  {"kk": "сай кілт жоқ", "ru": "нет подходящего ключа", "en": "no matching key"},
	"outcome-unknown-storage":  {"kk": "белгісіз қойма", "ru": "неизвестное хранилище", "en": "unknown store"},
	"outcome-wrong-pin":        {"kk": "PIN немесе құпиясөз қате", "ru": "неверный PIN или пароль", "en": "wrong PIN or password"},
	"outcome-token-locked":     {"kk": "токен бұғатталған", "ru": "токен заблокирован", "en": "token locked"},
	"outcome-token-removed":    {"kk": "токен ажыратылды", "ru": "токен извлечён", "en": "token removed"},
	"outcome-timestamp-failed": {"kk": "уақыт белгісі алынбады", "ru": "нет метки времени", "en": "no timestamp"},
	"outcome-no-dialog":        {"kk": "диалог көрсетілмеді", "ru": "окно не показано", "en": "no dialog"},
	"outcome-failed":           {"kk": "сәтсіз", "ru": "ошибка", "en": "failed"},
	"no-desktop":               {"kk": "qoltanba терезелерін бұл жұмыс үстелінде көрсете алмайды. Сайттардың сұраулары қабылданбайды. Компьютерді қайта іске қосып көріңіз немесе әкімшіге хабарласыңыз.", "ru": "qoltanba не может показать свои окна на этом рабочем столе. Запросы сайтов отклоняются. Перезагрузите компьютер или обратитесь к администратору.", "en": "qoltanba cannot show its windows on this desktop. Sites' requests are refused. Restart the computer or ask your administrator."},
	"port-busy":                {"kk": "%d порты бос емес: NCALayer немесе басқа qoltanba жұмыс істеп тұр ма?", "ru": "Порт %d занят: запущен NCALayer или другой qoltanba?", "en": "Port %d is in use: is NCALayer or another qoltanba running?"},
	"port-taken":               {"kk": "Агент іске қосылмады: %s", "ru": "Агент не запустился: %s", "en": "The agent could not start: %s"},
	"key-line":                 {"kk": "%s, ЖСН %s", "ru": "%s, ИИН %s", "en": "%s, IIN %s"},
	"expired":                  {"kk": "мерзімі өткен", "ru": "просрочен", "en": "expired"},
	"reason-test":              {"kk": "тестілік сертификат", "ru": "тестовый сертификат", "en": "test certificate"},
	"sign":                     {"kk": "Қол қою", "ru": "Подписать", "en": "Sign"},
	"tray-status":              {"kk": "wss://127.0.0.1:%d тыңдалуда · %s", "ru": "Слушает wss://127.0.0.1:%d · %s", "en": "Listening on wss://127.0.0.1:%d · %s"},
	"tray-sites":               {"kk": "Рұқсат етілген сайттар…", "ru": "Разрешённые сайты…", "en": "Allowed sites…"},
	"tray-recent":              {"kk": "Соңғы қолтаңбалар…", "ru": "Последние подписи…", "en": "Recent signatures…"},
	"tray-language":            {"kk": "Тіл", "ru": "Язык", "en": "Language"},
	"tray-trust":               {"kk": "Браузер сенімін тексеру", "ru": "Проверить доверие браузера", "en": "Check browser trust"},
	"tray-settings":            {"kk": "Баптаулар…", "ru": "Настройки…", "en": "Settings…"},
	"set-tsa":                  {"kk": "Уақыт белгісі қызметі (TSA)", "ru": "Служба меток времени (TSA)", "en": "Timestamp authority (TSA)"},
	"set-timeout":              {"kk": "Сұрау күту уақыты", "ru": "Время ожидания запроса", "en": "Prompt timeout"},
	"set-modules":              {"kk": "Токен модульдері", "ru": "Модули токенов", "en": "Token modules"},
	"set-save":                 {"kk": "Сақтау", "ru": "Сохранить", "en": "Save"},
	"set-invalid":              {"kk": "TSA URL немесе уақыт дұрыс емес (мысалы 5m)", "ru": "Неверный URL TSA или время (например 5m)", "en": "Check the TSA URL and the timeout (e.g. 5m)"},
	"set-saved":                {"kk": "Сақталды: тіл бірден ауысады, қалған баптаулар qoltanba келесі іске қосылғанда қолданылады", "ru": "Сохранено: язык меняется сразу, остальные настройки — при следующем запуске qoltanba", "en": "Saved: the language changes now, the other settings when qoltanba next starts"},
	"org-managed":              {"kk": "Ұйымыңыз басқарады", "ru": "Управляется вашей организацией", "en": "Managed by your organisation"},
	"org-set":                  {"kk": "ұйымыңыз орнатқан", "ru": "задано вашей организацией", "en": "set by your organisation"},
	"org-keyfiles-off":         {"kk": "Кілт файлдарын ұйымыңыз өшірген: токенді пайдаланыңыз", "ru": "Файлы ключей отключены вашей организацией: используйте токен", "en": "Key files are turned off by your organisation: use your token"},
	"tray-about":               {"kk": "Бағдарлама туралы", "ru": "О программе", "en": "About"},
	"tray-quit":                {"kk": "Шығу", "ru": "Выход", "en": "Quit"},

	// key-file errors that had no words of their own (StoreErrorKey)
	"key-file-too-large": {"kk": "Бұл файл кілт файлы болу үшін тым үлкен: .p12 (.pfx) файлын таңдаңыз", "ru": "Этот файл слишком велик для файла ключа: выберите файл .p12 (.pfx)", "en": "This file is too large to be a key file: choose a .p12 (.pfx) file"},
	"key-file-no-key":    {"kk": "Бұл файлда сертификаты бар жабық кілт жоқ: басқа кілт файлын таңдаңыз", "ru": "В этом файле нет закрытого ключа с сертификатом: выберите другой файл ключа", "en": "This file holds no private key with its certificate: choose another key file"},
	// Browser extensions as callers (issue 24: the native messaging door).
	"site-extension":         {"kk": "браузер кеңейтімі %s", "ru": "расширение браузера %s", "en": "browser extension %s"},
	"site-extension-known":   {"kk": "Белгілі кеңейтім: %s", "ru": "Известное расширение: %s", "en": "Known extension: %s"},
	"site-extension-unknown": {"kk": "qoltanba бұл браузер кеңейтімін білмейді: оны өзіңіз орнатқаныңызға көз жеткізіңіз", "ru": "qoltanba не знает это расширение браузера: убедитесь, что установили его сами", "en": "qoltanba does not know this browser extension: make sure you installed it yourself"},
	// Settings window (ui.Settings): notes, errors, the language choice
	"set-close":            {"kk": "Жабу", "ru": "Закрыть", "en": "Close"},
	"set-language-auto":    {"kk": "Автоматты (config.json немесе жүйенің тілі)", "ru": "Автоматически (из config.json или язык системы)", "en": "Automatic (config.json's, else the system's)"},
	"set-language-note":    {"kk": "Бірден қолданылады", "ru": "Применяется сразу", "en": "Takes effect at once"},
	"set-language-invalid": {"kk": "Тізімнен тілді таңдаңыз", "ru": "Выберите язык из списка", "en": "Choose a language from the list"},
	"set-tsa-note":         {"kk": "Қолтаңбалардың уақыт белгісі осы мекенжайдан алынады (http немесе https)", "ru": "Метки времени для подписей берутся по этому адресу (http или https)", "en": "Signatures get their timestamps from this address (http or https)"},
	"set-tsa-invalid":      {"kk": "http:// немесе https:// деп басталатын толық мекенжайды жазыңыз", "ru": "Укажите полный адрес, начинающийся с http:// или https://", "en": "Give a full address starting with http:// or https://"},
	"set-timeout-note":     {"kk": "ең азы %s, ең көбі %s, мысалы 5m", "ru": "от %s до %s, например 5m", "en": "from %s to %s, like 5m"},
	"set-timeout-invalid":  {"kk": "Уақытты жазыңыз: ең азы %s, ең көбі %s, мысалы 5m", "ru": "Укажите время от %s до %s, например 5m", "en": "Give a time from %s to %s, like 5m"},
	"set-modules-note":     {"kk": "config.json файлында өзгертіледі (docs/config.md)", "ru": "Меняются в файле config.json (docs/config.md)", "en": "Changed in config.json (docs/config.md)"},
	"set-config-broken":    {"kk": "%s оқылмайды: оны түзетіңіз немесе жойыңыз, содан кейін қайта сақтаңыз", "ru": "Не удаётся прочитать %s: исправьте или удалите его и сохраните снова", "en": "%s cannot be read: fix or remove it, then save again"},
	"set-write-failed":     {"kk": "Баптаулар %s файлына жазылмады: оның қалтасына жазуға рұқсатыңызды тексеріңіз", "ru": "Не удалось записать настройки в %s: проверьте, что вам можно писать в его папку", "en": "The settings could not be written to %s: check that you may write to its folder"},
	// the tray's line on updates (TrayMenu, TrayUpdate)
	"tray-update-available":         {"kk": "Жаңарту бар: %s", "ru": "Доступно обновление: %s", "en": "Update available: %s"},
	"tray-update-available-managed": {"kk": "%s жаңартуы бар — qoltanba-ны әкімшіңіз жаңартады", "ru": "Доступно обновление %s — qoltanba обновляет ваш администратор", "en": "Update %s available — your administrator updates qoltanba"},
	"tray-update-failing":           {"kk": "Жаңартуларды %s бері тексеру мүмкін емес — qoltanba status себебін айтады", "ru": "Обновления не проверяются с %s — причину покажет qoltanba status", "en": "Update checks failing since %s — qoltanba status says why"},
	"tray-update-installed":         {"kk": "%s нұсқасына жаңартылды — ашық терезе болмағанда қайта іске қосылады", "ru": "Обновлено до %s — перезапустится, когда не будет открытых окон подписи", "en": "Updated to %s — restarts when no dialog is open"},
}

// T translates key into locale (falling back to Kazakh, then the key).
func T(locale, key string, args ...any) string {
	m := catalog[key]
	s := m[locale]
	if s == "" {
		s = m["kk"]
	}
	if s == "" {
		s = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// NormalizeLocale maps NCALayer's locale ids ("kz" too) and OS values
// ("ru_RU.UTF-8", "vi_VN.UTF-8") to kk, ru, en or vi; "" and unknown give "" (it is
// agent.NormalizeLocale, the one rule the doors follow too).
func NormalizeLocale(l string) string { return string(agent.NormalizeLocale(l)) }

// SystemLocale reads the OS language (the first of LC_ALL, LC_MESSAGES,
// LANG that is set; on Windows, when none is, the user's display
// language): kk, ru, en or vi; the C/POSIX locale is English; any other
// language, or none set, is Kazakh.
func SystemLocale() string {
	if l := envLocale(); l != "" {
		return l
	}
	if l := NormalizeLocale(osLocale()); l != "" {
		return l
	}
	return "kk"
}

// envLocale is the environment's language: the first of LC_ALL,
// LC_MESSAGES, LANG that is set, as kk, ru, en or vi (C and POSIX are en);
// "" when none is set or that one names another language.
func envLocale() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		l := os.Getenv(v)
		if l == "" {
			continue
		}
		if n := NormalizeLocale(l); n != "" {
			return n
		}
		if c := strings.ToUpper(l); c == "C" || c == "POSIX" || strings.HasPrefix(c, "C.") || strings.HasPrefix(c, "POSIX.") {
			return "en"
		}
		return ""
	}
	return ""
}
