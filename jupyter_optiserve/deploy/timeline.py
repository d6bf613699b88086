"""The deployment timeline: phases, what was seen when, and the cause + fix of a failure.

``Tracker`` turns InferenceService, Pod and Event objects (plain API dicts) into phase changes;
it does no I/O except through the ``fetch_logs`` callback, so it is tested with canned objects.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from jupyter_optiserve.deploy.diagnose import Diagnosis, diagnose, oomkilled

PHASES = ("submitted", "scheduled", "pulling-image", "downloading-model", "loading", "ready", "first-response")
STORAGE_INIT, MAIN = "storage-initializer", "kserve-container"
PULL_ERRORS = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull")


@dataclass
class Phase:
    name: str
    state: str = "pending"  # pending | active | done | failed
    started: float | None = None
    ended: float | None = None
    detail: str = ""

    def to_dict(self) -> dict:
        r = lambda x: None if x is None else round(x, 1)  # noqa: E731
        return {
            "phase": self.name,
            "state": self.state,
            "started_s": r(self.started),
            "ended_s": r(self.ended),
            "detail": self.detail,
        }


@dataclass
class Timeline:
    name: str
    namespace: str
    clock: Callable[[], float] = time.monotonic
    phases: dict = field(default_factory=dict)
    entries: list = field(default_factory=list)  # (elapsed s, text)
    outcome: str | None = None  # ready | failed | timeout | stopped | cancelled
    diagnosis: Diagnosis | None = None
    url: str | None = None
    internal_url: str | None = None
    notes: list = field(default_factory=list)
    log_tail: list = field(default_factory=list)
    smoke: dict | None = None

    def __post_init__(self):
        self.t0 = self.clock()
        self.phases = {n: Phase(n) for n in PHASES}

    def now(self) -> float:
        return self.clock() - self.t0

    def note(self, text: str) -> None:
        if not self.entries or self.entries[-1][1] != text:
            self.entries.append((round(self.now(), 1), text))

    def advance(self, name: str, detail: str = "") -> None:
        """``name`` is running now; every earlier phase is over (some are not observable)."""
        t = self.now()
        for n in PHASES[: PHASES.index(name)]:
            p = self.phases[n]
            if p.state in ("pending", "active"):
                p.started = p.started if p.started is not None else t
                p.state, p.ended = "done", t
        p = self.phases[name]
        if p.state == "pending":
            p.state, p.started = "active", t
            self.note(f"{name}" + (f": {detail}" if detail else ""))
        if detail:
            p.detail = detail

    def complete(self, name: str, detail: str = "") -> None:
        self.advance(name, detail)
        p = self.phases[name]
        if p.state == "active":
            p.state, p.ended = "done", self.now()

    @property
    def current(self) -> str:
        active = [n for n in PHASES if self.phases[n].state == "active"]
        if active:
            return active[-1]
        done = [n for n in PHASES if self.phases[n].state == "done"]
        return PHASES[min(len(PHASES) - 1, PHASES.index(done[-1]) + 1)] if done else PHASES[0]

    def cancel(self) -> None:
        """The user stopped following. A start-up diagnosis (unschedulable, a crash seen while
        cancelling) is dropped: the deploy ends cancelled, not failed, whichever signal came first."""
        if self.outcome != "cancelled":
            self.outcome, self.diagnosis = "cancelled", None
            self.note("cancelled: what was created stays")

    def fail(self, diag: Diagnosis, phase: str | None = None) -> None:
        if self.outcome == "cancelled":  # a signal that arrives after Cancel does not undo it
            return
        if self.outcome == "failed":  # a later, more specific signal (pod logs) may name the row
            if diag.row and not (self.diagnosis and self.diagnosis.row):
                self.diagnosis = diag
            return
        name = phase or self.current
        self.advance(name)
        p = self.phases[name]
        p.state, p.ended = "failed", self.now()
        self.outcome, self.diagnosis = "failed", diag
        self.note(f"FAILED in {name}: {diag.cause}")

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "namespace": self.namespace,
            "outcome": self.outcome,
            "phases": [p.to_dict() for p in self.phases.values()],
            "events": [{"t_s": t, "text": x} for t, x in self.entries],
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
            "url": self.url,
            "internal_url": self.internal_url,
            "notes": self.notes,
            "log_tail": self.log_tail,
            "smoke": self.smoke,
        }

    def text(self) -> str:
        marks = {"done": "✓", "active": "…", "failed": "✗", "pending": " "}
        lines = []
        for p in self.phases.values():
            span = f"{p.started:6.1f}s" if p.started is not None else "       "
            lines.append(f" {marks[p.state]} {span}  {p.name:<18} {p.detail}".rstrip())
        if self.diagnosis:
            d = self.diagnosis
            lines.append(f"cause: {d.cause}" + (f" (failure mode #{d.row})" if d.row else ""))
            if d.evidence:
                lines.append(f"  seen: {d.evidence}")
            lines.append(f"fix:   {d.fix}")
        if self.log_tail:
            lines += ["last log lines:"] + [f"  | {ln}" for ln in self.log_tail[-10:]]
        lines += [f"note: {n}" for n in self.notes]
        if self.url:
            lines.append(f"endpoint: {self.url}")
        lines.append(f"outcome: {self.outcome or 'in progress'}")
        return "\n".join(lines)


def _cond(obj: dict, kind: str) -> dict:
    return next((c for c in (obj.get("status") or {}).get("conditions") or [] if c.get("type") == kind), {})


class Tracker:
    """Feeds objects into a Timeline. ``pending_grace`` bounds how long Unschedulable may last."""

    def __init__(self, timeline: Timeline, fetch_logs=None, pending_grace: float = 300.0):
        self.tl = timeline
        self.fetch_logs = fetch_logs or (lambda pod, container, previous: None)
        self.pending_grace = pending_grace
        self.unschedulable_since: float | None = None
        self.unschedulable: Diagnosis | None = None
        self._logged: set = set()
        self.pods: dict = {}  # name -> latest pod object seen

    # -- InferenceService ---------------------------------------------------------------------------
    def on_isvc(self, obj: dict) -> None:
        tl, meta, st = self.tl, obj.get("metadata") or {}, obj.get("status") or {}
        if st.get("observedGeneration") != meta.get("generation", 1) or not st:
            return  # status of an older spec (or none yet): it may say Ready for the last revision (#17)
        tl.complete("submitted", f"generation {meta.get('generation', 1)} accepted")
        if _cond(obj, "Stopped").get("status") == "True":
            tl.outcome = "stopped"
            tl.note("stopped (serving.kserve.io/stop)")
            return
        ms = st.get("modelStatus") or {}
        states = ms.get("states") or {}
        target, active = states.get("targetModelState"), states.get("activeModelState")
        failure = ms.get("lastFailureInfo") or {}
        if target == "FailedToLoad" or ms.get("transitionStatus") in ("BlockedByFailedLoad", "InvalidSpec"):
            if self.tl.outcome != "failed":
                msg = failure.get("message") or _cond(obj, "Ready").get("message") or ms.get("transitionStatus", "")
                logs = self._pod_logs() or "\n".join(self.tl.log_tail)
                generic = Diagnosis(
                    None,
                    f"{failure.get('reason') or 'the model failed to load'}: {msg}",
                    "the container log names the cause: oc logs -l serving.kserve.io/inferenceservice="
                    f"{meta.get('name')} -c kserve-container --previous",
                    msg,
                )
                diag = oomkilled(None) if msg.strip() == "OOMKilled" else (diagnose(logs, msg) or generic)
                tl.fail(diag.about(f"InferenceService {meta.get('name')}"))
            return
        if target == "Loading" and tl.phases["downloading-model"].state == "pending":
            tl.advance("downloading-model", "storage initializer running")
        ready = _cond(obj, "Ready")
        if ready.get("status") == "True" and (active in (None, "Loaded")):
            tl.url = (
                st.get("url") or (st.get("address") or {}).get("url") or (st.get("addresses") or [{}])[0].get("url")
            )
            tl.internal_url = (st.get("address") or {}).get("url") or tl.url
            tl.complete("ready", tl.url or "")
            tl.outcome = "ready"
        elif ready.get("reason"):
            tl.note(
                f"InferenceService not ready: {ready.get('reason')}"
                + (f": {ready['message']}" if ready.get("message") else "")
            )

    # -- Pods ---------------------------------------------------------------------------------------
    def on_pod(self, pod: dict) -> None:
        tl = self.tl
        if tl.outcome in ("ready", "stopped"):
            return
        name = pod["metadata"]["name"]
        self.pods[name] = pod
        st = pod.get("status") or {}
        sched = _cond(pod, "PodScheduled")
        if sched.get("status") == "False" and sched.get("reason") == "Unschedulable":
            msg = sched.get("message", "")
            tl.advance("scheduled", f"Unschedulable: {msg}")
            self.unschedulable = (
                diagnose(msg) or Diagnosis(6, "the scheduler cannot place the pod", "see the message", msg)
            ).about(f"pod {name}")
            self.unschedulable_since = self.unschedulable_since if self.unschedulable_since is not None else tl.now()
            self.check_pending()
            return
        if (pod.get("spec") or {}).get("nodeName") or sched.get("status") == "True":
            self.unschedulable = None
            tl.complete("scheduled", f"on {(pod.get('spec') or {}).get('nodeName', '?')}")
        for cs in st.get("initContainerStatuses") or []:
            if cs.get("name") == STORAGE_INIT:
                self._storage_init(name, cs)
        for cs in st.get("containerStatuses") or []:
            if cs.get("name") == MAIN:
                self._main(pod, name, cs)

    def _storage_init(self, pod: str, cs: dict) -> None:
        tl, state = self.tl, cs.get("state") or {}
        if "running" in state:
            tl.advance("downloading-model", "storage initializer running")
        elif (state.get("terminated") or {}).get("reason") == "Completed":
            tl.complete("downloading-model", "model downloaded")
        elif "terminated" in state or (state.get("waiting") or {}).get("reason") == "CrashLoopBackOff":
            term = state.get("terminated") or (cs.get("lastState") or {}).get("terminated") or {}
            logs = self._logs(pod, STORAGE_INIT, cs, previous=False)
            diag = diagnose(logs, term.get("message", "")) or Diagnosis(
                8,
                "the storage initializer failed",
                "check the storage URI and its credentials",
                term.get("message", ""),
            )
            tl.fail(diag.about(f"pod {pod}, container {STORAGE_INIT}"), "downloading-model")

    def _main(self, pod: dict, name: str, cs: dict) -> None:
        tl, state = self.tl, cs.get("state") or {}
        waiting = state.get("waiting") or {}
        reason = waiting.get("reason")
        if reason in PULL_ERRORS:
            msg = waiting.get("message") or reason
            tl.fail(
                (
                    diagnose(msg)
                    or Diagnosis(14, "the runtime image could not be pulled", "check the image and pull secret", msg)
                ).about(f"image {cs.get('image') or '?'}"),
                "pulling-image",
            )
            return
        if reason == "ContainerCreating":
            tl.advance("pulling-image", cs.get("image", ""))
            return
        last = (cs.get("lastState") or {}).get("terminated") or state.get("terminated")
        if last and (cs.get("restartCount", 0) >= 1 or "terminated" in state):
            if last.get("reason") == "OOMKilled":
                limits = ((pod.get("spec") or {}).get("containers") or [{}])[0].get("resources", {}).get("limits", {})
                tl.fail(oomkilled(limits.get("memory")).about(f"pod {name}, container {MAIN}"), "loading")
                return
            logs = self._logs(name, MAIN, cs, previous=True)
            diag = diagnose(logs, last.get("message", ""))
            if diag or cs.get("restartCount", 0) >= 2:
                tl.fail(
                    (
                        diag
                        or Diagnosis(
                            None,
                            f"the server keeps crashing (exit code {last.get('exitCode')})",
                            "read the log lines below",
                            last.get("message", ""),
                        )
                    ).about(f"pod {name}, container {MAIN}"),
                    "loading",
                )
            return
        if "running" in state:
            tl.complete("pulling-image", cs.get("image", ""))
            tl.complete("downloading-model")
            if cs.get("ready"):
                tl.advance("ready", "pod ready; waiting for the InferenceService")
            else:
                tl.advance("loading", "vLLM is loading weights and capturing graphs")

    def _pod_logs(self) -> str:
        """The failing container's log of the newest pod seen (the ISVC only carries the last line)."""
        for name, pod in reversed(list(self.pods.items())):
            st = pod.get("status") or {}
            for cs in st.get("initContainerStatuses") or []:
                if (
                    cs.get("name") == STORAGE_INIT
                    and "running" not in (cs.get("state") or {})
                    and (cs.get("state") or {}).get("terminated", {}).get("reason") != "Completed"
                ):
                    return self._logs(name, STORAGE_INIT, cs, previous=False)
            for cs in st.get("containerStatuses") or []:
                if cs.get("name") == MAIN and cs.get("restartCount", 0):
                    return self._logs(name, MAIN, cs, previous=True)
        return ""

    def _logs(self, pod: str, container: str, cs: dict, previous: bool) -> str:
        key = (pod, container, cs.get("restartCount", 0), previous)
        if key in self._logged:
            return "\n".join(self.tl.log_tail)
        self._logged.add(key)
        text = self.fetch_logs(pod, container, previous) or ""
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if lines:
            self.tl.log_tail = lines[-20:]
        return text

    # -- Events -------------------------------------------------------------------------------------
    def on_event(self, ev: dict) -> None:
        reason, msg = ev.get("reason", ""), ev.get("message", "")
        if reason == "Pulling" and self.tl.outcome is None:
            self.tl.advance("pulling-image", msg)
        if ev.get("type") == "Warning" or reason in ("Pulling", "Pulled", "Scheduled"):
            self.tl.note(f"event {reason}: {msg}")
        if reason == "FailedScheduling" and self.tl.outcome is None:
            pod = (ev.get("involvedObject") or {}).get("name")
            self.unschedulable = (
                diagnose(msg) or Diagnosis(6, "the scheduler cannot place the pod", "see the message", msg)
            ).about(f"pod {pod}" if pod else "")
            self.unschedulable_since = (
                self.unschedulable_since if self.unschedulable_since is not None else self.tl.now()
            )
            self.check_pending()

    def check_pending(self) -> None:
        """Unschedulable is retriable (the autoscaler may add a node); after the grace it is a failure."""
        if (
            self.unschedulable
            and self.tl.outcome is None
            and self.unschedulable_since is not None
            and self.tl.now() - self.unschedulable_since >= self.pending_grace
        ):
            self.tl.fail(self.unschedulable, "scheduled")
