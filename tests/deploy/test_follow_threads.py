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


def test_an_api_server_that_dies_mid_follow_is_unreachable_not_a_timeout(make_plan, tmp_path):
    import pytest

    from jupyter_optiserve.errors import ClusterUnreachableError
    from jupyter_optiserve.kube import connect
    from jupyter_optiserve.testing.fakekube import FakeKubeServer

    srv = FakeKubeServer(namespace="demo", simulate_kserve=True, scenario="unschedulable", step_seconds=0.1).start()
    try:
        conn = connect(str(srv.write_kubeconfig(tmp_path / "kc")), namespace="demo", timeout=1.0)
        Deployer(conn).apply(render(make_plan()))
        threading.Timer(0.5, srv.stop).start()
        t0 = time.monotonic()
        with pytest.raises(ClusterUnreachableError) as exc:
            follow(conn, "granite", timeout=30, pending_grace=60, unreachable_after=1.5)
        assert time.monotonic() - t0 < 10 and "optiserve status granite" in exc.value.hint
        with pytest.raises(ClusterUnreachableError):  # at the timeout too, before unreachable_after
            follow(conn, "granite", timeout=1.0, unreachable_after=60)
        assert _watches() == []
    finally:
        srv.stop()
