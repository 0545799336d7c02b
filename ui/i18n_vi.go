package ui

// Vietnamese (issue 25): the dialogs' words in their own file, merged into
// the catalog at start, so the kk/ru/en tables stay as they are. Worded as
// Vietnam's public-service portals word them ("Chữ ký số", "Đăng nhập",
// "USB ký số"); the fmt verbs are the English text's, in its order.

// strayWords are translations whose key no catalog has (a key renamed or
// removed there): a test fails on any.
var strayWords []string

// addWords merges one language's words (key -> text) into table.
func addWords(table map[string]map[string]string, locale string, words map[string]string) {
	for k, v := range words {
		m, ok := table[k]
		if !ok {
			strayWords = append(strayWords, locale+": "+k)
			continue
		}
		m[locale] = v
	}
}

func init() {
	addWords(catalog, "vi", viDialog)
	LanguageNames["vi"] = "Tiếng Việt"
}

// viDialog: the dialogs, the first-use question, the tray and settings.
var viDialog = map[string]string{
	// Windows and who asks
	"title-site":       "qoltanba — %s",
	"title":            "qoltanba — chữ ký số",
	"local-program":    "một chương trình trên máy",
	"site-local":       "Yêu cầu đến từ một chương trình trên máy tính này, không phải từ trình duyệt",
	"site-known":       "Trang web đã biết: %s",
	"site-unknown":     "qoltanba không biết trang web này: hãy chắc chắn rằng bạn tin tưởng nó",
	"site-lookalike":   "Đây KHÔNG phải %s",
	"why-not-https":    "%[1]s luôn mở qua https trên cổng riêng của mình; địa chỉ này thì khác",
	"why-contains":     "%s chỉ là một phần của địa chỉ: thực ra đây là trang %s",
	"why-prefix":       "%s bị thêm một từ hoặc dấu gạch nối (%s)",
	"why-one-edit":     "địa chỉ chỉ khác %s một hoặc hai chữ cái (%s)",
	"why-swapped":      "%s bị đổi chỗ hai chữ cái (%s)",
	"why-confusable":   "địa chỉ dùng chữ cái hoặc chữ số chỉ trông giống chữ của %s (%s)",
	"why-other-script": "chữ cái có dấu hoặc của bảng chữ cái khác, trông giống %s (%s)",
	"why-other-suffix": "tên của %s nhưng với đuôi tên miền khác (%s)",
	"punycode-note":    "địa chỉ được hiển thị dạng punycode; bằng chữ: %s",
	"punycode-only":    "địa chỉ được hiển thị dạng punycode: hiển thị các chữ cái của nó không an toàn",
	"not-secure":       "kết nối không an toàn (http)",
	"port-note":        "cổng %d",
	"waiting":          "Còn %d yêu cầu đang chờ",

	// First-use question
	"consent":              "Cho phép %s yêu cầu chữ ký số của bạn?",
	"allow-once":           "Cho phép một lần",
	"allow-once-explain":   "Chỉ cho yêu cầu này; lần sau sẽ hỏi lại",
	"allow-always":         "Luôn cho phép",
	"allow-always-explain": "Không hỏi lại với trang này; bạn vẫn tự nhập mật khẩu và xác nhận từng lần ký",
	"block":                "Chặn",
	"block-explain":        "Luôn từ chối yêu cầu của trang này (có thể thay đổi trong mục “Trang web được phép” của menu)",
	"safety-tip":           "Không bao giờ giao tệp khóa, USB ký số, mật khẩu hay mã PIN cho người khác — cơ quan nhà nước và nhà cung cấp chữ ký số không bao giờ yêu cầu.",

	// What is asked
	"heading-login":   "Đăng nhập vào %s",
	"heading-sign":    "Ký dữ liệu cho %s",
	"heading-signN":   "Ký %d tài liệu cho %s",
	"heading-hash":    "Ký mã băm tài liệu cho %s",
	"heading-keyinfo": "Chọn khóa cho %s",
	"heading-file":    "Ký tệp cho %s",
	"what":            "Nội dung được ký",
	"doc-n":           "Tài liệu %d",
	"docs-summary":    "%d tài liệu, tổng cộng %s",
	"doc-kind-xml":    "Tài liệu XML",
	"doc-kind-text":   "Văn bản",
	"doc-kind-binary": "Dữ liệu",
	"doc-kind-hash":   "Mã băm tài liệu",
	"doc-binary":      "Dữ liệu nhị phân, %s, SHA-256 %s",
	"doc-hash":        "Mã băm: %s",
	"show-source":     "Xem mã nguồn",
	"hide-source":     "Dạng dễ đọc",
	"unit-bytes":      "byte",
	"unit-kb":         "KB",
	"unit-mb":         "MB",

	// Stores
	"store":             "Kho khóa",
	"store-file":        "Tệp khóa (PKCS#12)",
	"store-token":       "%s “%s”",
	"store-no-token":    "USB ký số (token) hoặc thẻ căn cước",
	"token-insert":      "Hãy cắm USB ký số hoặc đặt thẻ căn cước vào đầu đọc: danh sách sẽ tự cập nhật khi thiết bị xuất hiện",
	"token-locked-note": "Mã PIN của USB ký số này đã bị khóa. Hãy mở khóa bằng mã PUK hoặc tại nhà cung cấp chữ ký số.",
	"pin-state-locked":  "PIN đã bị khóa",
	"pin-state-final":   "PIN: lần thử cuối",
	"pin-state-low":     "PIN: đã từng nhập sai",
	"refresh":           "Làm mới danh sách khóa",
	"recent":            "Tệp gần đây",
	"browse":            "Chọn tệp…",
	"path":              "Đường dẫn tệp khóa",
	"password":          "Mật khẩu",
	"password-hint":     "Mật khẩu của tệp khóa, rồi nhấn Enter",
	"pin":               "Mã PIN",
	"pin-hint":          "Mã PIN của USB ký số, rồi nhấn Enter",
	"load":              "Tải khóa",
	"choose-file-first": "Hãy chọn tệp khóa trước",
	"wrong-password":    "Sai mật khẩu",
	"wrong-pin":         "Sai mã PIN",
	"wrong-pin-low":     "Sai mã PIN. Chỉ còn ít lần thử",
	"wrong-pin-final":   "Sai mã PIN. Chỉ còn một lần thử: nhập sai lần nữa, USB ký số sẽ bị khóa",
	"pin-locked":        "Mã PIN đã bị khóa. Hãy mở khóa bằng mã PUK hoặc tại nhà cung cấp chữ ký số",
	"not-key-file":      "Đây không phải tệp khóa, hoặc tệp đã bị hỏng: hãy chọn tệp .p12 (.pfx) hoặc lấy một bản sao mới",
	"load-failed":       "Không mở được khóa: %s",
	"no-keys":           "Kho này không có khóa nào",
	"no-keys-match":     "Không khóa nào phù hợp với trang web: lý do ghi dưới từng khóa",

	// Keys
	"keys":                    "Khóa",
	"keys-hint-file":          "Để xem khóa, hãy chọn tệp, nhập mật khẩu rồi nhấn Enter",
	"keys-hint-token":         "Để xem khóa, hãy nhập mã PIN rồi nhấn Enter",
	"key-iin":                 "Mã định danh %s",
	"key-org":                 "%s, mã doanh nghiệp %s",
	"key-valid":               "hiệu lực từ %s đến %s",
	"key-issuer":              "Cấp bởi %s",
	"kind-auth":               "để đăng nhập",
	"kind-sign":               "để ký",
	"kind-both":               "để đăng nhập và ký",
	"kind-none":               "không rõ mục đích",
	"not-selectable":          "Không thể chọn: %s",
	"reason-expired":          "đã hết hạn ngày %s",
	"reason-not-yet-valid":    "chưa có hiệu lực đến ngày %s",
	"reason-not-auth":         "không phải khóa đăng nhập",
	"reason-not-sign":         "không phải khóa ký",
	"reason-eku":              "thiếu mục đích sử dụng mà trang web yêu cầu",
	"reason-iin":              "trang web yêu cầu mã định danh khác",
	"reason-bin":              "trang web yêu cầu mã doanh nghiệp khác",
	"reason-serial":           "trang web yêu cầu chứng thư số khác",
	"reason-chain":            "trang web không chấp nhận tổ chức cấp chứng thư này",
	"reason-test-key":         "không do tổ chức chứng thực chính thức cấp (khóa thử nghiệm)",
	"reason-login-key-digest": "khóa đăng nhập không ký mã băm do trang web gửi; hãy chọn khóa ký",
	"summary-sign":            "%s ký cho %s",
	"summary-login":           "%s đăng nhập vào %s",
	"summary-keyinfo":         "Đã chọn khóa của %s cho %s",

	// Buttons and what happened
	"sign-sign":          "Ký số",
	"sign-sign-hash":     "Ký số",
	"sign-sign-file":     "Ký số",
	"sign-login":         "Đăng nhập",
	"sign-key-info":      "Chọn",
	"cancel":             "Hủy",
	"retry":              "Thử lại",
	"signing":            "Đang ký…",
	"signing-n":          "Đang ký %d/%d",
	"signed-sign":        "Đã ký ✓",
	"signed-sign-hash":   "Đã ký ✓",
	"signed-sign-file":   "Đã ký ✓",
	"signed-login":       "Hoàn tất ✓",
	"signed-key-info":    "Đã chọn ✓",
	"fail-timestamp":     "Không kết nối được máy chủ cấp dấu thời gian. Hãy kiểm tra kết nối Internet rồi thử lại.",
	"fail-token-removed": "USB ký số đã bị rút ra. Hãy cắm lại rồi thử lại.",
	"fail-bad-request":   "Không thể ký tài liệu mà trang web đã gửi.",
	"fail-other":         "Ký không thành công: %s",
	"no-stores":          "Không có kho khóa nào mà trang web này cho phép",

	// The tray and settings
	"outcome-suppressed":       "trang web gửi quá nhiều yêu cầu: đã ghi nhật ký thành một dòng",
	"outcome-audit-failed":     "không ghi được nhật ký: chữ ký không được trả về",
	"outcome-ok":               "đã thực hiện",
	"outcome-canceled":         "đã hủy",
	"outcome-denied":           "trang web bị chặn",
	"outcome-timeout":          "hết thời gian chờ",
	"outcome-busy":             "đang bận",
	"outcome-too-large":        "quá lớn",
	"outcome-bad-request":      "yêu cầu không hợp lệ",
	"outcome-no-matching-key":  "không có khóa phù hợp",
	"outcome-unknown-storage":  "kho khóa không xác định",
	"outcome-wrong-pin":        "sai mã PIN hoặc mật khẩu",
	"outcome-token-locked":     "USB ký số bị khóa",
	"outcome-token-removed":    "USB ký số đã bị rút ra",
	"outcome-timestamp-failed": "không có dấu thời gian",
	"outcome-no-dialog":        "không hiển thị hộp thoại",
	"outcome-failed":           "thất bại",
	"no-desktop":               "qoltanba không thể hiển thị cửa sổ trên màn hình này. Yêu cầu của các trang web sẽ bị từ chối. Hãy khởi động lại máy tính hoặc liên hệ quản trị viên.",
	"port-busy":                "Cổng %d đang được dùng: NCALayer hoặc một qoltanba khác đang chạy?",
	"port-taken":               "Không khởi động được chương trình: %s",
	"key-line":                 "%s, mã định danh %s",
	"expired":                  "đã hết hạn",
	"reason-test":              "chứng thư số thử nghiệm",
	"sign":                     "Ký số",
	"tray-status":              "Đang lắng nghe tại wss://127.0.0.1:%d · %s",
	"tray-sites":               "Trang web được phép…",
	"tray-recent":              "Chữ ký gần đây…",
	"tray-language":            "Ngôn ngữ",
	"tray-trust":               "Kiểm tra trình duyệt đã tin cậy chưa",
	"tray-settings":            "Cài đặt…",
	"set-tsa":                  "Máy chủ cấp dấu thời gian (TSA)",
	"set-timeout":              "Thời gian chờ xác nhận",
	"set-modules":              "Mô-đun USB ký số",
	"set-save":                 "Lưu",
	"set-invalid":              "Hãy kiểm tra URL của TSA và thời gian chờ (ví dụ 5m)",
	"set-saved":                "Đã lưu: ngôn ngữ đổi ngay, các cài đặt khác áp dụng khi qoltanba khởi động lại lần sau",
	"org-managed":              "Do tổ chức của bạn quản lý",
	"org-set":                  "do tổ chức của bạn thiết lập",
	"org-keyfiles-off":         "Tổ chức của bạn đã tắt tệp khóa: hãy dùng USB ký số",
	"tray-about":               "Giới thiệu",
	"tray-quit":                "Thoát",

	// a key file that is too large or holds no key
	"key-file-too-large": "Tệp này quá lớn để là tệp khóa: hãy chọn tệp .p12 (.pfx)",
	"key-file-no-key":    "Tệp này không chứa khóa bí mật cùng chứng thư của nó: hãy chọn tệp khóa khác",

	// browser extensions as callers (issue 24)
	"site-extension":         "tiện ích mở rộng của trình duyệt %s",
	"site-extension-known":   "Tiện ích đã biết: %s",
	"site-extension-unknown": "qoltanba không biết tiện ích trình duyệt này: hãy chắc chắn rằng chính bạn đã cài đặt nó",

	// the settings window (ui.Settings)
	"set-close":            "Đóng",
	"set-config-broken":    "Không đọc được %s: hãy sửa hoặc xóa tệp, rồi lưu lại",
	"set-language-auto":    "Tự động (theo config.json, nếu không thì theo hệ thống)",
	"set-language-invalid": "Hãy chọn một ngôn ngữ trong danh sách",
	"set-language-note":    "Có hiệu lực ngay",
	"set-modules-note":     "Thay đổi trong config.json (docs/config.md)",
	"set-timeout-invalid":  "Hãy nhập thời gian từ %s đến %s, ví dụ 5m",
	"set-timeout-note":     "từ %s đến %s, ví dụ 5m",
	"set-tsa-invalid":      "Hãy nhập địa chỉ đầy đủ bắt đầu bằng http:// hoặc https://",
	"set-tsa-note":         "Chữ ký được gắn dấu thời gian từ địa chỉ này (http hoặc https)",
	"set-write-failed":     "Không ghi được cài đặt vào %s: hãy kiểm tra quyền ghi vào thư mục của nó",

	// the tray's line on updates (TrayMenu, TrayUpdate)
	"tray-update-available":         "Có bản cập nhật: %s",
	"tray-update-available-managed": "Có bản cập nhật %s — quản trị viên của bạn cập nhật qoltanba",
	"tray-update-failing":           "Không kiểm tra được bản cập nhật từ %s — qoltanba status cho biết lý do",
	"tray-update-installed":         "Đã cập nhật lên %s — sẽ khởi động lại khi không có hộp thoại nào mở",
}
