"""Reading a day of default trace: analyze_traces vs grep/zgrep for the same words.

    python3 bench/bench_tracelog.py [--records N] [--runs N]

Writes a trace of N records in SAP's documented format (1 in 1000 an authorization error, some
multi-line stack traces), plain and gzip, and prints the median of the runs for each: ours reads,
unescapes and classifies every record; `grep -ciE` (`zgrep` for .gz) only counts lines with the
words a person would search for, so the ratio is what understanding the records costs over
finding them.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import median_seconds
from tests.tracelog.conftest import CSRF_FAILED, HEADER, NOT_IN_FLOW_LIST, ROLE_MISSING, record
from wizard.core.tracelog import analyze_traces

WORDS = "role|csrf|subjectandissuers|invalid_client"


def day_of_trace(records: int) -> str:
    lines = [HEADER]
    errors = (ROLE_MISSING, NOT_IN_FLOW_LIST, CSRF_FAILED)
    for n in range(records):
        stamp = f"2021 04 12 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}"
        if n % 1000 == 999:
            lines.append(record(stamp, errors[n // 1000 % 3], user="BOB"))
        elif n % 97 == 0:
            text = (
                "Message processing failed\njava.lang.IllegalStateException: x\n\tat a.b(C.java:1)"
            )
            lines.append(record(stamp, text))
        else:
            lines.append(record(stamp, f"Processed message {n} for /http/orders", severity="INFO"))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "ljs_trace_bench_2021-04-12.log"
        plain.write_text(day_of_trace(args.records), encoding="utf-8")
        zipped = Path(tmp) / "ljs_trace_bench_2021-04-12.log.gz"
        zipped.write_bytes(gzip.compress(plain.read_bytes()))
        found = len(analyze_traces([plain]).findings)
        print(
            f"{args.records} records, {plain.stat().st_size / 1e6:.1f} MB "
            f"({zipped.stat().st_size / 1e6:.1f} MB gzip), {found} findings; "
            f"median of {args.runs} runs"
        )
        print(f"{'file':<8} {'ours':>9} {'grep':>9} {'ratio':>7} {'records/s':>11}")
        for label, path, tool in (("plain", plain, "grep"), ("gzip", zipped, "zgrep")):
            ours = median_seconds(lambda p=path: analyze_traces([p]), args.runs)
            theirs = median_seconds(
                lambda p=path, t=tool: subprocess.run(
                    [t, "-ciE", WORDS, str(p)], check=True, capture_output=True
                ),
                args.runs,
            )
            print(
                f"{label:<8} {ours:>8.3f}s {theirs:>8.3f}s {ours / theirs:>6.1f}x "
                f"{args.records / ours:>11,.0f}"
            )


if __name__ == "__main__":
    main()
