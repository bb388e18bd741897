"""Long work runs off the GUI thread: an RSA-4096 key and a fetch of the tenant's chain at once.

The GUI thread's longest gap is measured and printed (the figure belongs in bench/, not in an
assertion); what is asserted is where the work ran.
"""

from __future__ import annotations

import threading

from wizard.core.flow import Step
from wizard.ui.stall import StallMeter

from .conftest import sandbox_walk


def test_key_generation_and_fetch_run_off_the_gui_thread(wizard, capsys):
    sandbox_walk(wizard, Step.KEY)
    key_page = wizard.page_of(Step.KEY)
    trust_page = wizard.page_of(Step.TRUST)
    key_page.key_type.setCurrentIndex(key_page.key_type.findData("rsa-4096"))
    meter = StallMeter(5)
    meter.start()
    wizard.click(key_page.generate_button)
    key_job = key_page.job
    trust_page.fetch()  # the chain again, on another worker, while the key is made
    fetch_job = trust_page.job
    assert key_job is not None and fetch_job is not None
    wizard.qtbot.waitUntil(lambda: not key_page.running and not trust_page.running, timeout=60000)
    longest = meter.stop()
    gui = threading.main_thread().name
    assert key_job.thread_name not in (None, gui)
    assert fetch_job.thread_name not in (None, gui)
    assert key_page.result is not None and trust_page.report is not None
    assert meter.ticks > 0
    with capsys.disabled():
        print(
            f"\n[responsiveness] RSA-4096 {key_job.seconds * 1000:.0f} ms and fetch "
            f"{fetch_job.seconds * 1000:.0f} ms off the GUI thread; longest GUI gap "
            f"{longest:.1f} ms over {meter.ticks} ticks"
        )
