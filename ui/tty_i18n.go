package ui

// The terminal prompter's own words (its prompts); everything else it
// says is the dialog model's, from the same catalog.
func init() {
	for k, v := range map[string]map[string]string{
		"tty-choice":         {"kk": "Нөмірі: ", "ru": "Номер: ", "en": "Number: "},
		"tty-store":          {"kk": "Кілт қоймасының нөмірі (0 — бас тарту): ", "ru": "Номер хранилища ключей (0 — отмена): ", "en": "Key store number (0 to cancel): "},
		"tty-key":            {"kk": "Кілт нөмірі (0 — қоймаларға оралу): ", "ru": "Номер ключа (0 — назад к хранилищам): ", "en": "Key number (0 to go back to the stores): "},
		"tty-not-selectable": {"kk": "Бұл кілтті таңдауға болмайды: астында себебі жазылмаған кілтті таңдаңыз", "ru": "Этот ключ выбрать нельзя: выберите ключ без причины под ним", "en": "This key cannot be chosen: pick one without a reason under it"},
		"tty-yes":            {"kk": "иә", "ru": "да", "en": "yes"},
		"tty-confirm":        {"kk": "%s? «%s» деп жазып, Enter басыңыз: ", "ru": "%s? Введите «%s» и нажмите Enter: ", "en": "%s? Type “%s” and press Enter: "},
		"tty-too-fast":       {"kk": "Тым жылдам: сұрауды оқып, қайта жауап беріңіз", "ru": "Слишком быстро: прочитайте запрос и ответьте снова", "en": "Too fast: read the request, then answer again"},
		"tty-retry":          {"kk": "1 — қайталау, 0 — бас тарту: ", "ru": "1 — повторить, 0 — отмена: ", "en": "1 to try again, 0 to cancel: "},
		"tty-file":           {"kk": "%s файл сұрайды (*.%s, %s ішінен). Жолы немесе бос Enter — бас тарту: ", "ru": "%s запрашивает файл (*.%s, из %s). Путь или пустой Enter — отмена: ", "en": "%s asks for a file (*.%s, from %s). Path, or empty to cancel: "},
		"tty-no-stores":      {"kk": "Бұл сайт рұқсат ететін кілт қоймаларының ешқайсысы қолжетімді емес.", "ru": "Нет ни одного хранилища ключей, которое разрешает этот сайт.", "en": "None of the key stores this site allows is available."},
	} {
		catalog[k] = v
	}
}
