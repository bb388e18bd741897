"""The window on small and scaled screens, and its size and place remembered between runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSize

from .conftest import open_window

MEASURE = """
import tempfile
from pathlib import Path
from PySide6.QtWidgets import QWizard
from wizard.ui.app import create_application, build_window, GuiOptions
from wizard.ui.screenshots import wait_until, _memory_keyring
app = create_application(["wizard"], None)
screen = app.primaryScreen().availableGeometry()
window = build_window(GuiOptions(home=Path(tempfile.mkdtemp()), keyring=_memory_keyring()))
window.show()
wait_until(lambda: window._painted and window.ready)
buttons = [window.button(w) for w in (QWizard.WizardButton.NextButton,
                                       QWizard.WizardButton.CancelButton)]
lowest = max(b.mapToGlobal(b.rect().bottomLeft()).y() for b in buttons)
print(screen.height(), window.geometry().bottom(), lowest, flush=True)
window.shutdown()
"""


def test_at_scale_2_on_a_1000_pixel_screen_back_next_and_cancel_stay_on_it(tmp_path: Path):
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "laptop", "x": 0, "y": 0, "width": 1600, "height": 1000, "dpr": 1}
                ]
            }
        )
    )
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR="2")
    out = subprocess.run(
        [sys.executable, "-c", MEASURE], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    screen_height, window_bottom, buttons_bottom = map(int, out.stdout.split()[-3:])
    assert screen_height == 500  # 1000 pixels at scale 2
    assert window_bottom < screen_height
    assert buttons_bottom < screen_height


def test_the_window_reopens_with_the_size_and_place_it_was_closed_with(qtbot, home, memory_keyring):
    first = open_window(qtbot, home, memory_keyring)
    first.resize(QSize(790, 580))
    first.move(40, 30)
    first.close()
    second = open_window(qtbot, home, memory_keyring)
    assert second.size() == QSize(790, 580)
    second.shutdown()
