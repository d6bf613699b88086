"""``%optiserve benchmark``: a deployment measured from the kernel, the chart or table, records."""

import builtins

import pytest

from jupyter_optiserve.magics import OptiServeMagicError
from jupyter_optiserve.magics.benchmark import BenchmarkResult
from jupyter_optiserve.testing.simengine import SimEngine, Timing


@pytest.fixture(autouse=True)
def _db(monkeypatch, tmp_path):
    monkeypatch.setenv("OPTISERVE_BENCHMARK_DB", str(tmp_path / "benchmarks.sqlite"))


def test_benchmark_a_deployment_shows_predicted_vs_measured(magic, cluster, monkeypatch):
    from tests.benchmark.test_deployment_benchmark import deploy

    with SimEngine(model="granite", timing=Timing(5, 0.01, 2, 0.1)) as sim:
        deploy(cluster, sim.url, monkeypatch)
        res = magic(
            "benchmark granite --mode client --input-len 16 --output-len 4 --concurrency 1,2 --requests-per-level 3"
        )
    assert isinstance(res, BenchmarkResult) and len(res.levels) == 2
    recs = res.to_records()
    assert [r["concurrency"] for r in recs] == [1, 2] and recs[0]["predicted_itl_ms"] > 0
    assert recs[0]["itl_ms_mean"] == res.levels[0]["itl_ms"]["mean"] and "error_pct_ttft_ms" in recs[0]
    html = res._repr_html_()
    assert "predicted" in html and "TTFT ms" in html
    try:
        import matplotlib  # noqa: F401

        assert "data:image/png;base64," in html
    except ImportError:
        assert "<img" not in html  # a table only
    assert "granite" in repr(res)


def test_without_matplotlib_or_pandas_a_table_and_a_clear_hint(magic, monkeypatch):
    run = {
        "id": "r1",
        "model": "m",
        "endpoint": "e",
        "levels": [
            {
                "concurrency": 1,
                "requests": 3,
                "errors": 0,
                "ttft_ms": {"mean": 10, "p50": 10, "p90": 11, "p99": 12},
                "itl_ms": {"mean": 2, "p50": 2, "p90": 2, "p99": 2},
                "request_latency_ms": None,
                "output_tokens_per_s": 100.0,
                "requests_per_s": 1.0,
            }
        ],
    }
    real_import = builtins.__import__

    def no_optional(name, *a, **kw):
        if name.split(".")[0] in ("matplotlib", "pandas"):
            raise ImportError(name)
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_optional)
    res = BenchmarkResult(run)
    html = res._repr_html_()
    assert "<img" not in html and "<table" in html and "TTFT ms" in html
    with pytest.raises(ImportError, match="pip install pandas"):
        res.to_dataframe()
    assert res.to_records()[0]["ttft_ms_p90"] == 11


def test_errors_are_messages_with_hints(magic):
    with pytest.raises(OptiServeMagicError, match="no levels"):
        magic("benchmark --url http://127.0.0.1:9 --model m")
    with pytest.raises(OptiServeMagicError, match="cannot reach"):
        magic("benchmark --url http://127.0.0.1:9 --model m --concurrency 1")
