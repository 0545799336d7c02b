package ui

// The terminal prompter's words in Vietnamese (see i18n_vi.go). This
// file's init runs after tty_i18n.go's (files initialise in name order),
// which puts those keys into the catalog.
func init() {
	addWords(catalog, "vi", map[string]string{
		"tty-choice":         "Số: ",
		"tty-store":          "Số thứ tự kho khóa (0 để hủy): ",
		"tty-key":            "Số thứ tự khóa (0 để quay lại danh sách kho): ",
		"tty-not-selectable": "Không thể chọn khóa này: hãy chọn khóa không có lý do ghi bên dưới",
		// Written without diacritics: a terminal without a Vietnamese
		// input method can type it ("yes" is taken too).
		"tty-yes":       "co",
		"tty-confirm":   "%s? Gõ “%s” rồi nhấn Enter: ",
		"tty-too-fast":  "Quá nhanh: hãy đọc yêu cầu rồi trả lời lại",
		"tty-retry":     "1 để thử lại, 0 để hủy: ",
		"tty-file":      "%s yêu cầu một tệp (*.%s, trong %s). Nhập đường dẫn, hoặc để trống để hủy: ",
		"tty-no-stores": "Không có kho khóa nào mà trang web này cho phép.",
	})
}
