"""analyze-log streams: a gzip bomb or a huge log keeps memory flat (the child process below
may grow by 256 MiB at most), and a file that is not a log says so (issue 17, item 15)."""

from __future__ import annotations

import gzip
import io

from wizard.core import accesslog, tracelog

LINE = (
    b"10.0.0.1 (10.0.0.1) - - [12/Apr/2021:00:00:05 +0000] POST /cxf/x HTTP/1.1 401 0 12 "
    b"tenant-iflmap.hcisbp.eu1.hana.ondemand.com:443 -\n"
)


def _gzip(blocks, *, times: int) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as handle:
        for _ in range(times):
            handle.write(blocks)
    return buffer.getvalue()


def test_a_gzip_bomb_is_read_with_flat_memory_and_is_not_a_log(bounded, tmp_path, cli):
    bomb = tmp_path / "http_access_node0_2021-04-12.log.gz"
    bomb.write_bytes(_gzip(b"\0" * (1024 * 1024), times=384))  # 384 MiB of zeros in 400 kB
    assert bounded(accesslog.analyze, [bomb]).kind == "read"
    assert bounded(tracelog.read_trace, bomb).kind == "read"
    result = cli("analyze-log", bomb)
    assert result.code == 2
    assert "is not an SAP HTTP access log" in result.err


def test_a_log_bigger_than_memory_allows_is_analysed_and_every_call_counted(bounded, tmp_path):
    log = tmp_path / "http_access_node0_2021-04-12.log.gz"
    log.write_bytes(_gzip(LINE * 10_000, times=30))  # 300,000 calls, 43 MB

    def count_them(path):
        analysis = accesslog.analyze([path])
        assert analysis.matched == analysis.parsed == 300_000
        assert len(analysis.calls) == accesslog.MAX_CALLS
        assert dict(analysis.verdicts)[analysis.calls[0].verdict] == 300_000

    answer = bounded(count_them, log)
    assert answer.kind == "read", answer.message
