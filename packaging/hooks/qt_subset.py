"""PyInstaller's collection of a PySide6 module, cut down to the Qt plugins and translations we ship.

Used by the hook-PySide6.*.py files beside it, which replace PyInstaller's own hooks of the same
name. Filtering here, before PyInstaller resolves shared-library dependencies, keeps out not only
the plugins we do not load but also what only they need (the GTK stack behind platformthemes/gtk3,
Qt Quick behind the virtual keyboard, libQt6WaylandClient, ...). The lists come from the spec
(hooksconfig "cpi-cert-wizard": "qt_plugins" as "type/name", "qt_translations" as file names).
"""

from __future__ import annotations

import os

from PyInstaller.utils.hooks import get_hook_config
from PyInstaller.utils.hooks.qt import add_qt6_dependencies


def plugin_id(dest_dir: str, src: str) -> str | None:
    """`type/name` of a Qt plugin (`platforms/qxcb` for .../plugins/platforms/libqxcb.so), else None."""
    parts = dest_dir.replace("\\", "/").split("/")
    if "plugins" not in parts[:-1]:
        return None
    kind = parts[parts.index("plugins") + 1]
    stem = os.path.basename(src).split(".")[0]
    if stem.startswith("lib") and not src.lower().endswith(".dll"):
        stem = stem[3:]
    return f"{kind}/{stem}"


def hook(hook_api) -> None:
    config = "cpi-cert-wizard"
    plugins = set(get_hook_config(hook_api, config, "qt_plugins") or ())
    translations = set(get_hook_config(hook_api, config, "qt_translations") or ())
    hiddenimports, binaries, datas = add_qt6_dependencies(f"hook-{hook_api.__name__}.py")
    kept_binaries = [
        (src, dest) for src, dest in binaries if plugin_id(dest, src) in (None, *plugins)
    ]
    kept_datas = [
        (src, dest)
        for src, dest in datas
        if not src.endswith(".qm") or os.path.basename(src) in translations
    ]
    hook_api.add_imports(*hiddenimports)
    hook_api.add_binaries(kept_binaries)
    hook_api.add_datas(kept_datas)
