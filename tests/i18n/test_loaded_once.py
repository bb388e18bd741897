"""Each catalogue is read once per process: the command line's language choice and the GUI that
it starts share the same QTranslator (issue 19: translations loaded once)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from wizard import language


def test_the_gui_installs_the_catalogue_the_command_line_already_read(catalogues, qapp):
    assert language.install_for_command_line("de") == "de"
    read_by_cli = language.load_catalogue("de")
    assert read_by_cli is not None
    app = QApplication.instance()
    installed = language.install_for_application(app, "de")
    try:
        assert any(t is read_by_cli for t in installed)
        assert language.load_qt_catalogue("de") is language.load_qt_catalogue("de")
    finally:
        for translator in installed + language.install_for_application(app, "en"):
            app.removeTranslator(translator)  # English texts and formats for the next tests
