"""``%optiserve`` through IPython's InteractiveShell: every read-only sub-command, usage and engine errors."""

import json

import pytest
from IPython.core.error import UsageError

from jupyter_optiserve.magics import OptiServeMagicError, display
from jupyter_optiserve.magics.objects import Deployments, Exported, Hardware, Models, Plan, Recommendations

RECO = "recommend granite-3.1-8b-instruct --kpi latency --accelerator l4 --gpus 4"
PLAN = "granite-3.1-8b-instruct --kpi latency --accelerator a100-sxm-80gb --gpus 1 --name granite"


def test_load_ext_registers_and_unload_removes(ip):
    assert "optiserve" in ip.magics_manager.magics["line"]
    ip.run_line_magic("unload_ext", "jupyter_optiserve")
    assert "optiserve" not in ip.magics_manager.magics["line"]
    ip.run_line_magic("load_ext", "jupyter_optiserve")
    assert "optiserve" in ip.magics_manager.magics["line"]


def test_recommend_returns_ranked_profiles_equal_to_the_cli_json(magic, capsys):
    from jupyter_optiserve.cli import main

    recs = magic(RECO)
    assert isinstance(recs, Recommendations) and len(recs) >= 3
    assert recs.best is recs[0] and recs.best.name.startswith("vllm-l4-")
    assert recs.best.estimate["ttft_ms"] > 0 and recs.best.reasons
    assert [r.name for r in recs] == [r["profile"]["name"] for r in recs.to_dict()["recommendations"]]
    capsys.readouterr()
    assert (
        main(
            [
                "recommend",
                "--model",
                "granite-3.1-8b-instruct",
                "--kpi",
                "latency",
                "--accelerator",
                "l4",
                "--gpus",
                "4",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(json.dumps(recs.to_dict(), default=str)) == json.loads(capsys.readouterr().out)


def test_recommend_html_has_the_predictions_and_a_memory_bar(magic):
    recs = magic(RECO + " --limit 3")
    html = recs._repr_html_()
    assert html.count("<tr>") == 1 + 3  # header + the three profiles asked for
    assert "TTFT ms" in html and "ITL ms" in html and "tok/s" in html
    assert html.count("aria-label='per-GPU memory'") == 3 and "KV cache:" in html
    assert f"{round(recs.best.estimate['ttft_ms']):,}" in html
    assert "why #1" in repr(recs) and recs.best.name in repr(recs)


def test_recommend_slo_flags_reach_the_engine(magic):
    recs = magic("recommend granite-3.1-8b-instruct --accelerator l4 --ttft-ms 5000 --itl-ms 200 --concurrency 8")
    wl = recs.to_dict()["workload"]
    assert (wl["ttft_ms"], wl["itl_ms"], wl["concurrency"]) == (5000, 200, 8)


def test_html_escapes_everything_from_the_engine():
    evil = "<script>alert(1)</script>"
    recs = {
        "model": {"id": evil},
        "kpi": "latency",
        "workload": {},
        "notes": [evil],
        "rejected": [{"name": evil, "why": evil}],
        "recommendations": [
            {"profile": {"name": evil, "gpus": 1}, "estimate": {"ttft_ms": 1, "memory": {}}, "reasons": [evil]}
        ],
    }
    tl = {
        "phases": [{"phase": "loading", "state": "failed", "detail": evil}],
        "events": [{"t_s": 1.0, "text": evil}],
        "diagnosis": {"cause": evil, "fix": evil, "evidence": evil},
        "notes": [evil],
        "outcome": "failed",
    }
    for out in (
        display.recommendations_html(recs),
        display.timeline_html(tl),
        display.hardware_html({"notes": [evil]}),
    ):
        assert "<script>" not in out and "&lt;script&gt;" in out


def test_hardware_against_the_fake_cluster(magic, cluster):
    cluster.preset("full")
    hw = magic("hardware")
    assert isinstance(hw, Hardware) and hw.pools and hw.cluster["reachable"]
    html = hw._repr_html_()
    assert "<table>" in html and hw.pools[0]["accelerator"] in html
    assert "Cluster: " in repr(hw) and hw.to_dict()["pools"] == hw.pools


def test_hardware_without_cluster_is_local_only(magic):
    hw = magic("hardware --no-cluster")
    assert hw.pools == [] and hw.cluster is None and "Pools: none found" in repr(hw)


def test_models_with_and_without_query(magic):
    every = magic("models")
    some = magic("models granite")
    assert isinstance(some, Models) and 0 < len(some) < len(every)
    assert all("granite" in (m["id"] + m["hf_id"] + (m.get("family") or "")).lower() for m in some)
    assert "granite-3.1-8b-instruct" in some._repr_html_() and "granite-3.1-8b-instruct" in repr(some)
    assert "No catalog model matches" in magic("models no-such-thing-xyz")._repr_html_()


@pytest.mark.parametrize(
    "line,words",
    [
        ("", "a command is required"),
        ("bogus", "invalid choice: 'bogus'"),
        ("recommend --kpi latency", "MODEL is required"),
        ("deploy granite-3.1-8b-instruct --kpi fastest", "invalid choice: 'fastest'"),
        ("deploy granite-3.1-8b-instruct", "the following arguments are required: --kpi"),
        ("recommend granite-3.1-8b-instruct --gpus zero", "--gpus must be a whole number"),
        ("delete", "the following arguments are required: name"),
        ("export granite-3.1-8b-instruct --kpi latency", "DIR is required"),
        ('models "unbalanced', "No closing quotation"),
    ],
)
def test_usage_errors_raise_usage_error_with_the_help(magic, line, words):
    with pytest.raises(UsageError) as exc:
        magic(line)
    assert words in str(exc.value)
    assert "usage: %optiserve" in str(exc.value)


def test_usage_error_in_a_cell_prints_help_without_traceback(ip, capsys):
    res = ip.run_cell("%optiserve recommend --kpi latency")
    out = capsys.readouterr()
    assert isinstance(res.error_in_exec, UsageError)
    assert "UsageError: %optiserve recommend: MODEL is required" in out.err
    assert "--ttft-ms" in out.err and "Traceback" not in out.out + out.err


def test_help_flag_prints_help_and_returns_nothing(magic, capsys):
    assert magic("deploy -h") is None
    out = capsys.readouterr().out
    assert "usage: %optiserve deploy" in out and "--dry-run" in out and "--yes" in out


def test_unknown_model_names_the_closest_matches_without_traceback(ip, magic, capsys):
    with pytest.raises(OptiServeMagicError) as exc:
        magic("recommend granit-3.1-8b --kpi latency --accelerator l4")
    assert exc.value.kind == "NotFoundError" and "granite-3.1-8b-instruct" in exc.value.detail["matches"]
    res = ip.run_cell("%optiserve recommend granit-3.1-8b --kpi latency --accelerator l4")
    out = capsys.readouterr()
    text = out.out + out.err
    assert isinstance(res.error_in_exec, OptiServeMagicError)
    assert "optiserve: unknown model 'granit-3.1-8b'" in text and "hint: closest: granite-3.1-8b-instruct" in text
    assert "Traceback" not in text and "File " not in text


def test_deploy_without_a_cluster_is_a_clear_error(magic):
    with pytest.raises(OptiServeMagicError) as exc:
        magic("deploy " + PLAN + " --yes")
    assert "no Kubernetes cluster configured" in exc.value.message


def test_dry_run_shows_plan_checks_and_manifests_and_creates_nothing(magic, cluster):
    from jupyter_optiserve.deploy import Deployer
    from jupyter_optiserve.kube import connect

    plan = magic("deploy " + PLAN + " --dry-run")
    assert isinstance(plan, Plan) and plan.preflight["ok"]
    assert {"kind": "InferenceService", "name": "granite", "action": "created"} in plan.actions
    assert "kind: InferenceService" in plan.manifests and "--max-model-len" in plan.manifests
    html = plan._repr_html_()
    assert "<details><summary>Manifests (2 objects: ServingRuntime/granite, InferenceService/granite)</summary>" in html
    assert "Server dry run" in html
    assert "Preflight: <span class='ok'>passed" in html
    conn = connect(str(cluster.kubeconfig), namespace=cluster.namespace)
    assert Deployer(conn).list(cluster.namespace)["optiserve"] == []


def test_status_of_an_empty_namespace_and_delete_of_a_missing_deployment(magic, cluster):
    listing = magic("status")
    assert isinstance(listing, Deployments) and listing.names == []
    assert "No InferenceServices here" in listing._repr_html_()
    with pytest.raises(OptiServeMagicError) as exc:
        magic("delete nothing-here")
    assert exc.value.status == 404
    with pytest.raises(OptiServeMagicError):
        magic("status nothing-here")


def test_export_writes_a_kustomization(magic, tmp_path):
    out = tmp_path / "gitops"
    written = magic(f"export {PLAN} --namespace demo --offline {out}")
    assert isinstance(written, Exported)
    assert (out / "kustomization.yaml").is_file() and (out / "README.md").is_file()
    assert sorted(written.files) == sorted(str(p) for p in out.iterdir())
    assert str(out / "kustomization.yaml") in written._repr_html_()
    assert "namespace: demo" in (out / "kustomization.yaml").read_text()


def test_configured_namespace_is_used(ip, magic, tmp_path):
    ip.run_line_magic("config", "OptiServeMagics.namespace = 'team-a'")
    try:
        magic(f"export {PLAN} --offline {tmp_path / 'x'}")
    finally:
        ip.run_line_magic("config", "OptiServeMagics.namespace = None")
    assert "namespace: team-a" in (tmp_path / "x" / "kustomization.yaml").read_text()
