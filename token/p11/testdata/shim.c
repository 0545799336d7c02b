/* A PKCS#11 module for tests: it forwards to the module named by
 * SHIM_REAL_MODULE (SoftHSM2) and can misbehave on demand, as real tokens
 * do but SoftHSM2 cannot:
 *   SHIM_PIN_LOCKED=1   C_Login fails with CKR_PIN_LOCKED and the token
 *                       reports CKF_USER_PIN_LOCKED (SoftHSM2 never locks);
 *   SHIM_HANG_SIGN=N    C_Sign sleeps N seconds first (a stuck driver). */
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

#define CK_PTR *
#define CK_DECLARE_FUNCTION(returnType, name) returnType name
#define CK_DECLARE_FUNCTION_POINTER(returnType, name) returnType (*name)
#define CK_CALLBACK_FUNCTION(returnType, name) returnType (*name)
#ifndef NULL_PTR
#define NULL_PTR 0
#endif
#include "pkcs11.h"

static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST shim;

static CK_RV shim_Login(CK_SESSION_HANDLE h, CK_USER_TYPE u, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	if (getenv("SHIM_PIN_LOCKED"))
		return CKR_PIN_LOCKED;
	return real->C_Login(h, u, pin, len);
}

static CK_RV shim_GetTokenInfo(CK_SLOT_ID s, CK_TOKEN_INFO_PTR info)
{
	CK_RV rv = real->C_GetTokenInfo(s, info);
	if (rv == CKR_OK && getenv("SHIM_PIN_LOCKED"))
		info->flags |= CKF_USER_PIN_LOCKED;
	return rv;
}

static CK_RV shim_Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dl, CK_BYTE_PTR sig, CK_ULONG_PTR sl)
{
	const char *hang = getenv("SHIM_HANG_SIGN");
	if (hang)
		sleep((unsigned)atoi(hang));
	return real->C_Sign(h, d, dl, sig, sl);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR pp)
{
	if (!real) {
		const char *path = getenv("SHIM_REAL_MODULE");
		void *lib = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
		CK_C_GetFunctionList gfl;
		if (!lib)
			return CKR_GENERAL_ERROR;
		gfl = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
		if (!gfl || gfl(&real) != CKR_OK)
			return CKR_GENERAL_ERROR;
		shim = *real;
		shim.C_Login = shim_Login;
		shim.C_GetTokenInfo = shim_GetTokenInfo;
		shim.C_Sign = shim_Sign;
	}
	*pp = &shim;
	return CKR_OK;
}
