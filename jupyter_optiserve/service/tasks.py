"""Tracked background deploys: preflight -> apply -> follow -> first request, one thread each.

A ``Task`` records every step as a numbered event (``seq``, Unix ``time``, ``type``, ``data``) and
pushes each one to its subscribers (the server's event stream, a notebook widget). Tasks live in
the memory of the process that started them (the Jupyter server): they keep running when the
browser closes, are listed again after a page reload, and can be cancelled. A server restart
forgets them; the deployments themselves stay in the cluster and are listed from there again.

Event types: ``state`` ({"state"}), ``preflight`` (report), ``apply`` (objects), ``entry`` (one
timeline line {"t_s", "text"}), ``timeline`` (the whole timeline), ``smoke`` (first request),
``error`` ({"error", "detail", "hint"}), ``end`` (the task, always last).
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.errors import OptiServeError
from jupyter_optiserve.events import EventLog

if TYPE_CHECKING:
    from jupyter_optiserve.deploy import ApplyResult, Plan, Report

log = logging.getLogger("jupyter_optiserve.tasks")

STATES = ("queued", "preflight", "applying", "following", "smoke", "ready", "applied", "failed", "timeout", "cancelled")
TERMINAL = frozenset({"ready", "applied", "failed", "timeout", "cancelled"})


class Cancelled(Exception):
    pass


class Task(EventLog):
    """One deploy: preflight -> apply -> follow -> first request. ``start()`` runs it on its own thread
    (the server, the magic); the CLI calls ``run()`` in the foreground with a subscriber printing the
    events and a ``confirm`` gate, so the pipeline exists once."""

    name: str  # a deploy always has its plan's name and namespace
    namespace: str

    def __init__(
        self,
        plan: Plan,
        objs,
        conn,
        request: dict,
        *,
        dry_run=False,
        follow_timeout=1800.0,
        no_follow=False,
        no_smoke=False,
        smoke_timeout=120.0,
        on_change=None,
        confirm=None,
    ):
        super().__init__()
        self.id = uuid.uuid4().hex[:12]
        self.plan, self.objs, self.conn = plan, objs, conn
        self.name, self.namespace = plan.name, plan.namespace
        self.request = dict(request)
        self.dry_run, self.follow_timeout, self.no_follow, self.no_smoke = dry_run, follow_timeout, no_follow, no_smoke
        self.smoke_timeout = smoke_timeout
        self.on_change = on_change  # called when the cluster's GPU use may have changed (stale inventory)
        self.confirm = confirm  # called after a passing preflight; False stops the task (state cancelled)
        self.state = "queued"
        # the JSON of each step, None until it ran
        self.preflight: dict[str, Any] | None = None
        self.apply: dict[str, Any] | None = None
        self.timeline: dict[str, Any] | None = None
        self.error: dict[str, Any] | None = None
        self.report: Report | None = None  # the PreflightReport and ApplyResult behind the JSON
        self.result: ApplyResult | None = None
        self.exception: OptiServeError | None = None  # what failed, for a caller that re-raises it
        self._cancel = threading.Event()
        self._tl = None
        self._seen_entries = 0
        self._last_tl = None
        self.thread: threading.Thread | None = None
        self.done = threading.Event()

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL

    @property
    def tl(self):
        """The live Timeline (None before following)."""
        return self._tl

    def _set_state(self, state: str) -> None:
        with self._lock:
            self.state = state
        self.emit("state", {"state": state})

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> Task:
        self.emit("state", {"state": self.state})
        self.thread = threading.Thread(target=self.run, name=f"optiserve-deploy-{self.name}", daemon=True)
        self.thread.start()
        return self

    def cancel(self) -> bool:
        """Stop at the next step (or the next watch event while following). What was created stays."""
        if self.terminal:
            return False
        self._cancel.set()
        tl = self._tl
        if tl is not None and tl.outcome is None:
            tl.cancel()  # follow() re-checks its loop condition at least every 0.5 s
        return True

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def run(self) -> None:
        from jupyter_optiserve.deploy import Deployer, follow, run_preflight
        from jupyter_optiserve.deploy.resources import KINDS

        final = "failed"
        try:
            self._check_cancel()
            self._set_state("preflight")
            report = self.report = run_preflight(self.plan, self.objs, self.conn, dry_run=True)
            self.preflight = report.to_dict()
            self.emit("preflight", self.preflight)
            if not report.ok:
                first = report.failures[0]
                self.error = {
                    "error": "PreflightFailed",
                    "detail": f"preflight: {len(report.failures)} check(s) failed: {first.id}: {first.message}",
                    "hint": first.fix or "see the preflight checks",
                }
                self.emit("error", self.error)
                return
            if self.confirm is not None and not self.confirm(self):
                raise Cancelled()
            self._check_cancel()
            self._set_state("applying")
            result = self.result = Deployer(self.conn).apply(self.objs, dry_run=self.dry_run)
            self._changed()
            self.apply = result.to_dict()
            self.emit("apply", self.apply)
            if self.dry_run or self.no_follow:
                final = "applied"
                return
            self._check_cancel()
            self._set_state("following")
            kind = KINDS["LLMInferenceService" if self.plan.target == "llmisvc" else "InferenceService"]
            tl = follow(
                self.conn, self.name, self.namespace, timeout=self.follow_timeout, on_update=self._on_update, kind=kind
            )
            self._on_update(tl)
            if self._cancel.is_set():
                tl.cancel()
                self._on_update(tl)
                raise Cancelled()
            if tl.outcome == "ready" and not self.no_smoke:
                self._set_state("smoke")
                self._smoke(tl)
                self._on_update(tl)
            self.timeline = tl.to_dict()
            if tl.outcome == "ready":
                final = "ready" if (tl.smoke or {}).get("ok", True) else "failed"
            elif tl.outcome == "timeout":
                final = "timeout"
            if final == "failed":
                d = tl.diagnosis
                self.error = {
                    "error": "DeployFailed",
                    "detail": (d.cause if d else None) or ((tl.smoke or {}).get("error")) or f"outcome {tl.outcome}",
                    "hint": (d.fix if d else None) or ((tl.smoke or {}).get("fix")) or "see the timeline",
                }
                self.emit("error", self.error)
        except Cancelled:
            final = "cancelled"
        except OptiServeError as exc:
            self.exception = exc
            self.error = exc.to_dict()
            self.emit("error", self.error)
        except Exception as exc:
            log.exception("optiserve: deploy task %s failed", self.id)
            self.error = {
                "error": "InternalError",
                "detail": f"{type(exc).__name__}: {exc}",
                "hint": "see the Jupyter server log",
            }
            self.emit("error", self.error)
        finally:
            if self._tl is not None and self.timeline is None:
                self.timeline = self._tl.to_dict()
            try:
                if self.conn is not None:
                    self.conn.close()
            except Exception:
                pass
            self._changed()
            self._set_state(final)
            self.emit("end", self.to_dict(events=False))
            self.done.set()

    def _changed(self) -> None:
        if self.on_change is not None and not self.dry_run:
            try:
                self.on_change()
            except Exception:
                pass

    def _on_update(self, tl) -> None:
        self._tl = tl
        if self._cancel.is_set() and tl.outcome is None:
            tl.cancel()
        for t, text in tl.entries[self._seen_entries :]:
            self.emit("entry", {"t_s": t, "text": text})
        self._seen_entries = len(tl.entries)
        d = tl.to_dict()
        if d != self._last_tl:
            self._last_tl = d
            self.timeline = d
            self.emit("timeline", d)

    def _smoke(self, tl) -> None:
        from jupyter_optiserve.deploy.smoke import record_smoke

        record_smoke(self.conn, self.plan, tl, timeout=min(self.smoke_timeout, self.follow_timeout))
        self.emit("smoke", tl.smoke)

    # -- views ----------------------------------------------------------------------------------------
    def to_dict(self, events: bool = True) -> dict:
        with self._lock:
            out = {
                "id": self.id,
                "name": self.name,
                "namespace": self.namespace,
                "state": self.state,
                "terminal": self.terminal,
                "created": round(self.created, 3),
                "updated": round(self.updated, 3),
                "request": self.request,
                "plan": self.plan.summary() if self.plan is not None else None,
                "preflight": self.preflight,
                "apply": self.apply,
                "timeline": self.timeline,
                "error": self.error,
            }
            if events:
                out["events"] = list(self.events)
            return out
