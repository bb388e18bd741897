"""The floor for the first window: a bare PySide6 QWizard with three pages, nothing else.

python3 bench/bare_qwizard.py      (bench_gui_start.py starts it under Xvfb beside the wizard)
"""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWizard, QWizardPage


def page(title: str) -> QWizardPage:
    result = QWizardPage()
    result.setTitle(title)
    layout = QVBoxLayout(result)
    layout.addWidget(QLabel(f"{title}: a bare page"))
    return result


def main() -> int:
    app = QApplication(sys.argv)
    wizard = QWizard()
    wizard.setWindowTitle("bare QWizard")
    for title in ("One", "Two", "Three"):
        wizard.addPage(page(title))
    wizard.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
