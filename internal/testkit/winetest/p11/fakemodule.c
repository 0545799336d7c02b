/* A minimal PKCS#11 module for the Windows tests, built with mingw: one
   slot holding one token ("KAZTOKEN TEST", its PIN count low), no objects,
   no mechanisms. It checks what a real vendor DLL needs of the agent on
   Windows: being found in System32 or the vendor's Program Files folder,
   loaded, and read across Cryptoki's packed Windows structures. It cannot
   log in or sign. */
#include <windows.h>
#include <stddef.h>
#include <string.h>

#define CK_PTR *
#define CK_DEFINE_FUNCTION(r, n) r n
#define CK_DECLARE_FUNCTION(r, n) r n
#define CK_DECLARE_FUNCTION_POINTER(r, n) r (*n)
#define CK_CALLBACK_FUNCTION(r, n) r (*n)
#define NULL_PTR 0
#pragma pack(push, cryptoki, 1)
#include "pkcs11.h"
#pragma pack(pop, cryptoki)

#define SLOT 7

static CK_RV unsupported(void) { return CKR_FUNCTION_NOT_SUPPORTED; }

static void pad(CK_UTF8CHAR *dst, const char *s, size_t n) {
	size_t l = strlen(s);
	memset(dst, ' ', n);
	memcpy(dst, s, l < n ? l : n);
}

static CK_RV Initialize(CK_VOID_PTR args) { (void)args; return CKR_OK; }
static CK_RV Finalize(CK_VOID_PTR res) { (void)res; return CKR_OK; }

static CK_RV GetInfo(CK_INFO_PTR p) {
	memset(p, 0, sizeof *p);
	p->cryptokiVersion.major = 2;
	p->cryptokiVersion.minor = 40;
	pad(p->manufacturerID, "qoltanba tests", 32);
	pad(p->libraryDescription, "fake token module", 32);
	p->libraryVersion.major = 1;
	return CKR_OK;
}

static CK_RV GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
	(void)present;
	if (list == NULL) { *count = 1; return CKR_OK; }
	if (*count < 1) { *count = 1; return CKR_BUFFER_TOO_SMALL; }
	list[0] = SLOT;
	*count = 1;
	return CKR_OK;
}

static CK_RV GetSlotInfo(CK_SLOT_ID id, CK_SLOT_INFO_PTR p) {
	if (id != SLOT) return CKR_SLOT_ID_INVALID;
	memset(p, 0, sizeof *p);
	pad(p->slotDescription, "fake reader", 64);
	pad(p->manufacturerID, "qoltanba tests", 32);
	p->flags = CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE | CKF_HW_SLOT;
	return CKR_OK;
}

static CK_RV GetTokenInfo(CK_SLOT_ID id, CK_TOKEN_INFO_PTR p) {
	if (id != SLOT) return CKR_SLOT_ID_INVALID;
	memset(p, 0, sizeof *p);
	pad(p->label, "KAZTOKEN TEST", 32);
	pad(p->manufacturerID, "qoltanba tests", 32);
	pad(p->model, "Kaztoken", 16);
	pad(p->serialNumber, "0123456789", 16);
	p->flags = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_USER_PIN_COUNT_LOW;
	p->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
	p->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
	p->ulMaxPinLen = 16;
	p->ulMinPinLen = 4;
	p->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
	p->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
	p->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
	p->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
	return CKR_OK;
}

static CK_RV GetMechanismList(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
	(void)id; (void)list;
	*count = 0;
	return CKR_OK;
}

static CK_FUNCTION_LIST functions;

__declspec(dllexport) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR pp) {
	/* Every entry "not supported" first, then the few this module has. */
	char *first = (char *)&functions.C_Initialize;
	size_t n = (sizeof functions - offsetof(CK_FUNCTION_LIST, C_Initialize)) / sizeof(void *);
	for (size_t i = 0; i < n; i++) {
		void *f = (void *)unsupported;
		memcpy(first + i * sizeof(void *), &f, sizeof f);
	}
	functions.version.major = 2;
	functions.version.minor = 40;
	functions.C_Initialize = Initialize;
	functions.C_Finalize = Finalize;
	functions.C_GetInfo = GetInfo;
	functions.C_GetFunctionList = C_GetFunctionList;
	functions.C_GetSlotList = GetSlotList;
	functions.C_GetSlotInfo = GetSlotInfo;
	functions.C_GetTokenInfo = GetTokenInfo;
	functions.C_GetMechanismList = GetMechanismList;
	*pp = &functions;
	return CKR_OK;
}
