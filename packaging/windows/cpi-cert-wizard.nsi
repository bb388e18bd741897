; NSIS 3 script: the Windows installer for the one-folder bundle built by packaging/cpi-cert-wizard.spec.
;
;   makensis -DVERSION=0.1.0 -DBUNDLE=dist\cpi-cert-wizard -DOUTFILE=dist\cpi-cert-wizard-0.1.0-windows-x64-setup.exe ^
;            -DINSTALLED_KB=180000 -DICON=build\cpi-cert-wizard\cpi-cert-wizard.ico packaging\windows\cpi-cert-wizard.nsi
;
; packaging/build-windows runs it on Linux (Debian's makensis); the hosted workflow on Windows.
; Installs per user, without administrator rights, into %LOCALAPPDATA%\Programs\cpi-cert-wizard:
; the windowed program, the console twin cpi-cert-wizard-cli.exe beside it, a Start-menu entry and
; an uninstaller listed in Settings > Apps (HKCU). Silent: `setup.exe /S` (and `/D=C:\path` as the
; last argument for another folder); `uninstall.exe /S` removes it again. The user's profiles
; (%LOCALAPPDATA%\cpi-cert-wizard) and keyring entries are never touched by either. The installer's
; language follows Windows' display language (English, German, French, Spanish, Japanese).

Unicode true
Target amd64-unicode
ManifestDPIAware true
ManifestSupportedOS all
SetCompressor /SOLID lzma
SetDatablockOptimize on
RequestExecutionLevel user

!ifndef VERSION
  !error "VERSION missing: makensis -DVERSION=x.y.z ..."
!endif
!ifndef BUNDLE
  !define BUNDLE "..\..\dist\cpi-cert-wizard"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\cpi-cert-wizard-${VERSION}-windows-x64-setup.exe"
!endif
!ifndef INSTALLED_KB
  !define INSTALLED_KB 0
!endif

!define APPNAME "CPI Certificate Wizard"
!define APPID "cpi-cert-wizard"
!define APPEXE "cpi-cert-wizard.exe"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPID}"
InstallDirRegKey HKCU "Software\${APPID}" "InstallDir"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1033 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APPNAME} ${VERSION} setup"
VIAddVersionKey /LANG=1033 "LegalCopyright" "Apache License 2.0"

!include "MUI2.nsh"
!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APPEXE}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "German"
!insertmacro MUI_LANGUAGE "French"
!insertmacro MUI_LANGUAGE "Spanish"
!insertmacro MUI_LANGUAGE "Japanese"

Section "${APPNAME}" main
  SectionIn RO
  SetShellVarContext current
  ; An upgrade replaces the whole bundle: no stale Qt plugin or library of an older version.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${APPEXE}" "" "$INSTDIR\${APPEXE}" 0
  WriteRegStr HKCU "Software\${APPID}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "cpi-cert-wizard"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${APPEXE}"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" ${INSTALLED_KB}
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\cpi-cert-wizard.exe"
  Delete "$INSTDIR\cpi-cert-wizard-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${APPID}"
SectionEnd
