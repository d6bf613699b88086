"""Timeline outcomes: a cancelled deploy stays cancelled, whatever signal arrives around Cancel."""

from jupyter_optiserve.deploy.diagnose import Diagnosis
from jupyter_optiserve.deploy.timeline import Timeline

UNSCHEDULABLE = Diagnosis(6, "no node can run this deployment", "add a node", "0/3 nodes are available")


def _timeline() -> Timeline:
    clock = iter(range(1000))
    return Timeline("granite", "demo", clock=lambda: float(next(clock)))


def test_cancel_after_the_unschedulable_grace_drops_the_start_up_diagnosis():
    tl = _timeline()
    tl.advance("scheduled", "Unschedulable: 0/3 nodes are available")
    tl.fail(UNSCHEDULABLE, "scheduled")  # the grace ran out just before the user's Cancel
    tl.cancel()
    d = tl.to_dict()
    assert d["outcome"] == "cancelled" and d["diagnosis"] is None
    assert d["events"][-1]["text"].startswith("cancelled")


def test_a_failure_seen_after_cancel_does_not_undo_it():
    tl = _timeline()
    tl.cancel()
    tl.fail(UNSCHEDULABLE, "scheduled")
    assert tl.outcome == "cancelled" and tl.diagnosis is None
    assert tl.phases["scheduled"].state != "failed"


def test_cancel_is_noted_once():
    tl = _timeline()
    tl.cancel()
    tl.cancel()
    assert [t for _, t in tl.entries if t.startswith("cancelled")] == ["cancelled: what was created stays"]
