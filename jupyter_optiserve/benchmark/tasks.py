"""Benchmarks the Jupyter server runs in the background, with numbered events for a progress bar.

Same event model as deploy tasks (``service/tasks.py``): ``seq``, Unix ``time``, ``type``, ``data``;
subscribers get each event as it happens and a late subscriber gets a replay. Types: ``state``
({"state"}), ``progress`` ({"index", "levels", "done", "requests", "concurrency"}: a bar per level,
at most every 0.25 s), ``level`` (a finished level, measured and predicted: one chart point),
``job`` (the GuideLLM Job's state), ``result`` (the stored run), ``error``, ``end`` (the task).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from jupyter_optiserve.errors import OptiServeError
from jupyter_optiserve.events import EventLog, TaskRegistry

TERMINAL = frozenset({"stored", "failed", "cancelled"})
PROGRESS_EVERY_S = 0.25


class BenchmarkTask(EventLog):
    def __init__(self, task_id: str, request: dict, work):
        """``work(on_progress, cancel)`` measures and stores, returning the run."""
        super().__init__()
        self.id, self.request, self._work = task_id, dict(request), work
        self.name, self.namespace = request.get("name"), request.get("namespace")
        self.state = "queued"
        self.error: dict[str, Any] | None = None
        self.run: dict[str, Any] | None = None
        self.progress: dict = {}
        self.levels: list[dict] = []
        self.cancel_event, self.done = threading.Event(), threading.Event()
        self._last_progress = 0.0

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL

    def _set_state(self, state: str) -> None:
        self.state = state
        self.emit("state", {"state": state})

    def on_progress(self, e: dict) -> None:
        kind = e.get("event")
        if kind in ("level", "request"):
            self.progress = {
                "index": e["index"],
                "levels": e.get("levels", self.progress.get("levels")),
                "done": e.get("done", 0),
                "requests": e["requests"],
                "concurrency": e.get("concurrency", self.progress.get("concurrency")),
            }
            now = time.monotonic()
            if kind == "level" or now - self._last_progress >= PROGRESS_EVERY_S or e.get("done") == e["requests"]:
                self._last_progress = now
                self.emit("progress", dict(self.progress))
        elif kind == "level_done":
            self.levels.append(e["level"])
            self.emit("level", e["level"])
        elif kind == "job":
            self.emit("job", {k: v for k, v in e.items() if k != "event"})

    def start(self) -> BenchmarkTask:
        self.emit("state", {"state": self.state})
        threading.Thread(target=self._main, name=f"optiserve-benchmark-{self.id}", daemon=True).start()
        return self

    def _main(self) -> None:
        try:
            self._set_state("running")
            self.run = self._work(self.on_progress, self.cancel_event)
            self.emit("result", self.run)
            self._set_state("stored")
        except OptiServeError as exc:
            self.error = exc.to_dict()
            self.emit("error", self.error)
            self._set_state("cancelled" if self.cancel_event.is_set() else "failed")
        except Exception as exc:
            self.error = {
                "error": "InternalError",
                "detail": f"unexpected {type(exc).__name__}: {exc}",
                "hint": "see the Jupyter server log",
            }
            self.emit("error", self.error)
            self._set_state("failed")
        finally:
            self.emit("end", self.to_dict(events=False))
            self.done.set()

    def cancel(self) -> bool:
        if self.terminal:
            return False
        self.cancel_event.set()
        return True

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
                "progress": self.progress or None,
                "levels": list(self.levels),
                "run": self.run,
                "error": self.error,
            }
            if events:
                out["events"] = list(self.events)
            return out


class BenchmarkTasks(TaskRegistry):
    """This server's benchmark tasks: the deploy task registry, with its own conflict message."""

    def _conflict(self, task, running) -> str:
        return f"a benchmark of '{task.name}' is already running (task {running.id})"
