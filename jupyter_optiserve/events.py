"""Numbered task events and the registry of background tasks, shared by deploys and benchmarks.

A task records each step as an event ``{"seq", "time", "type", "data"}`` and pushes it to its
subscribers (the server's event stream, a notebook widget, the CLI's progress printer). A late
subscriber gets a replay of what it missed, atomically with its registration, so nothing is missed
or sent twice. Lives below ``service`` so the engine's benchmark tasks can use it too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from jupyter_optiserve.errors import ConflictError

log = logging.getLogger("jupyter_optiserve.tasks")

MAX_EVENTS = 5000


class EventLog:
    """The numbered events of one task and its subscribers. Subclasses set ``id``, ``name``,
    ``namespace`` and a ``terminal`` property (for the registry)."""

    id: str
    name: str | None
    namespace: str | None

    @property
    def terminal(self) -> bool:
        raise NotImplementedError  # each task kind knows its own end states

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.created = self.updated = time.time()
        self._seq = 0
        self._lock = threading.RLock()
        self._subs: list = []

    def emit(self, typ: str, data) -> dict:
        with self._lock:
            self._seq += 1
            self.updated = time.time()
            ev = {"seq": self._seq, "time": round(self.updated, 3), "type": typ, "data": data}
            self.events.append(ev)
            if len(self.events) > MAX_EVENTS:  # keep the first (state) and the most recent
                del self.events[1 : len(self.events) - MAX_EVENTS + 1]
            subs = list(self._subs)
        for cb in subs:
            try:
                cb(ev)
            except Exception:
                log.exception("optiserve: task subscriber failed")
        return ev

    def subscribe(self, callback, after: int = 0):
        """Register ``callback(event)``; returns (events with seq > ``after`` so far, unsubscribe)."""
        with self._lock:
            replay = [e for e in self.events if e["seq"] > after]
            self._subs.append(callback)

        def unsubscribe():
            with self._lock:
                if callback in self._subs:
                    self._subs.remove(callback)

        return replay, unsubscribe


class TaskRegistry:
    """The tasks of one process, newest last; at most ``max_finished`` finished ones are kept, and
    one running task per (name, namespace)."""

    def __init__(self, max_finished: int = 50):
        self.max_finished = max_finished
        self._tasks: OrderedDict[str, EventLog] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, task):
        with self._lock:
            running = self._running(task.name, task.namespace)
            if running is not None:
                raise ConflictError(
                    self._conflict(task, running), hint="follow it, or cancel it first", task=running.id
                )
            self._tasks[task.id] = task
            finished = [t for t in self._tasks.values() if t.terminal]
            for t in finished[: max(0, len(finished) - self.max_finished)]:
                self._tasks.pop(t.id, None)
        return task

    def _conflict(self, task, running) -> str:
        return f"a deploy of '{task.name}' in {task.namespace} is already running (task {running.id})"

    def _running(self, name: str | None, namespace: str | None):
        return next(
            (
                t
                for t in reversed(self._tasks.values())
                if t.name == name and t.namespace == namespace and not t.terminal
            ),
            None,
        )

    def list(self, namespace: str | None = None) -> list:
        with self._lock:
            return [t for t in self._tasks.values() if namespace is None or t.namespace == namespace]

    def latest(self, name: str, namespace: str | None = None):
        with self._lock:
            return next(
                (
                    t
                    for t in reversed(self._tasks.values())
                    if t.name == name and (namespace is None or t.namespace == namespace)
                ),
                None,
            )

    def get(self, task_id: str):
        with self._lock:
            return self._tasks.get(task_id)

    def cancel_all(self) -> None:
        for t in self.list():
            t.cancel()
