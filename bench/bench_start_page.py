"""The start page with 1,000 sender systems: time to first paint and to all rows loaded.

    python3 bench/bench_start_page.py [--profiles N] [--runs R] [--chunk C]

A fleet of N profiles (tests/ui/fleet.py: profile.json files and twenty real certificates from the
test PKI), then R fresh wizard windows in one process (offscreen; the first run, which imports
the modules and warms the page cache, is not counted). Each run is timed from `show()`:

- window painted: the window's first paint (the list is read only after it);
- names painted:  the list's first paint showing all N names (store.names() on a worker);
- all rows:       every row read (flow.profile_rows on workers, a chunk of C per job) and shown;
- longest stall:  the longest gap of a 5 ms timer on the GUI thread from show() to all rows.

Then the core listing behind it, in-process (median of R): store.names(), flow.profile_rows()
for all N, and the artefact lookup of each profile done the previous way (a stat per artefact,
16 each) against flow.present_artefacts (one directory listing each).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.fleet import make_fleet
from wizard.core import flow
from wizard.core.flow import Step
from wizard.core.profiles import Artefact, ProfileStore
from wizard.ui.app import GuiOptions, build_window
from wizard.ui.pages import start
from wizard.ui.stall import StallMeter


def wait_for(signal, timeout_ms: int = 60000) -> None:
    """Run the event loop until `signal` fires (no processEvents() spinning)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def one_run(home: Path, count: int) -> dict[str, float]:
    marks: dict[str, float] = {}
    pages: list = []

    def first_paint() -> None:
        marks.setdefault("window", time.perf_counter())

    def painted() -> None:
        page = pages[0]
        if "names" not in marks and page.model.rowCount() == count:
            marks["names"] = time.perf_counter()

    def start_page_built() -> None:  # after build_window's own handler built it
        pages.append(window.pages[Step.START])
        pages[0].list.painted.connect(painted)
        if pages[0].rows_loaded_once:
            loaded.quit()
        pages[0].rows_loaded.connect(loaded.quit)

    window = build_window(GuiOptions(home=home, keyring=NoKeyring()), on_first_paint=first_paint)
    window.first_painted.connect(start_page_built)
    loaded = QEventLoop()
    meter = StallMeter()
    meter.start()
    shown = time.perf_counter()
    window.show()
    QTimer.singleShot(60000, loaded.quit)
    loaded.exec()
    page = pages[0]
    loaded = time.perf_counter()
    longest = meter.stop()
    if len(page.rows) != count:
        raise SystemExit(f"only {len(page.rows)} of {count} rows were read")
    window.shutdown()
    window.close()
    window.deleteLater()
    QThreadPool.globalInstance().waitForDone()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return {
        "window painted": (marks["window"] - shown) * 1000,
        "names painted": (marks["names"] - shown) * 1000,
        "all rows": (loaded - shown) * 1000,
        "longest stall": longest,
    }


def stat_per_artefact(store: ProfileStore, name: str) -> list[Artefact]:
    """How flow.read_progress looked the files up before: Path.exists for each artefact."""
    return [a for a in Artefact if store.path(name, a).exists()]


def median_ms(function, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=start.CHUNK, help="profiles per worker job")
    args = parser.parse_args()
    start.CHUNK = args.chunk
    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        made = time.perf_counter()
        fleet = make_fleet(home, args.profiles, broken=args.profiles // 2)
        print(
            f"{args.profiles} profiles written in {time.perf_counter() - made:.2f} s "
            f"(one unreadable); chunks of {args.chunk}; offscreen; Python {sys.version.split()[0]}"
        )
        one_run(home, args.profiles)  # not counted: imports, page cache
        runs = [one_run(home, args.profiles) for _ in range(args.runs)]
        print(f"\nstart page, {args.profiles} profiles (median of {args.runs} windows, ms)")
        for key in runs[0]:
            values = [run[key] for run in runs]
            print(
                f"  {key:<16} {statistics.median(values):8.1f}"
                f"   (min {min(values):.1f}, max {max(values):.1f})"
            )

        leaf = next(p for p in (home / "profiles").glob(f"*/{Artefact.CHAIN.value}"))
        sample = min(args.profiles, 100)  # the loop is linear: time 100, scale to N
        loop = (
            f"for i in $(seq {sample}); do openssl x509 -noout -subject -enddate -in {leaf} "
            ">/dev/null || exit 1; done"
        )
        started = time.perf_counter()
        subprocess.run(["sh", "-c", loop], check=True)
        anchor = (time.perf_counter() - started) * 1000 * args.profiles / sample
        rows_ms = statistics.median(run["all rows"] for run in runs)
        print(
            f"  anchor: {args.profiles} x openssl x509 -subject -enddate {anchor:8.1f}"
            f"   ratio all rows/anchor {rows_ms / anchor:.2f}"
        )

        store = ProfileStore(home)
        names = [n for n in fleet.names if n != fleet.broken]
        print(f"\ncore listing, in-process (median of {args.runs}, ms)")
        rows = median_ms(lambda: flow.profile_rows(store), args.runs)
        old = median_ms(lambda: [stat_per_artefact(store, n) for n in names], args.runs)
        new = median_ms(lambda: [flow.present_artefacts(store.folder(n)) for n in names], args.runs)
        print(f"  {'store.names()':<34} {median_ms(store.names, args.runs):8.1f}")
        print(f"  {'flow.profile_rows() (all)':<34} {rows:8.1f}")
        print(f"  {'artefacts: a stat per artefact':<34} {old:8.1f}")
        print(f"  {'artefacts: one listing per folder':<34} {new:8.1f}   ({old / new:.1f}x faster)")
    del app


if __name__ == "__main__":
    main()
