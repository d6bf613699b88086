"""follow() leaves no watch thread behind: one still reading at interpreter exit can abort the CLI (exit 134)."""

import threading
import time

from jupyter_optiserve.deploy import Deployer, follow, render


def _watches():
    return [t for t in threading.enumerate() if t.name.startswith("optiserve-watch-") and t.is_alive()]


def test_no_watch_thread_outlives_follow(make_plan, conn, kube):
    kube.scenario("success", step_seconds=0.1)
    Deployer(conn).apply(render(make_plan()))
    assert follow(conn, "granite", timeout=15).outcome == "ready"
    t0 = time.monotonic()
    tl = follow(conn, "granite", timeout=15)  # already Ready: returns at once, with watches mid-read
    assert tl.outcome == "ready" and time.monotonic() - t0 < 6
    assert _watches() == []
