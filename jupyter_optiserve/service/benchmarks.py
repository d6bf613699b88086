"""Benchmarks over REST: start one on a deployment (a background task), list and show stored runs,
cancel, calibrate. The shapes are the CLI's (``optiserve benchmark/benchmarks/calibrate --json``).

Only deployments are benchmarked through the server: a URL or a token variable in a request body
would let any caller point the server's client (or its environment) somewhere else. Plain URLs are
for the CLI and the magic, which run as the user.
"""

from __future__ import annotations

import threading

from jupyter_optiserve.errors import InvalidInputError, NotFoundError
from jupyter_optiserve.service.settings import Settings

_lock = threading.Lock()


def tasks(settings: Settings):
    """This server's benchmark tasks (kept on the Settings instance, like its deploy tasks)."""
    from jupyter_optiserve.benchmark.tasks import BenchmarkTasks

    with _lock:
        if settings._benchmark_tasks is None:
            settings._benchmark_tasks = BenchmarkTasks(settings.max_tasks)
        return settings._benchmark_tasks


def start_benchmark(body: dict, settings: Settings, store=None) -> dict:
    """Check now (bad input, unknown or not-Ready deployment fail synchronously), then measure in a task."""
    from jupyter_optiserve.benchmark import session
    from jupyter_optiserve.benchmark.store import new_id
    from jupyter_optiserve.benchmark.target import from_deployment
    from jupyter_optiserve.benchmark.tasks import BenchmarkTask

    req = session.BenchmarkRequest.from_dict(body)
    req.workload()  # raises on bad lengths before a task starts
    if not req.name:  # the REST schema requires it; only deployments are benchmarked through the server
        raise InvalidInputError(
            "a benchmark through the server needs the name of a deployment",
            hint='send "name": the OptiServe deployment to measure',
            field="name",
        )
    conn = settings.connect(body.get("namespace"))
    try:
        req.namespace = req.namespace or settings.namespace or conn.namespace
        from_deployment(conn, req.name, req.namespace, req.cluster, read_token=False)  # 404 / 409 now
    except BaseException:
        conn.close()
        raise

    task_id = new_id()

    def work(on_progress, cancel):
        try:
            return session.run(req, conn=conn, store=store, on_progress=on_progress, cancel=cancel, run_id=task_id)
        finally:
            conn.close()

    task = BenchmarkTask(task_id, {**body, "namespace": req.namespace}, work)
    try:
        tasks(settings).add(task)
    except BaseException:
        conn.close()
        raise
    task.start()
    return task.to_dict()


def measure(body: dict, settings: Settings, on_progress=None, store=None) -> dict:
    """Benchmark in the caller's thread (the CLI, the magic): a deployment by ``name`` (through the
    cluster) or any OpenAI-compatible ``url``; the stored run."""
    from jupyter_optiserve.benchmark import session

    req = session.BenchmarkRequest.from_dict(body)
    conn = settings.connect(body.get("namespace")) if body.get("name") else None
    try:
        return session.run(req, conn=conn, store=store, on_progress=on_progress)
    finally:
        if conn is not None:
            conn.close()


def list_benchmarks(settings: Settings, limit: int = 50, store=None) -> dict:
    from jupyter_optiserve.benchmark.store import Store

    s = store or Store()
    return {"runs": s.list_runs(limit), "tasks": [t.to_dict(events=False) for t in tasks(settings).list()]}


def get_benchmark(run_id: str, settings: Settings, store=None) -> dict:
    """A stored run (``optiserve benchmarks show ID --json``), else this server's task of that id."""
    from jupyter_optiserve.benchmark.store import Store

    try:
        return (store or Store()).get_run(run_id)
    except NotFoundError:
        task = tasks(settings).get(run_id)
        if task is None:
            raise
        return task.to_dict(events=False)


def cancel_benchmark(task_id: str, settings: Settings) -> dict:
    task = tasks(settings).get(task_id)
    if task is None:
        raise NotFoundError(
            f"no benchmark task '{task_id}' in this server", hint="GET /optiserve/benchmarks lists this server's tasks"
        )
    task.cancel()
    task.done.wait(15)
    return task.to_dict(events=False)


def calibrate(body: dict, store=None) -> dict:
    """``optiserve calibrate [--cluster C] [--dry-run] [--reset] --json``."""
    from jupyter_optiserve.benchmark import calibrate as cal
    from jupyter_optiserve.benchmark.store import Store

    s = store or Store()
    if body.get("reset"):
        return {"reset": True, "cluster": body.get("cluster"), "removed": s.reset_corrections(body.get("cluster"))}
    return cal.calibrate(s, body.get("cluster"), dry_run=bool(body.get("dry_run")))
