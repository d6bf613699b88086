"""Every benchmark run, kept in SQLite in the user's Jupyter data directory.

- Versioned schema: ``PRAGMA user_version`` and ``MIGRATIONS`` applied in order under one write lock.
- Safe with concurrent writers (the Jupyter server and a notebook at once): WAL journal, a long busy
  timeout, and each run written in one ``BEGIN IMMEDIATE`` transaction, so a finished run is either
  all there or not at all, and never lost to a concurrent writer.
- One row per level, with the run's cluster, accelerator, GPUs, model, profile, engine version,
  runtime args and workload, the measured and the predicted values.

``$OPTISERVE_BENCHMARK_DB`` points at another file (tests, a shared volume).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from jupyter_optiserve.errors import NotFoundError

DB_ENV = "OPTISERVE_BENCHMARK_DB"
METRIC_COLUMNS = ("ttft_ms", "itl_ms", "request_latency_ms")
STATS = ("mean", "p50", "p90", "p99")
RATE_COLUMNS = ("output_tokens_per_s", "requests_per_s")

MIGRATIONS = [
    # 1: runs and their levels
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY, created_at TEXT NOT NULL, source TEXT NOT NULL,
        endpoint TEXT, model TEXT, cluster TEXT, namespace TEXT, deployment TEXT,
        accelerator TEXT, gpus INTEGER, profile_id TEXT, engine_version TEXT,
        runtime_args TEXT NOT NULL DEFAULT '[]', workload TEXT NOT NULL DEFAULT '{}');
    CREATE TABLE levels (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
        concurrency INTEGER, rate REAL, requests INTEGER NOT NULL, errors INTEGER NOT NULL,
        measured TEXT NOT NULL, predicted TEXT, PRIMARY KEY (run_id, idx));
    CREATE INDEX runs_created ON runs(created_at);
    """,
    # 2: where a run came from beyond the table's columns (report versions, notes), and fitted corrections
    """
    ALTER TABLE runs ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
    CREATE INDEX runs_cluster ON runs(cluster, accelerator, engine_version);
    CREATE TABLE corrections (
        cluster TEXT NOT NULL, accelerator TEXT NOT NULL, engine_version TEXT NOT NULL,
        metric TEXT NOT NULL, regime TEXT NOT NULL, factor REAL NOT NULL, runs INTEGER NOT NULL,
        fitted_at TEXT NOT NULL, PRIMARY KEY (cluster, accelerator, engine_version, metric, regime));
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def default_path() -> Path:
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "optiserve" / "benchmarks.sqlite"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._write() as db:
            migrate(db)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout = 60000")
        db.execute("PRAGMA foreign_keys = ON")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        return db

    @contextmanager
    def _write(self):
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock between writers
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    @contextmanager
    def _read(self):
        db = self._connect()
        try:
            yield db
        finally:
            db.close()

    # ---- runs ----
    def add_run(self, run: dict) -> str:
        """Store a finished run (``run`` is the CLI's JSON plus context fields); returns its id."""
        rid = run.get("id") or new_id()
        ctx = run.get("context") or {}
        with self._write() as db:
            db.execute(
                "INSERT INTO runs (id, created_at, source, endpoint, model, cluster, namespace, deployment, accelerator,"
                " gpus, profile_id, engine_version, runtime_args, workload, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    rid,
                    run.get("created_at") or _now(),
                    run.get("source") or "client",
                    run.get("endpoint"),
                    run.get("model"),
                    ctx.get("cluster"),
                    ctx.get("namespace"),
                    ctx.get("deployment"),
                    ctx.get("accelerator"),
                    ctx.get("gpus"),
                    ctx.get("profile_id"),
                    ctx.get("engine_version"),
                    json.dumps(ctx.get("runtime_args") or []),
                    json.dumps(run.get("workload") or {}),
                    json.dumps(run.get("meta") or {}),
                ),
            )
            for i, lv in enumerate(run["levels"]):
                measured = {k: v for k, v in lv.items() if k not in ("predicted", "error_pct")}
                db.execute(
                    "INSERT INTO levels VALUES (?,?,?,?,?,?,?,?)",
                    (
                        rid,
                        i,
                        lv.get("concurrency"),
                        lv.get("rate"),
                        lv.get("requests") or 0,
                        lv.get("errors") or 0,
                        json.dumps(measured),
                        json.dumps(lv["predicted"]) if lv.get("predicted") else None,
                    ),
                )
        return rid

    def list_runs(self, limit: int = 100) -> list[dict]:
        with self._read() as db:
            rows = db.execute(
                "SELECT r.*, (SELECT COUNT(*) FROM levels l WHERE l.run_id = r.id) AS n_levels "
                "FROM runs r ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [{**_run_row(r), "levels": r["n_levels"]} for r in rows]

    def get_run(self, rid: str) -> dict:
        with self._read() as db:
            r = db.execute("SELECT * FROM runs WHERE id = ?", (rid,)).fetchone()
            if r is None:
                r = self._by_prefix(db, rid)
            levels = db.execute("SELECT * FROM levels WHERE run_id = ? ORDER BY idx", (r["id"],)).fetchall()
        out = _run_row(r)
        out["levels"] = [_level_row(lv) for lv in levels]
        return out

    def _by_prefix(self, db, rid: str):
        rows = (
            db.execute("SELECT * FROM runs WHERE id LIKE ? LIMIT 2", (rid + "%",)).fetchall() if len(rid) >= 4 else []
        )
        if len(rows) != 1:
            recent = [x[0] for x in db.execute("SELECT id FROM runs ORDER BY created_at DESC LIMIT 5")]
            raise NotFoundError(
                f"no benchmark run '{rid}'" + (" (ambiguous prefix)" if rows else ""),
                hint="`optiserve benchmarks` lists the stored runs",
                matches=recent,
            )
        return rows[0]

    def runs_for_calibration(self) -> list[dict]:
        """Runs with predictions, with their levels (the calibration's input)."""
        with self._read() as db:
            runs = db.execute(
                "SELECT * FROM runs WHERE id IN (SELECT run_id FROM levels WHERE predicted IS NOT NULL)"
                " ORDER BY created_at"
            ).fetchall()
            levels = db.execute("SELECT * FROM levels WHERE predicted IS NOT NULL ORDER BY run_id, idx").fetchall()
        by_run: dict[str, list] = {}
        for lv in levels:
            by_run.setdefault(lv["run_id"], []).append(_level_row(lv))
        return [{**_run_row(r), "levels": by_run.get(r["id"], [])} for r in runs]

    def export_csv(self) -> str:
        """One row per level with its run's fields, measured and predicted figures."""
        head = [
            "run_id",
            "created_at",
            "source",
            "endpoint",
            "model",
            "cluster",
            "namespace",
            "deployment",
            "accelerator",
            "gpus",
            "profile_id",
            "engine_version",
            "runtime_args",
            "input_len",
            "output_len",
            "api",
            "level",
            "concurrency",
            "rate",
            "requests",
            "errors",
        ]
        head += [f"{m}_{s}" for m in METRIC_COLUMNS for s in STATS] + list(RATE_COLUMNS)
        head += [f"predicted_{m}" for m in (*METRIC_COLUMNS, *RATE_COLUMNS)]
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(head)
        with self._read() as db:
            rows = db.execute(
                "SELECT r.*, l.idx, l.concurrency, l.rate, l.requests, l.errors, l.measured, l.predicted "
                "FROM runs r JOIN levels l ON l.run_id = r.id ORDER BY r.created_at, l.idx"
            ).fetchall()
        for r in rows:
            m, p, wl = json.loads(r["measured"]), json.loads(r["predicted"] or "{}"), json.loads(r["workload"])
            w.writerow(
                [
                    r["id"],
                    r["created_at"],
                    r["source"],
                    r["endpoint"],
                    r["model"],
                    r["cluster"],
                    r["namespace"],
                    r["deployment"],
                    r["accelerator"],
                    r["gpus"],
                    r["profile_id"],
                    r["engine_version"],
                    " ".join(json.loads(r["runtime_args"])),
                    wl.get("input_len"),
                    wl.get("output_len"),
                    wl.get("api"),
                    r["idx"],
                    r["concurrency"],
                    r["rate"],
                    r["requests"],
                    r["errors"],
                ]
                + [(m.get(k) or {}).get(s) for k in METRIC_COLUMNS for s in STATS]
                + [m.get(k) for k in RATE_COLUMNS]
                + [p.get(k) for k in (*METRIC_COLUMNS, *RATE_COLUMNS)]
            )
        return buf.getvalue()

    # ---- corrections ----
    def save_corrections(self, cluster: str, rows: list[dict]) -> None:
        """Replace the cluster's corrections with ``rows`` ({accelerator, engine_version, metric, regime,
        factor, runs})."""
        with self._write() as db:
            db.execute("DELETE FROM corrections WHERE cluster = ?", (cluster,))
            for r in rows:
                db.execute(
                    "INSERT INTO corrections VALUES (?,?,?,?,?,?,?,?)",
                    (
                        cluster,
                        r["accelerator"],
                        r["engine_version"],
                        r["metric"],
                        r["regime"],
                        r["factor"],
                        r["runs"],
                        _now(),
                    ),
                )

    def reset_corrections(self, cluster: str | None = None) -> int:
        with self._write() as db:
            cur = db.execute(
                "DELETE FROM corrections" + (" WHERE cluster = ?" if cluster else ""), (cluster,) if cluster else ()
            )
            return cur.rowcount

    def corrections(self, cluster: str, accelerator: str, engine_version: str) -> list[dict]:
        with self._read() as db:
            rows = db.execute(
                "SELECT * FROM corrections WHERE cluster = ? AND accelerator = ? AND engine_version = ?",
                (cluster, accelerator, engine_version),
            ).fetchall()
        return [dict(r) for r in rows]


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema to ``SCHEMA_VERSION`` (inside the caller's write transaction)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        from jupyter_optiserve.errors import CatalogError

        raise CatalogError(
            f"the benchmark database is schema {version}, newer than this OptiServe ({SCHEMA_VERSION})",
            hint="upgrade jupyter_optiserve, or point $OPTISERVE_BENCHMARK_DB at another file",
        )
    for v in range(version, SCHEMA_VERSION):
        for stmt in filter(str.strip, MIGRATIONS[v].split(";")):
            db.execute(stmt)
        db.execute(f"PRAGMA user_version = {v + 1}")
    return SCHEMA_VERSION


def new_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def _run_row(r) -> dict:
    keys = r.keys()
    return {
        "id": r["id"],
        "created_at": r["created_at"],
        "source": r["source"],
        "endpoint": r["endpoint"],
        "model": r["model"],
        "workload": json.loads(r["workload"]),
        "context": {
            "cluster": r["cluster"],
            "namespace": r["namespace"],
            "deployment": r["deployment"],
            "accelerator": r["accelerator"],
            "gpus": r["gpus"],
            "profile_id": r["profile_id"],
            "engine_version": r["engine_version"],
            "runtime_args": json.loads(r["runtime_args"]),
        },
        "meta": json.loads(r["meta"]) if "meta" in keys else {},
    }


def _level_row(lv) -> dict:
    out = json.loads(lv["measured"])
    if lv["predicted"]:
        from jupyter_optiserve.benchmark.compare import error_pct

        out["predicted"] = json.loads(lv["predicted"])
        out["error_pct"] = error_pct(out, out["predicted"])
    return out
