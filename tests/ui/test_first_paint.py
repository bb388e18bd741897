"""The first paint: the real window with the start page's heading, in the user's language, at once;
the list of sender systems fills in right after, in the same window (issue 19).

Run in a new process, as a user starts the program: what was loaded by the first paint can only be
seen in a fresh interpreter. Timings are in bench/bench_gui_start.py, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QWizard
from wizard.ui.app import GuiOptions, build_window, create_application
from wizard.ui.screenshots import wait_until, _memory_keyring

app = create_application(["wizard"], sys.argv[2])
seen = {}
window = None

def at_first_paint():
    page = window.currentPage()
    seen["first"] = {
        "title": page.title(),
        "subtitle": page.subTitle(),
        "next_enabled": window.button(QWizard.WizardButton.NextButton).isEnabled(),
        "visible": window.isVisible(),
        "loaded": sorted(
            name for name in ("cryptography", "wizard.ui.pages.start",
                              "wizard.ui.widgets.profile_table", "wizard.core.enrollment")
            if name in sys.modules
        ),
    }

window = build_window(GuiOptions(home=Path(sys.argv[1]), keyring=_memory_keyring()),
                      on_first_paint=at_first_paint)
window.ask_before_closing = False
window.show()
wait_until(lambda: window.ready and window.start_page.rows_loaded_once)
start = window.start_page
start.list.setFocus()
start.list.setCurrentIndex(start.proxy.index(0, 0))
seen["after"] = {
    "same_window_page": window.currentPage() is start,
    "title": start.title(),
    "subtitle": start.subTitle(),
    "rows": start.proxy.rowCount(),
    "next_enabled": window.button(QWizard.WizardButton.NextButton).isEnabled(),
}
window.shutdown()
print(json.dumps(seen, ensure_ascii=False), flush=True)
"""


def _run(home: Path, lang: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(home), lang],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_first_paint_shows_the_start_page_heading_in_german_and_the_list_follows(
    tmp_path: Path,
):
    from wizard.core.profiles import ProfileStore

    home = tmp_path / "home"
    ProfileStore(home).create("erp-prod")
    seen = _run(home, "de")
    first, after = seen["first"], seen["after"]
    assert first["visible"]
    assert first["title"] == after["title"] == "Sendersysteme"
    assert first["subtitle"] == after["subtitle"]
    assert "Profil" in first["subtitle"]  # German, not the English source
    assert not first["next_enabled"]  # nothing can be done before the list is there
    # nothing but the heading was waited for: the crypto engine and the list's widgets load
    # after the paint (the keyring too, but this test's memory keyring is made before)
    assert first["loaded"] == []
    assert after["same_window_page"]
    assert after["rows"] == 1
    assert after["next_enabled"]  # the real start page took over the same window
