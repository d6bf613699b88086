"""REST for benchmarks (``service/benchmarks.py``) and their progress stream.

``GET /optiserve/benchmarks/{id}/events`` is the deploy stream's format (``server/sse.py``): the
task's events so far (after ``Last-Event-ID``), live ones, heartbeats, and ``end``.
"""

from __future__ import annotations

import tornado.web

from jupyter_optiserve.errors import NotFoundError
from jupyter_optiserve.server.handlers import OptiServeHandler
from jupyter_optiserve.server.sse import TaskStreamHandler
from jupyter_optiserve.service import benchmarks as svc


class BenchmarksHandler(OptiServeHandler):
    api_path = "/optiserve/benchmarks"

    @tornado.web.authenticated
    async def get(self):
        limit = int(self.params("get").get("limit") or 50)
        self.reply(await self.blocking(self.session.benchmarks, limit))

    @tornado.web.authenticated
    async def post(self):
        body = await self.body("post")
        task = await self.blocking(self.session.benchmark, body, check=False)
        self.set_header("Location", f"{self.base_url.rstrip('/')}/optiserve/benchmarks/{task['id']}")
        self.reply(task, 202)


class BenchmarkHandler(OptiServeHandler):
    api_path = "/optiserve/benchmarks/{id}"

    @tornado.web.authenticated
    async def get(self, id):
        self.params("get")
        self.reply(await self.blocking(self.session.benchmark_run, id))


class BenchmarkCancelHandler(OptiServeHandler):
    api_path = "/optiserve/benchmarks/{id}/cancel"

    @tornado.web.authenticated
    async def post(self, id):
        self.params("post")
        self.reply(await self.blocking(self.session.cancel_benchmark, id))


class CalibrateHandler(OptiServeHandler):
    api_path = "/optiserve/calibrate"

    @tornado.web.authenticated
    async def post(self):
        self.reply(await self.blocking(self.session.calibrate, await self.body("post"), check=False))


class BenchmarkEventsHandler(TaskStreamHandler):
    api_path = "/optiserve/benchmarks/{id}/events"

    @tornado.web.authenticated
    async def get(self, id):
        self.params("get")
        task = svc.tasks(self.optiserve).get(id)
        if task is None:
            raise NotFoundError(
                f"no benchmark task '{id}' in this server",
                hint="tasks live in the server's memory; a stored run is at GET /optiserve/benchmarks/{id}",
            )
        await self.stream_task(task, "benchmark")


def routes() -> list[tuple[str, type]]:
    bid = r"(?P<id>[A-Za-z0-9-]+)"
    return [
        ("/optiserve/benchmarks", BenchmarksHandler),
        (f"/optiserve/benchmarks/{bid}", BenchmarkHandler),
        (f"/optiserve/benchmarks/{bid}/cancel", BenchmarkCancelHandler),
        (f"/optiserve/benchmarks/{bid}/events", BenchmarkEventsHandler),
        ("/optiserve/calibrate", CalibrateHandler),
    ]
