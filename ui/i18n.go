package ui

import (
	"fmt"
	"os"
	"strings"
)

// Locales the dialogs speak.
var Locales = []string{"kk", "ru", "en"}

// catalog: message key -> locale -> text (fmt verbs allowed).
var catalog = map[string]map[string]string{
	"title":                {"kk": "Қолтаңба", "ru": "Qoltanba — подпись", "en": "qoltanba — signature"},
	"local-program":        {"kk": "жергілікті бағдарлама", "ru": "локальная программа", "en": "a local program"},
	"asks":                 {"kk": "%s сұрайды:", "ru": "%s запрашивает:", "en": "%s asks:"},
	"action-login":         {"kk": "Жүйеге кіру", "ru": "Вход в систему", "en": "Log in"},
	"action-sign":          {"kk": "Құжатқа қол қою", "ru": "Подписать документ", "en": "Sign a document"},
	"action-signN":         {"kk": "%d құжатқа қол қою", "ru": "Подписать документы: %d", "en": "Sign %d documents"},
	"action-hash":          {"kk": "Құжат хэшіне қол қою", "ru": "Подписать хэш документа", "en": "Sign a document hash"},
	"action-keyinfo":       {"kk": "Кілтті таңдау", "ru": "Выбрать ключ", "en": "Choose a key"},
	"action-file":          {"kk": "Файлға қол қою: %s", "ru": "Подписать файл: %s", "en": "Sign a file: %s"},
	"what":                 {"kk": "Не қол қойылады", "ru": "Что подписывается", "en": "What is signed"},
	"doc-binary":           {"kk": "Екілік деректер, %d байт, SHA-256 %s", "ru": "Двоичные данные, %d байт, SHA-256 %s", "en": "Binary data, %d bytes, SHA-256 %s"},
	"doc-hash":             {"kk": "Хэш: %s", "ru": "Хэш: %s", "en": "Hash: %s"},
	"waiting":              {"kk": "Тағы %d сұрау күтуде", "ru": "Ещё запросов в очереди: %d", "en": "%d more requests waiting"},
	"store":                {"kk": "Кілт қоймасы", "ru": "Хранилище ключей", "en": "Key store"},
	"store-file":           {"kk": "Кілт файлы (PKCS#12)", "ru": "Файл ключа (PKCS#12)", "en": "Key file (PKCS#12)"},
	"store-token":          {"kk": "%s «%s» (PIN: %s)", "ru": "%s «%s» (PIN: %s)", "en": "%s “%s” (PIN: %s)"},
	"recent":               {"kk": "Соңғы файлдар", "ru": "Недавние файлы", "en": "Recent files"},
	"port-busy":            {"kk": "%d порты бос емес: NCALayer немесе басқа qoltanba жұмыс істеп тұр ма?", "ru": "Порт %d занят: запущен NCALayer или другой qoltanba?", "en": "Port %d is in use: is NCALayer or another qoltanba running?"},
	"port-taken":           {"kk": "Агент іске қосылмады: %s", "ru": "Агент не запустился: %s", "en": "The agent could not start: %s"},
	"browse":               {"kk": "Шолу…", "ru": "Обзор…", "en": "Browse…"},
	"path":                 {"kk": "Файл жолы", "ru": "Путь к файлу", "en": "File path"},
	"password":             {"kk": "Құпиясөз", "ru": "Пароль", "en": "Password"},
	"pin":                  {"kk": "PIN-код", "ru": "PIN-код", "en": "PIN"},
	"load":                 {"kk": "Кілттерді жүктеу", "ru": "Загрузить ключи", "en": "Load keys"},
	"wrong-password":       {"kk": "Құпиясөз қате", "ru": "Неверный пароль", "en": "Wrong password"},
	"wrong-pin":            {"kk": "PIN-код қате", "ru": "Неверный PIN-код", "en": "Wrong PIN"},
	"pin-locked":           {"kk": "PIN-код бұғатталған", "ru": "PIN-код заблокирован", "en": "PIN locked"},
	"keys":                 {"kk": "Кілттер", "ru": "Ключи", "en": "Keys"},
	"key-line":             {"kk": "%s, ЖСН %s", "ru": "%s, ИИН %s", "en": "%s, IIN %s"},
	"key-org":              {"kk": "%s, БСН %s", "ru": "%s, БИН %s", "en": "%s, BIN %s"},
	"key-valid":            {"kk": "%s – %s дейін жарамды", "ru": "действителен с %s по %s", "en": "valid %s to %s"},
	"expired":              {"kk": "мерзімі өткен", "ru": "просрочен", "en": "expired"},
	"kind-auth":            {"kk": "кіру үшін", "ru": "для входа", "en": "login"},
	"kind-sign":            {"kk": "қол қою үшін", "ru": "для подписи", "en": "signing"},
	"kind-both":            {"kk": "кіру және қол қою", "ru": "вход и подпись", "en": "login and signing"},
	"kind-none":            {"kk": "белгісіз", "ru": "неизвестно", "en": "unknown"},
	"not-selectable":       {"kk": "Таңдауға болмайды: %s", "ru": "Нельзя выбрать: %s", "en": "Not selectable: %s"},
	"reason-not-auth":      {"kk": "кіру кілті емес", "ru": "не ключ для входа", "en": "not a login key"},
	"reason-not-sign":      {"kk": "қол қою кілті емес", "ru": "не ключ для подписи", "en": "not a signing key"},
	"reason-not-yet-valid": {"kk": "әлі жарамды емес", "ru": "ещё не действует", "en": "not valid yet"},
	"reason-eku":           {"kk": "қажетті пайдалану түрі жоқ", "ru": "нет требуемого назначения", "en": "lacks a required key usage"},
	"reason-iin":           {"kk": "басқа адамның кілті", "ru": "ключ другого человека", "en": "another person's key"},
	"reason-bin":           {"kk": "басқа ұйымның кілті", "ru": "ключ другой организации", "en": "another organisation's key"},
	"reason-serial":        {"kk": "басқа сертификат", "ru": "другой сертификат", "en": "another certificate"},
	"reason-expired":       {"kk": "мерзімі өткен", "ru": "срок действия истёк", "en": "expired"},
	"reason-chain":         {"kk": "сайт бұл куәландырушы орталықты қабылдамайды", "ru": "сайт не принимает этот удостоверяющий центр", "en": "the site does not accept its issuer"},
	"reason-test":          {"kk": "тестілік сертификат", "ru": "тестовый сертификат", "en": "test certificate"},
	"sign":                 {"kk": "Қол қою", "ru": "Подписать", "en": "Sign"},
	"cancel":               {"kk": "Бас тарту", "ru": "Отмена", "en": "Cancel"},
	"consent":              {"kk": "%s сайтына қолтаңбаңызды сұрауға рұқсат етесіз бе?", "ru": "Разрешить сайту %s запрашивать вашу подпись?", "en": "Allow %s to ask for your signatures?"},
	"allow-once":           {"kk": "Бір рет рұқсат ету", "ru": "Разрешить один раз", "en": "Allow once"},
	"allow-always":         {"kk": "Әрқашан рұқсат ету", "ru": "Всегда разрешать", "en": "Always allow"},
	"block":                {"kk": "Бұғаттау", "ru": "Заблокировать", "en": "Block"},
	"no-stores":            {"kk": "Сайт рұқсат еткен кілт қоймасы жоқ", "ru": "Нет хранилищ ключей, разрешённых сайтом", "en": "None of the key stores this site allows is available"},
	"tray-status":          {"kk": "wss://127.0.0.1:%d тыңдалуда · %s", "ru": "Слушает wss://127.0.0.1:%d · %s", "en": "Listening on wss://127.0.0.1:%d · %s"},
	"tray-sites":           {"kk": "Рұқсат етілген сайттар…", "ru": "Разрешённые сайты…", "en": "Allowed sites…"},
	"tray-recent":          {"kk": "Соңғы қолтаңбалар…", "ru": "Последние подписи…", "en": "Recent signatures…"},
	"tray-language":        {"kk": "Тіл", "ru": "Язык", "en": "Language"},
	"tray-trust":           {"kk": "Браузер сенімін тексеру", "ru": "Проверить доверие браузера", "en": "Check browser trust"},
	"tray-settings":        {"kk": "Баптаулар…", "ru": "Настройки…", "en": "Settings…"},
	"set-tsa":              {"kk": "Уақыт белгісі қызметі (TSA)", "ru": "Служба меток времени (TSA)", "en": "Timestamp authority (TSA)"},
	"set-timeout":          {"kk": "Сұрау күту уақыты", "ru": "Время ожидания запроса", "en": "Prompt timeout"},
	"set-modules":          {"kk": "Токен модульдері", "ru": "Модули токенов", "en": "Token modules"},
	"set-save":             {"kk": "Сақтау", "ru": "Сохранить", "en": "Save"},
	"set-invalid":          {"kk": "TSA URL немесе уақыт дұрыс емес (мысалы 5m)", "ru": "Неверный URL TSA или время (например 5m)", "en": "Check the TSA URL and the timeout (e.g. 5m)"},
	"set-saved":            {"kk": "Сақталды: келесі іске қосылғанда қолданылады", "ru": "Сохранено: вступит в силу при следующем запуске", "en": "Saved: takes effect at the next start"},
	"tray-about":           {"kk": "Бағдарлама туралы", "ru": "О программе", "en": "About"},
	"tray-quit":            {"kk": "Шығу", "ru": "Выход", "en": "Quit"},
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
// ("ru_RU.UTF-8") to kk, ru or en; "" and unknown give "".
func NormalizeLocale(l string) string {
	l = strings.ToLower(l)
	if i := strings.IndexAny(l, "_.-@"); i >= 0 {
		l = l[:i]
	}
	switch l {
	case "kk", "kz":
		return "kk"
	case "ru", "en":
		return l
	}
	return ""
}

// SystemLocale reads the OS language (the first of LC_ALL, LC_MESSAGES,
// LANG that is set): kk, ru or en; the C/POSIX locale is English; any
// other language, or none set, is Kazakh.
func SystemLocale() string {
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
		return "kk"
	}
	return "kk"
}
