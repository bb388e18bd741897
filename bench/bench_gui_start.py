"""GUI start-up and responsiveness, side by side with XCA (a Qt 5 C++ certificate manager).

    python3 bench/bench_gui_start.py [--runs N] [--tours M] [--no-xca] [--only-tours]
                                     [--frozen build/linux/.../cpi-cert-wizard]

1. Start to first painted window, offscreen (QT_QPA_PLATFORM=offscreen): a new process each run,
   timed from spawn to the line the wizard prints at its first paint; peak RSS of the whole run
   (wait4's ru_maxrss; includes the heavy modules loaded right after the first paint).
2. Under Xvfb (one server for all runs): spawn to window mapped, found by asking
   `xdotool search --onlyvisible --pid` every 10 ms (its --sync waits in 0.5 s steps), for the
   wizard and for XCA the same way; peak RSS of each after one more second (the wizard has
   finished loading by then).
3. The longest GUI-thread stall while the sandbox flow is walked through all nine pages
   (a 5 ms timer on the GUI thread; the gap between ticks minus the interval), per page, with
   how much of the stall the GUI thread spent on a CPU (its own work) and waiting for one (the
   machine's load), from /proc/self/task/<id>/schedstat, and the GUI thread's longest run of its
   own work between two ticks ("peak on a CPU": what the program can shorten, whatever the load);
   anchor: the same meter on an idle Qt event loop in the same run.

Prints medians and the ratios wizard/XCA. Runs start with a warm page cache (the first run is
not counted), so "cold" means a new process, not an empty disk cache; byte-code is cached (in a
temporary folder) as it is for an installed package.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIZARD = [sys.executable, "-m", "wizard", "gui"]
BARE = [sys.executable, str(ROOT / "bench" / "bare_qwizard.py")]
# The operations issue 19 names, and the pages of the sandbox tour whose interval holds each one
# (the tour notes the longest stall since the previous page when it reaches a page: the key is
# generated after the KEY page is noted, so it falls in WAITING, with the sandbox CA signing; the
# test call runs on entering TEST_CALL and is noted with it or with SUMMARY).
OPERATIONS = {
    "keygen": ("WAITING",),
    "fetch": ("TRUST",),
    "import": ("CERTIFICATE",),
    "export": ("EXPORT",),
    "test call": ("TEST_CALL", "SUMMARY"),
}


# Byte-code cached as an installed package has it (pip compiles on install), but outside the
# checkout; the first, uncounted run writes it. PYTHONDONTWRITEBYTECODE would compile every module
# on every start and measure the compiler, not the program.
PYCACHE = Path(tempfile.gettempdir()) / "cpi-cert-wizard-bench-pycache"


def _env(**extra: str) -> dict[str, str]:
    dropped = ("QT_QPA_PLATFORM", "DISPLAY", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra)
    return env


def _wait(proc: subprocess.Popen) -> int:
    """Reap `proc`; return its peak RSS in MiB (ru_maxrss is in KiB on Linux)."""
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_maxrss // 1024


def first_paint_offscreen(home: Path) -> tuple[float, int]:
    env = _env(
        QT_QPA_PLATFORM="offscreen",
        CPI_CERT_WIZARD_HOME=str(home),
        CPI_CERT_WIZARD_EXIT_AFTER_PAINT="1",
    )
    started = time.perf_counter()
    proc = subprocess.Popen(WIZARD, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = proc.stdout.readline().decode()
    elapsed = time.perf_counter() - started
    if not line.startswith("first-paint"):
        proc.kill()
        raise SystemExit(f"the wizard did not report its first paint: {line!r}")
    proc.stdout.read()
    return elapsed, _wait(proc)


def mapped_under_xvfb(command: list[str], display: str, env: dict[str, str]) -> tuple[float, int]:
    env = {**env, "DISPLAY": display}
    started = time.perf_counter()
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    # xdotool's own --sync polls every half second; asking every 10 ms resolves much finer.
    while True:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--pid", str(proc.pid)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if found.returncode == 0:
            break
        if proc.poll() is not None or time.perf_counter() - started > 60:
            proc.kill()
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(command)} mapped no window (exit {proc.poll()}):\n{tail}")
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    time.sleep(1.0)  # let both settle (the wizard loads its heavy modules after the paint)
    proc.send_signal(signal.SIGTERM)
    try:
        rss = _wait(proc)
    except ChildProcessError:
        rss = 0
    return elapsed, rss


def start_xvfb() -> tuple[subprocess.Popen, str]:
    for number in range(90, 120):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        display = f":{number}"
        server = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return server, display
            time.sleep(0.05)
        server.kill()
    raise SystemExit("could not start Xvfb")


def _schedstat_path() -> Path:
    import threading

    return Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")


def _cpu_meter(interval_ms: int = 5):
    """A StallMeter that also notes, for its longest stall, how much of it the GUI thread spent
    on a CPU (its own work) and waiting for one (the machine's load), from Linux's schedstat."""
    from wizard.ui.stall import StallMeter

    class CpuStallMeter(StallMeter):
        def __init__(self) -> None:
            super().__init__(interval_ms)
            self._stat = _schedstat_path()
            self._cpu = (0.0, 0.0)
            self.longest_cpu_ms = 0.0  # on a CPU during the longest stall
            self.longest_queued_ms = 0.0  # runnable, waiting for a CPU, during it
            self.most_cpu_ms = 0.0  # the most on-CPU time inside any one stall
            self.peak_cpu_ms = 0.0  # the most on-CPU time between two ticks, stall or not

        def _read(self) -> tuple[float, float]:
            try:
                on_cpu, queued = self._stat.read_text().split()[:2]
            except (OSError, ValueError):
                return (0.0, 0.0)
            return (int(on_cpu) / 1e6, int(queued) / 1e6)

        def start(self) -> None:
            self._cpu = self._read()
            self.reset()
            super().start()

        def reset(self) -> None:
            self.longest_ms = self.longest_cpu_ms = self.longest_queued_ms = 0.0
            self.most_cpu_ms = self.peak_cpu_ms = 0.0

        def _tick(self) -> None:
            now = time.perf_counter()
            cpu = self._read()
            gap = (now - self._last) * 1000 - self.interval_ms
            on_cpu, queued = cpu[0] - self._cpu[0], cpu[1] - self._cpu[1]
            if gap > self.longest_ms:
                self.longest_cpu_ms, self.longest_queued_ms = on_cpu, queued
            if gap > 16:
                self.most_cpu_ms = max(self.most_cpu_ms, on_cpu)
            self.peak_cpu_ms = max(self.peak_cpu_ms, on_cpu)
            self._cpu = cpu
            super()._tick()

    return CpuStallMeter()


def stall_tour() -> None:
    """Child mode: walk the sandbox flow with a stall meter; print JSON (ms per page)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QThreadPool

    from wizard.core.secrets import MemoryKeyring
    from wizard.ui.app import GuiOptions, build_window, create_application
    from wizard.ui.screenshots import tour, wait_until

    create_application([sys.argv[0]], None)
    with tempfile.TemporaryDirectory() as home:
        window = build_window(GuiOptions(home=Path(home), keyring=MemoryKeyring()))
        window.show()
        meter = _cpu_meter(5)
        wait_until(lambda: window._painted)
        meter.start()
        per_page: dict[str, float] = {}
        cpu_page: dict[str, list[float]] = {}

        def shot(step) -> None:  # no picture: only note the longest stall up to this page
            per_page[step.name] = round(meter.longest_ms, 1)
            cpu_page[step.name] = [
                round(meter.longest_cpu_ms, 1),
                round(meter.longest_queued_ms, 1),
                round(meter.most_cpu_ms, 1),
                round(meter.peak_cpu_ms, 1),
            ]
            meter.reset()

        tour(window, shot=shot)
        meter.stop()
        window.shutdown()
        QThreadPool.globalInstance().waitForDone(30000)
    print(
        json.dumps(
            {"longest_ms": max(per_page.values()), "per_page": per_page, "cpu_page": cpu_page}
        )
    )


def idle_loop(seconds: float = 3.0) -> None:
    """Child mode: the same meter on an event loop with nothing to do (the machine's floor)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    meter = _cpu_meter(5)
    meter.start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    meter.stop()
    print(json.dumps({"longest_ms": round(meter.longest_ms, 1)}))


def interpreter_start(runs: int) -> float:
    """`python -c pass`: the part of every start-up that is Python's own (site, .pth files)."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=_env(), check=True)
        samples.append(time.perf_counter() - started)
    return median(samples)


def _worst_page(tour: dict, pages: tuple[str, ...]) -> str:
    return max(pages, key=lambda page: tour["per_page"].get(page, 0.0))


def _peak(tour: dict, page: str) -> float:
    """The GUI thread's most on-CPU time between two ticks on `page` (0 from older tours)."""
    values = tour["cpu_page"].get(page, [])
    return values[3] if len(values) > 3 else 0.0


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tours", type=int, default=3)
    parser.add_argument("--no-xca", action="store_true")
    parser.add_argument("--only-tours", action="store_true", help="skip the first-window part")
    parser.add_argument(
        "--frozen",
        type=Path,
        metavar="EXE",
        help="also time the frozen program (packaging/build-linux: build/linux/.../cpi-cert-wizard)",
    )
    parser.add_argument("--stall-tour", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--idle-loop", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stall_tour:
        stall_tour()
        return
    if args.idle_loop:
        idle_loop()
        return

    if not args.only_tours:
        first_window(args)
    tour_report(args)


def first_window(args: argparse.Namespace) -> None:
    home = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    try:
        first_paint_offscreen(home)  # warm the page cache; not counted
        offscreen = [first_paint_offscreen(home) for _ in range(args.runs)]
        paint_s = median([t for t, _ in offscreen])
        paint_rss = median([r for _, r in offscreen])
        print(f"runs: {args.runs} (medians)")
        print(
            f"offscreen  wizard: first paint {paint_s * 1000:7.0f} ms   peak RSS {paint_rss:5.0f} MiB"
        )

        print(
            f"  of which the Python interpreter itself: {interpreter_start(args.runs) * 1000:.0f} ms"
        )
        have_xca = shutil.which("xca") is not None and not args.no_xca
        if shutil.which("xdotool") and shutil.which("Xvfb"):
            server, display = start_xvfb()
            xca_home = Path(tempfile.mkdtemp(prefix="bench-xca-"))
            try:
                contenders = {
                    "wizard": (WIZARD, _env(QT_QPA_PLATFORM="xcb", CPI_CERT_WIZARD_HOME=str(home))),
                    "bare QWizard": (BARE, _env(QT_QPA_PLATFORM="xcb")),
                }
                if args.frozen:
                    contenders["frozen wizard"] = (
                        [str(args.frozen.resolve()), "gui"],
                        _env(QT_QPA_PLATFORM="xcb", CPI_CERT_WIZARD_HOME=str(home)),
                    )
                if have_xca:
                    contenders["XCA"] = (["xca"], _env(HOME=str(xca_home), QT_QPA_PLATFORM="xcb"))
                samples: dict[str, list[tuple[float, int]]] = {name: [] for name in contenders}
                for run in range(args.runs + 1):  # interleaved; the first round is not counted
                    for name, (command, env) in contenders.items():
                        result = mapped_under_xvfb(command, display, env)
                        if run:
                            samples[name].append(result)
                mapped = {n: median([t for t, _ in v]) for n, v in samples.items()}
                rss = {n: median([r for _, r in v]) for n, v in samples.items()}
                for name in contenders:
                    print(
                        f"Xvfb {name:<13}: window mapped {mapped[name] * 1000:5.0f} ms   "
                        f"peak RSS {rss[name]:5.0f} MiB"
                    )
                floor = mapped["bare QWizard"]
                print(
                    f"ratio wizard/bare QWizard (the PySide6 floor): {mapped['wizard'] / floor:.2f}x "
                    "(goal <= 1.10)"
                )
                if args.frozen:
                    print(
                        f"ratio frozen wizard/bare QWizard: {mapped['frozen wizard'] / floor:.2f}x"
                        + (
                            f"   frozen wizard/XCA: {mapped['frozen wizard'] / mapped['XCA']:.2f}x"
                            if have_xca
                            else ""
                        )
                    )
                if have_xca:
                    print(
                        f"ratio wizard/XCA : start {mapped['wizard'] / mapped['XCA']:.2f}x   "
                        f"peak RSS {rss['wizard'] / rss['XCA']:.2f}x   "
                        f"(bare QWizard/XCA {floor / mapped['XCA']:.2f}x)"
                    )
                else:
                    print("XCA not measured (apt-get install -y xca, or --no-xca given)")
            finally:
                shutil.rmtree(xca_home, ignore_errors=True)
                server.terminate()
                server.wait()
        else:
            print("Xvfb part skipped: install xvfb and xdotool")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def tour_report(args: argparse.Namespace) -> None:
    if args.tours <= 0:
        return
    tours, idles = [], []
    for run in range(args.tours + 1):  # the first one writes the byte-code cache: not counted
        for mode, into in (("--stall-tour", tours), ("--idle-loop", idles)):
            done = subprocess.run(
                [sys.executable, __file__, mode],
                capture_output=True,
                text=True,
                env=_env(),
                timeout=600,
                check=True,
            )
            if run:
                into.append(json.loads(done.stdout.strip().splitlines()[-1]))
    longest = median([t["longest_ms"] for t in tours])
    worst = max(tours, key=lambda t: t["longest_ms"])
    print(
        f"sandbox flow, longest GUI-thread stall: median {longest:.1f} ms over {args.tours} tours"
    )
    print("  per page (worst tour): " + ", ".join(f"{k} {v}" for k, v in worst["per_page"].items()))
    idle = median([i["longest_ms"] for i in idles])
    print(
        f"  anchor, same run: an idle Qt event loop's longest gap over 3 s: median {idle:.1f} ms "
        "(the machine's load alone)"
    )
    print("  goal: no stall over 16 ms during these operations (median over the tours, per page)")
    print(
        "    operation   (pages)             stall  of it: GUI thread on a CPU / waiting for a CPU"
        "  (most on-CPU in any stall);"
    )
    print(
        "    peak on a CPU: the GUI thread's longest run of its own work between two ticks of"
        " the timer, whether or not the machine's load made it a stall"
    )
    for operation, pages in OPERATIONS.items():
        ms = median([max(t["per_page"].get(page, 0.0) for page in pages) for t in tours])
        cpu = [t["cpu_page"].get(_worst_page(t, pages), [0, 0, 0]) for t in tours]
        on_cpu = median([c[0] for c in cpu]) if cpu else 0.0
        queued = median([c[1] for c in cpu]) if cpu else 0.0
        most = median([max(t["cpu_page"].get(p, [0, 0, 0])[2] for p in pages) for t in tours])
        peak = median([max(_peak(t, p) for p in pages) for t in tours])
        where = "+".join(pages)
        print(
            f"    {operation:<11} ({where:<18}) {ms:6.1f} ms  {on_cpu:5.1f} / {queued:5.1f} ms"
            f"  ({most:.1f} ms)  peak on a CPU {peak:.1f} ms  {'ok' if ms <= 16 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
