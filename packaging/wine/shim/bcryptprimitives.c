/* Test-only stand-in for Windows 10's bcryptprimitives.dll, which Wine 8 lacks.
 *
 * Rust's standard library (inside cryptography's _rust.pyd) imports
 * bcryptprimitives.dll!ProcessPrng; without this DLL the Windows Python under Wine cannot import
 * cryptography. packaging/wine/prepare builds it with mingw-w64 into the Wine prefix's system32.
 * It is never shipped: real Windows has the real DLL, and PyInstaller does not collect DLLs from
 * system32. ProcessPrng fills the buffer from RtlGenRandom (advapi32!SystemFunction036), Wine's
 * CSPRNG, and like the real one it never fails. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            ExitProcess(0xC0000001u); /* the real ProcessPrng cannot fail either */
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
