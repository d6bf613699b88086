"""The deploy view: plan preview with Deploy/Cancel, then a live phase timeline.

``DeployView(deployment, confirm=True).widget`` is an ipywidgets ``VBox``; without ipywidgets,
``TextProgress`` prints each new timeline message instead (the plain-text path).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from jupyter_optiserve.deploy.timeline import PHASES
from jupyter_optiserve.errors import OptiServeError
from jupyter_optiserve.magics import display

if TYPE_CHECKING:
    from jupyter_optiserve.magics.objects import Deployment


def available() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _progress(tl: dict | None) -> int:
    """Phases finished (a failed one counts as reached)."""
    phases = (tl or {}).get("phases") or []
    return sum(1 for p in phases if p["state"] in ("done", "failed"))


class DeployView:
    """Widgets: ``header``, ``preview`` (plan HTML), ``confirm``/``cancel`` buttons, ``progress``,
    ``phases`` (timeline HTML), ``result`` (endpoint + snippets, or cause + fix)."""

    def __init__(self, deployment, confirm: bool = True):
        import ipywidgets as w

        self.d = deployment
        self._lock = threading.Lock()
        self.header = w.HTML(self._header())
        self.preview = w.HTML(display.plan_html(deployment.plan.to_dict()))
        self.confirm = w.Button(
            description="Deploy",
            button_style="success",
            icon="rocket",
            tooltip=f"create {deployment.name} in {deployment.namespace}",
        )
        self.cancel = w.Button(description="Cancel", tooltip="do not create anything")
        self.buttons = w.HBox([self.confirm, self.cancel])
        steps = len(PHASES) - (1 if deployment.request.get("no_smoke") else 0)  # first-response is the smoke
        self.progress = w.IntProgress(value=0, min=0, max=steps, description=f"0/{steps}", bar_style="info")
        self.phases = w.HTML("")
        self.result = w.HTML("")
        self.confirm.on_click(self._on_confirm)
        self.cancel.on_click(self._on_cancel)
        blocked = deployment.state == "blocked"
        self.confirm.disabled = blocked
        shown = [self.header, self.preview]
        if confirm or blocked:
            shown.append(self.buttons)
        self.live = w.VBox([self.progress, self.phases, self.result])
        self.widget = w.VBox(shown + [self.live])
        self.live.layout.display = "none" if confirm or blocked else None
        deployment.subscribe(self.update)
        self.update(deployment)

    def _header(self) -> str:
        d = self.d
        prof = (d.plan.plan.get("profile") or {}).get("name")
        return (
            f"<b>{display.esc(d.name)}</b> in {display.esc(d.namespace)}: {display.esc(prof)}"
            f" &mdash; <i>{display.esc(d.state)}</i>"
        )

    def _on_confirm(self, _button=None) -> None:
        self.confirm.disabled = True  # Cancel stays: it stops the running task (what it created stays)
        self.cancel.tooltip = "stop the deploy task (objects already created stay; delete removes them)"
        self.live.layout.display = None
        try:
            self.d.start()
        except OptiServeError:
            pass  # the deployment holds the error; update() shows it with its fix

    def _on_cancel(self, _button=None) -> None:
        self.confirm.disabled = self.cancel.disabled = True
        self.d.cancel()

    def update(self, d) -> None:
        """Re-render from the deployment (called from the deploy thread)."""
        with self._lock:
            self.header.value = self._header()
            if d.done:
                self.confirm.disabled = self.cancel.disabled = True
            tl = d.timeline
            if d.state not in ("planned", "blocked"):
                self.preview.value = display.details("Plan", display.plan_text(d.plan.to_dict()))
            n = min(_progress(tl), self.progress.max)
            self.progress.value = n
            self.progress.description = f"{n}/{self.progress.max}"
            self.progress.bar_style = {"ready": "success", "failed": "danger", "timeout": "warning"}.get(
                d.state, "info"
            )
            self.phases.value = display.timeline_html(tl, with_result=False) if tl else self._before_timeline(d)
            self.result.value = (display.result_html(tl) if tl else "") + self._error(d)

    @staticmethod
    def _before_timeline(d) -> str:
        if d.state == "cancelled":
            return "<p>Cancelled: nothing was created.</p>"
        if d.actions:
            return display.bullet_list(f"{a['action']}: {a['kind']}/{a['name']}" for a in d.actions)
        return "" if d.state in ("planned", "blocked") else f"<p>{display.esc(d.state)}...</p>"

    @staticmethod
    def _error(d) -> str:
        if not d.error:
            return ""
        return (
            "<p class=fail><b>"
            + display.esc(display.error_lines(d.error)[0])
            + "</b></p>"
            + (f"<p><b>Fix:</b> {display.esc(d.error.get('hint'))}</p>" if d.error.get("hint") else "")
        )


class TextProgress:
    """Plain text: start the deploy and print each new step from this (the cell's) thread until it ends."""

    def __init__(self, deployment: Deployment, out: Callable[[str], None] = print) -> None:
        self.d, self.out = deployment, out
        self.changes: queue.Queue = queue.Queue()
        self.seen, self.applied = 0, False
        self.state: str | None = None  # the last state printed
        deployment.subscribe(self.changes.put)

    def run(self, poll: float = 0.5):
        self.d.start()
        while not self.d.done:
            try:
                self.changes.get(timeout=poll)
            except queue.Empty:
                continue
            self.show()
        self.show()
        if self.d.timeline:
            self.out(display.timeline_text(self.d.timeline))
        if self.d.error:
            self.out("\n".join(display.error_lines(self.d.error)))
        return self.d

    def show(self) -> None:
        d = self.d
        if d.state != self.state:
            self.state = d.state
            self.out(f"[{d.state}]")
        if d.actions and not self.applied:
            self.applied = True
            for a in d.actions:
                self.out(f"{a['action']}: {a['kind']}/{a['name']}")
        events = (d.timeline or {}).get("events") or []
        for e in events[self.seen :]:
            self.out(f"  {e['t_s']:7.1f}s  {e['text']}")
        self.seen = len(events)
