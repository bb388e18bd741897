"""Where the GUI thread's stalls come from: the sandbox tour with a stack sampler.

    python3 bench/stall_profile.py [--over 16] [--depth 6]

Walks the same sandbox flow as `bench_gui_start.py --tours` (offscreen, in-memory keyring) with
a 5 ms timer on the GUI thread and a sampler thread that notes every thread's Python stack each
millisecond. For each stall longer than --over ms it prints the page interval it fell in, its
length, and the stacks seen during it: the GUI thread's (what ran there) and the others' (a worker
holding the GIL in C code starves the GUI thread too). A finding tool, not a figure: the sampler
itself needs the GIL, so it adds a little to every stall. On Linux each stall also says how long
the GUI thread was on a CPU, waiting for one (the machine's load) or blocked (the GIL, I/O), from
/proc/self/task/<id>/schedstat.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _stack(frame, depth: int) -> str:
    parts = []
    while frame is not None and len(parts) < depth:
        code = frame.f_code
        name = code.co_filename
        short = name.split("/wizard/", 1)[-1] if "/wizard/" in name else Path(name).name
        parts.append(f"{short}:{frame.f_lineno}:{code.co_name}")
        frame = frame.f_back
    return " < ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--over", type=float, default=16.0)
    parser.add_argument("--depth", type=int, default=6)
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QThreadPool, QTimer

    from wizard.core.secrets import MemoryKeyring
    from wizard.ui.app import GuiOptions, build_window, create_application
    from wizard.ui.screenshots import tour, wait_until

    create_application([sys.argv[0]], None)
    main_id = threading.get_ident()
    samples: list[tuple[float, str, list[str]]] = []
    stop = threading.Event()

    def sampler() -> None:
        me = threading.get_ident()
        while not stop.is_set():
            now = time.perf_counter()
            frames = sys._current_frames()
            gui = _stack(frames.get(main_id), args.depth)
            others = [_stack(f, 3) for ident, f in frames.items() if ident not in (main_id, me)]
            # Hold no frame while sleeping: a frame keeps its locals alive, and a QPainter kept
            # past its paintEvent would end on this thread (Qt warns, and it can crash).
            del frames
            samples.append((now, gui, others))
            time.sleep(0.001)

    gaps: list[tuple[float, float, tuple[float, float]]] = []
    last = [0.0, (0.0, 0.0)]
    schedstat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")

    def sched() -> tuple[float, float]:
        """The GUI thread's time on a CPU and waiting for one (run queue), in ms (Linux)."""
        try:
            on_cpu, queued = schedstat.read_text().split()[:2]
        except (OSError, ValueError):
            return (0.0, 0.0)
        return (int(on_cpu) / 1e6, int(queued) / 1e6)

    def tick() -> None:
        now, times = time.perf_counter(), sched()
        if (now - last[0]) * 1000 - 5 > args.over:
            gaps.append((last[0], now, (times[0] - last[1][0], times[1] - last[1][1])))
        last[0], last[1] = now, times

    marks: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as home:
        window = build_window(GuiOptions(home=Path(home), keyring=MemoryKeyring()))
        window.show()
        wait_until(lambda: window._painted)
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(tick)
        last[0], last[1] = time.perf_counter(), sched()
        timer.start()
        thread = threading.Thread(target=sampler, daemon=True)
        thread.start()
        tour(window, shot=lambda step: marks.append((time.perf_counter(), step.name)))
        stop.set()
        timer.stop()
        window.shutdown()
        QThreadPool.globalInstance().waitForDone(30000)

    def page_of(t: float) -> str:
        for when, name in marks:
            if t <= when:
                return name
        return "after"

    for start, end, (on_cpu, queued) in gaps:
        ms = (end - start) * 1000 - 5
        print(
            f"\n== {ms:.0f} ms stall, noted with page {page_of(end)}: GUI thread {on_cpu:.0f} ms on a "
            f"CPU, {queued:.0f} ms waiting for a CPU, the rest blocked (GIL, I/O)"
        )
        inside = [s for s in samples if start <= s[0] <= end]
        gui = collections.Counter(s[1] for s in inside)
        other = collections.Counter(o for s in inside for o in s[2] if "wait" not in o)
        print(f"  {len(inside)} samples; GUI thread:")
        for stack, n in gui.most_common(4):
            print(f"    {n:3d}  {stack}")
        print("  other threads (not waiting):")
        for stack, n in other.most_common(4):
            print(f"    {n:3d}  {stack}")


if __name__ == "__main__":
    main()
