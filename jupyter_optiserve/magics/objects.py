"""What the magic returns, so a notebook can script it: rich in a notebook, plain in a terminal.

Each object wraps the CLI's JSON (``.to_dict()`` gives it back unchanged). ``Deployment`` starts
the service's tracked deploy task (preflight, apply, follow, first request; its own thread) and
tells subscribers (the widget view, the text printer) about every change the task reports.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.errors import OptiServeError
from jupyter_optiserve.magics import backend, display
from jupyter_optiserve.service import Session

if TYPE_CHECKING:
    from jupyter_optiserve.service.tasks import Task


class _Rich:
    # each subclass's renderers of its JSON (their parameters are named for what they render)
    _html: Callable[[Any], str] = staticmethod(lambda d: "")
    _text: Callable[[Any], str] = staticmethod(lambda d: "")

    def __init__(self, data):
        self.data = data

    def to_dict(self):
        return self.data

    def _repr_html_(self) -> str:
        return self._html(self.data)

    def __repr__(self) -> str:
        return self._text(self.data)


class Hardware(_Rich):
    """``.pools``, ``.local``, ``.cluster``, ``.notes``; ``.to_dict()`` is ``optiserve hardware --json``."""

    _html, _text = staticmethod(display.hardware_html), staticmethod(display.hardware_text)

    pools = property(lambda self: self.data.get("pools") or [])
    local = property(lambda self: self.data.get("local") or {})
    cluster = property(lambda self: self.data.get("cluster"))
    notes = property(lambda self: self.data.get("notes") or [])


class Models(_Rich, list):
    """A list of catalog model dicts (``optiserve models --json``)."""

    def __init__(self, rows: list[dict], query: str | None = None):
        list.__init__(self, rows)
        _Rich.__init__(self, rows)
        self.query = query

    def _repr_html_(self) -> str:
        return display.models_html(list(self), self.query)

    def __repr__(self) -> str:
        return display.models_text(list(self))


class Recommendation(dict):
    """One ranked profile: ``.name``, ``.profile``, ``.estimate``, ``.reasons`` (and the dict itself)."""

    name = property(lambda self: self["profile"]["name"])
    profile = property(lambda self: self["profile"])
    estimate = property(lambda self: self["estimate"])
    reasons = property(lambda self: self.get("reasons") or [])
    warnings = property(lambda self: self.get("warnings") or [])

    def __repr__(self) -> str:
        e = self["estimate"]
        return f"<Recommendation {self.name}: TTFT {e.get('ttft_ms') or 0:.0f} ms, ITL {e.get('itl_ms') or 0:.1f} ms>"


class Recommendations(_Rich, list):
    """Ranked profiles, best first (list-like); ``.best``, ``.rejected``, ``.notes``, ``.to_dict()``
    (exactly ``optiserve recommend --json``)."""

    _html, _text = staticmethod(display.recommendations_html), staticmethod(display.recommendations_text)

    def __init__(self, data: dict):
        list.__init__(self, [Recommendation(r) for r in data.get("recommendations") or []])
        _Rich.__init__(self, data)

    best = property(lambda self: self[0] if self else None)
    rejected = property(lambda self: self.data.get("rejected") or [])
    notes = property(lambda self: self.data.get("notes") or [])
    model = property(lambda self: (self.data.get("model") or {}).get("id"))
    kpi = property(lambda self: self.data.get("kpi"))

    __eq__ = list.__eq__
    __hash__ = None


class Status(_Rich):
    """``optiserve status NAME --json``: ``.outcome``, ``.endpoint``, ``.timeline``, ``.diagnosis``."""

    _html, _text = (
        staticmethod(display.status_html),
        staticmethod(lambda d: f"{d['name']} in {d['namespace']}\n" + display.timeline_text(d["timeline"])),
    )
    timeline = property(lambda self: self.data["timeline"])
    outcome = property(lambda self: self.data["timeline"].get("outcome"))
    diagnosis = property(lambda self: self.data["timeline"].get("diagnosis"))
    endpoint = property(lambda self: self.data["timeline"].get("url") or self.data["timeline"].get("internal_url"))
    exists = property(lambda self: self.data.get("exists", True))
    task = property(lambda self: self.data.get("task"))


class Deployments(_Rich):
    """``status`` without a name: the namespace's InferenceServices (OptiServe's first) and this kernel's tasks."""

    _html, _text = staticmethod(display.deployments_html), staticmethod(display.deployments_text)
    names = property(lambda self: [d["name"] for d in self.data["deployments"] if d["optiserve"]])


class Exported(_Rich):
    """``export``: the files written (manifests, kustomization.yaml, README.md)."""

    _html, _text = staticmethod(display.files_html), staticmethod(lambda files: "\n".join(files))
    files = property(lambda self: list(self.data))


class Plan(_Rich):
    """A rendered plan: ``.plan`` (summary), ``.preflight``, ``.manifests`` (YAML), ``.actions`` (dry run:
    [{"kind", "name", "action"}])."""

    def __init__(self, data: dict, title: str = ""):
        super().__init__(data)
        self.title = title

    plan = property(lambda self: self.data["plan"])
    preflight = property(lambda self: self.data["preflight"])
    manifests = property(lambda self: self.data.get("manifests") or "")
    actions = property(lambda self: (self.data.get("apply") or {}).get("objects") or [])

    def _repr_html_(self) -> str:
        return display.plan_html(self.data, self.actions, self.title)

    def __repr__(self) -> str:
        acts = [f"{a['action']} (dry run): {a['kind']}/{a['name']}" for a in self.actions]
        return "\n".join([display.plan_text(self.data), *acts])


class Deployment:
    """A deployment this notebook plans and starts: ``.name``, ``.namespace``, ``.endpoint``,
    ``.timeline`` (latest dict), ``.state``, ``.start()``, ``.wait(timeout)``, ``.status()``,
    ``.delete()``, ``.stop()``.

    ``state``: planned (or blocked by preflight) -> the service task's states (preflight, applying,
    following, smoke) -> ready | failed | timeout | cancelled | applied (``--no-follow``).
    """

    def __init__(self, request: dict, settings, preview: dict):
        plan = preview["plan"]
        self.name, self.namespace = plan["name"], plan["namespace"]
        # pin what was previewed: the same name and namespace get deployed
        self.request = {**request, "name": self.name, "namespace": self.namespace}
        self._settings = settings
        self.plan = Plan(preview, f"Plan for {self.name}")
        self.state = "planned" if preview["preflight"]["ok"] else "blocked"
        self.timeline: dict | None = None
        self.apply: dict | None = None
        self.error: dict | None = None
        self.task_id: str | None = None
        self.view = None
        self._task: Task | None = None
        self._subscribers: list = []
        self._lock = threading.Lock()
        self._started = False
        self._done = threading.Event()

    # -- running -------------------------------------------------------------------------------------
    def subscribe(self, fn) -> None:
        """``fn(deployment)`` after every change (called from the deploy thread)."""
        self._subscribers.append(fn)

    def _changed(self) -> None:
        for fn in list(self._subscribers):
            try:
                fn(self)
            except Exception:
                pass

    def start(self) -> Deployment:
        """Start the deploy as a tracked background task (preflight, apply, follow, first request). Once only."""
        with self._lock:
            if self._started:
                return self
            if self.state == "blocked":
                raise OptiServeError(
                    "preflight failed: nothing to deploy", hint="fix the failing checks shown in .plan"
                )
            self._started, self.state = True, "queued"
        try:
            started = Session(self._settings).deploy(self.request, check=False)
        except OptiServeError as exc:
            self.error, self.state = exc.to_dict(), "failed"
            self._done.set()
            self._changed()
            raise
        self.task_id = started["id"]
        task = self._task = backend.task(started, self._settings)
        replay, _ = task.subscribe(self._on_event)
        for ev in replay:
            self._on_event(ev)
        return self

    def _on_event(self, ev: dict) -> None:
        t = self._task
        assert t is not None  # events come only from the task start() subscribed to
        with self._lock:  # the task's attributes are set before each event: read them, in any order
            self.state, self.timeline, self.apply, self.error = t.state, t.timeline, t.apply, t.error
        if ev["type"] == "end":
            self._done.set()
        self._changed()

    def cancel(self) -> None:
        """Before the start: never deploy. While running: stop following (what was created stays)."""
        with self._lock:
            if not self._started:
                self._started, self.state = True, "cancelled"
                self._done.set()
            elif self._task is not None:
                self._task.cancel()
        self._changed()

    def wait(self, timeout: float | None = None) -> str:
        """Block until the deploy ends (or ``timeout`` seconds); returns ``state``."""
        if not self._started:
            raise OptiServeError(
                f"{self.name} has not been started", hint="click Deploy, call .start(), or run the magic with --yes"
            )
        if not self._done.wait(timeout):
            raise TimeoutError(f"{self.name} still {self.state} after {timeout:g} s")
        return self.state

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def endpoint(self) -> str | None:
        tl = self.timeline or {}
        return tl.get("url") or tl.get("internal_url")

    @property
    def phase(self) -> str | None:
        phases = (self.timeline or {}).get("phases") or []
        active = [p["phase"] for p in phases if p["state"] in ("active", "failed")]
        done = [p["phase"] for p in phases if p["state"] == "done"]
        return (active or done or [None])[-1]

    @property
    def actions(self) -> list[dict]:
        return (self.apply or {}).get("objects") or []

    # -- the cluster now -----------------------------------------------------------------------------
    def status(self) -> Status:
        return Status(Session(self._settings).status(self.name, self.namespace))

    def stop(self, start: bool = False) -> dict:
        """KServe's stop annotation (pods go, objects stay); ``start=True`` resumes."""
        s = Session(self._settings)
        return s.start(self.name, self.namespace) if start else s.stop(self.name, self.namespace)

    def delete(self) -> dict:
        """Delete what OptiServe created for this deployment (never anyone else's objects)."""
        out = Session(self._settings).delete(self.name, self.namespace)
        self.state = "deleted"
        return out

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "namespace": self.namespace,
            "state": self.state,
            "task": self.task_id,
            "endpoint": self.endpoint,
            "plan": self.plan.to_dict(),
            "apply": self.apply,
            "timeline": self.timeline,
            "error": self.error,
        }

    def __repr__(self) -> str:
        where = f" ({self.phase})" if not self.done and self.phase else ""
        end = f", endpoint {self.endpoint}" if self.endpoint and self.state == "ready" else ""
        err = f": {self.error.get('detail')}" if self.error else ""
        return f"<Deployment {self.name} in {self.namespace}: {self.state}{where}{end}{err}>"
