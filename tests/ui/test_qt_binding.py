"""The Qt binding the wizard runs on must not crash a long session.

PySide6 6.12.0 (abi3) on Python 3.11 dropped one reference to None on every call that returns
nothing; after a few thousand label updates the interpreter aborted with "none_dealloc". The
pin in pyproject.toml keeps that version out; this test catches a binding that does it again.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_ten_thousand_label_updates_leave_none_alone(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(10_000):
        label.setText(str(i % 10))
    assert abs(sys.getrefcount(None) - before) < 1_000
