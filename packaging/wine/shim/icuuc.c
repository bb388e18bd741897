/* Test-only stand-in for Windows 10's system ICU (C:\Windows\System32\icuuc.dll), which Wine 8 lacks.
 *
 * Qt 6's QtCore (PySide6 6.11 and later) imports 20 ucnv_* functions of the system ICU for text
 * codecs beyond the built-in UTF-8/16/32 and Latin-1; without the DLL, QtCore does not load at all
 * under Wine. Here every converter is unavailable: ucnv_open fails with U_FILE_ACCESS_ERROR and
 * no converter is listed, so Qt keeps to its built-in codecs (all this program uses). The rest are
 * never reached without a converter. packaging/wine/prepare builds it with mingw-w64 into the
 * prefix's system32; it is never shipped (real Windows 10 1703 and later has the real one, and
 * PyInstaller does not collect DLLs from system32). */
#include <stddef.h>
#include <stdint.h>

typedef int UErrorCode;
#define U_FILE_ACCESS_ERROR 4
#define EXPORT __declspec(dllexport)

EXPORT void *ucnv_open(const char *name, UErrorCode *err)
{
    (void)name;
    if (err && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
    return NULL;
}
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err)
{
    (void)name; (void)standard; (void)err;
    return NULL;
}
EXPORT void ucnv_close(void *cnv) { (void)cnv; }
EXPORT void ucnv_reset(void *cnv) { (void)cnv; }
EXPORT int8_t ucnv_getMaxCharSize(const void *cnv) { (void)cnv; return 1; }
EXPORT const char *ucnv_getName(const void *cnv, UErrorCode *err) { (void)cnv; (void)err; return NULL; }
#define NOOP(name) EXPORT void name(void) {}
NOOP(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
NOOP(UCNV_TO_U_CALLBACK_SUBSTITUTE)
NOOP(ucnv_getToUCallBack)
NOOP(ucnv_getFromUCallBack)
NOOP(ucnv_setToUCallBack)
NOOP(ucnv_setFromUCallBack)
NOOP(ucnv_cbToUWriteUChars)
NOOP(ucnv_cbFromUWriteUChars)
NOOP(ucnv_toUnicode)
NOOP(ucnv_fromUnicode)
EXPORT int32_t ucnv_toUCountPending(const void *cnv, UErrorCode *err) { (void)cnv; (void)err; return 0; }
EXPORT int32_t ucnv_fromUCountPending(const void *cnv, UErrorCode *err) { (void)cnv; (void)err; return 0; }
