"""Run-time hook in place of PyInstaller's pyi_rth_pyside6 (the spec drops that one).

PyInstaller's hook imports PySide6.QtCore at every start, to see whether Qt's prefix needs an
embedded qt.conf: 100-250 ms before the first line of our code, for every command line call too
(issue 19). PyPI's PySide6 registers that qt.conf itself when QtCore loads, so the check has
nothing to do; what is left is the environment it sets, set here without importing Qt.
"""

import os
import sys


def _qt_paths() -> None:
    base = sys._MEIPASS  # type: ignore[attr-defined]
    qt = (
        os.path.join(base, "PySide6")
        if sys.platform == "win32"
        else os.path.join(base, "PySide6", "Qt")
    )
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt, "qml")
    if sys.platform == "win32":  # Qt's network module finds OpenSSL's DLLs beside the program
        os.environ["PATH"] = base + os.pathsep + os.environ.get("PATH", "")


_qt_paths()
del _qt_paths
