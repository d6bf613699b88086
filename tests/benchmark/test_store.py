"""The SQLite store: round trip, concurrent writers in separate processes, migration, CSV export."""

import csv
import io
import json
import multiprocessing
import sqlite3

import pytest

from jupyter_optiserve.benchmark.store import MIGRATIONS, SCHEMA_VERSION, Store
from jupyter_optiserve.errors import NotFoundError


def _run(i=0, cluster="api.test:6443", predicted=None):
    lv = {
        "concurrency": 8,
        "requests": 10,
        "errors": 0,
        "ttft_ms": {"mean": 50.0 + i, "p50": 49, "p90": 60, "p99": 70},
        "itl_ms": {"mean": 10.0, "p50": 10, "p90": 11, "p99": 12},
        "request_latency_ms": {"mean": 1000.0, "p50": 990, "p90": 1100, "p99": 1200},
        "output_tokens_per_s": 800.0,
        "requests_per_s": 8.0,
    }
    if predicted:
        lv["predicted"] = predicted
    return {
        "endpoint": "http://x",
        "model": "granite",
        "workload": {"input_len": 512, "output_len": 128, "api": "completions"},
        "context": {
            "cluster": cluster,
            "accelerator": "l4",
            "gpus": 1,
            "profile_id": "abc",
            "engine_version": "0.8.5",
            "runtime_args": ["--max-model-len=4096"],
            "namespace": "demo",
            "deployment": "granite",
        },
        "levels": [lv],
    }


def test_round_trip_and_errors_against_prediction(tmp_path):
    s = Store(tmp_path / "b.sqlite")
    rid = s.add_run(
        _run(
            predicted={
                "ttft_ms": 55.0,
                "itl_ms": 9.0,
                "request_latency_ms": 1000.0,
                "output_tokens_per_s": 900.0,
                "requests_per_s": 8.0,
            }
        )
    )
    got = s.get_run(rid)
    assert got["context"]["runtime_args"] == ["--max-model-len=4096"] and got["context"]["gpus"] == 1
    lv = got["levels"][0]
    assert lv["ttft_ms"]["p99"] == 70 and lv["predicted"]["itl_ms"] == 9.0
    assert lv["error_pct"]["ttft_ms"] == 10.0 and lv["error_pct"]["itl_ms"] == -10.0
    assert s.get_run(rid[:-2])["id"] == rid  # a unique prefix works
    with pytest.raises(NotFoundError) as e:
        s.get_run("nope")
    assert rid in e.value.detail["matches"]


def _writer(path, n, k):
    s = Store(path)
    for i in range(n):
        s.add_run({**_run(k * 100 + i), "id": f"w{k}-{i}"})


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "b.sqlite"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, 15, k)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs)
    s = Store(path)
    runs = s.list_runs(1000)
    assert len(runs) == 60 and all(r["levels"] == 1 for r in runs)


def test_migrates_a_version_1_database_keeping_its_runs(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO runs (id, created_at, source, model, workload) VALUES ('old-1', '2026-01-01T00:00:00', "
        "'client', 'granite', '{\"input_len\": 8}')"
    )
    db.execute(
        "INSERT INTO levels VALUES ('old-1', 0, 1, NULL, 3, 0, ?, NULL)",
        (json.dumps({"concurrency": 1, "requests": 3, "errors": 0}),),
    )
    db.commit()
    db.close()
    s = Store(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    old = s.get_run("old-1")
    assert old["meta"] == {} and old["workload"]["input_len"] == 8 and old["levels"][0]["requests"] == 3
    s.save_corrections("c", [])  # the version 2 table exists


def test_csv_one_row_per_level(tmp_path):
    s = Store(tmp_path / "b.sqlite")
    s.add_run(_run())
    rows = list(csv.DictReader(io.StringIO(s.export_csv())))
    assert len(rows) == 1
    assert rows[0]["accelerator"] == "l4" and rows[0]["ttft_ms_p90"] == "60" and rows[0]["concurrency"] == "8"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    from jupyter_optiserve.errors import CatalogError

    with pytest.raises(CatalogError, match="newer"):
        Store(path)
