"""Replaces PyInstaller's hook for PySide6.QtWidgets: only the Qt plugins and translations we ship."""

from qt_subset import hook  # noqa: F401 (packaging/hooks is put on sys.path by the spec)
