"""analyze-log's peak memory against the size of the log: it should stay flat (issue 17).

    .venv/bin/python bench/bench_log_memory.py [--tree /tmp/old-checkout]

Each size is analysed in a forked child; the figure is the child's peak RSS (Linux).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

LINE = (
    b"10.0.0.1 (10.0.0.1) - erp@Issuing CA [12/Apr/2021:00:00:05 +0000] POST /cxf/x HTTP/1.1 "
    b"401 0 12 tenant-iflmap.hcisbp.eu1.hana.ondemand.com:443 -\n"
)


def peak_rss_mb(path: Path) -> tuple[float, float]:
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        from wizard.core import accesslog

        accesslog.analyze([path])
        os._exit(0)
    _, status, usage = os.wait4(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    return usage.ru_maxrss / 1024, time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str((args.tree or Path(__file__).resolve().parents[1]).resolve()))
    import wizard.core.accesslog  # noqa: F401 - imported once, before the children fork

    with tempfile.TemporaryDirectory() as folder:
        print(f"{'log':>22} {'peak RSS':>9} {'seconds':>8}")
        for megabytes in (1, 10, 54):
            path = Path(folder) / f"http_access_node0_2021-04-12-{megabytes}.log"
            path.write_bytes(LINE * (megabytes * 1024 * 1024 // len(LINE)))
            rss, seconds = peak_rss_mb(path)
            print(f"{megabytes:>6} MB plain {'':>9} {rss:>6.0f} MB {seconds:>8.1f}")
        bomb = Path(folder) / "http_access_node0_2021-04-12.log.gz"
        with gzip.open(bomb, "wb", compresslevel=9) as handle:
            for _ in range(1024):
                handle.write(b"\0" * (1024 * 1024))
        rss, seconds = peak_rss_mb(bomb)
        size = bomb.stat().st_size / 1024 / 1024
        print(f"{size:>6.1f} MB gzip bomb (1 GiB) {rss:>3.0f} MB {seconds:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
