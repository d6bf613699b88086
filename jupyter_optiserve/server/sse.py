"""``GET /optiserve/deployments/{name}/events``: the deploy progress as server-sent events.

The task's events so far (after ``Last-Event-ID`` when the browser reconnects), then live ones as
the deploy thread emits them (handed to the event loop with ``call_soon_threadsafe``), a comment
line every ``sse_heartbeat`` seconds so proxies keep the connection open, and the stream closes
after the ``end`` event. Without a task in this server (another server started it, or this one
restarted) it sends the cluster's view once (``snapshot``) and ``end``.
"""

from __future__ import annotations

import asyncio

import tornado.web
from tornado.iostream import StreamClosedError

from jupyter_optiserve.server.handlers import OptiServeHandler
from jupyter_optiserve.service import jsonsafe


def format_event(ev: dict) -> str:
    data = jsonsafe.dumps(ev["data"], default=str)
    return f"id: {ev['seq']}\nevent: {ev['type']}\ndata: {data}\n\n"


class TaskStreamHandler(OptiServeHandler):
    """Streams one task's events (deploy or benchmark: both keep numbered events and subscribers)."""

    _track_activity = False  # a long-lived stream is not user activity

    def _start_stream(self) -> None:
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")  # no proxy buffering (nginx, OpenShift routes)

    async def _send(self, text: str) -> None:
        self.write(text)
        await self.flush()

    async def stream_task(self, task, label: str) -> None:
        """The task's events after ``Last-Event-ID``, then live ones until ``end``, with heartbeats."""
        try:
            after = int(self.request.headers.get("Last-Event-ID") or 0)
        except ValueError:
            after = 0
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        def push(ev):  # called on the task's thread
            try:
                loop.call_soon_threadsafe(queue.put_nowait, ev)
            except RuntimeError:  # the loop is closed (server shutting down)
                pass

        replay, unsubscribe = task.subscribe(push, after=after)
        heartbeat = float(self.settings.get("optiserve_sse_heartbeat", 15.0))
        self._start_stream()
        try:
            await self._send(f"retry: 3000\n: {label} {task.id}\n\n")
            for ev in replay:
                await self._send(format_event(ev))
                if ev["type"] == "end":
                    return
            while True:
                try:
                    ev = await asyncio.wait_for(queue.get(), timeout=heartbeat)
                except TimeoutError:
                    await self._send(": heartbeat\n\n")
                    continue
                await self._send(format_event(ev))
                if ev["type"] == "end":
                    return
        except StreamClosedError:  # the browser went away; the task keeps running
            pass
        finally:
            unsubscribe()
            if not self._finished:
                try:
                    self.finish(set_content_type="text/event-stream; charset=utf-8")
                except StreamClosedError:
                    pass


class EventsHandler(TaskStreamHandler):
    api_path = "/optiserve/deployments/{name}/events"

    @tornado.web.authenticated
    async def get(self, name):
        params = self.params("get")
        settings = self.optiserve
        ns = params.get("namespace") or settings.namespace
        task = settings.tasks.latest(name, ns)
        if task is None:
            snap = await self.blocking(self.session.status, name, params.get("namespace"))
            self._start_stream()
            await self._send(format_event({"seq": 1, "type": "snapshot", "data": snap}))
            await self._send(format_event({"seq": 2, "type": "end", "data": {"name": name, "task": None}}))
            self.finish(set_content_type="text/event-stream; charset=utf-8")
            return
        await self.stream_task(task, "task")
