"""``optiserve list``: what OptiServe deployed in the namespace, then the other InferenceServices."""

from __future__ import annotations

from jupyter_optiserve.commands.common import print_json, table
from jupyter_optiserve.commands.planflags import add_cluster_flags, connect_from_args


def register(sub) -> None:
    p = sub.add_parser("list", help="list deployments in the namespace (OptiServe's first)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def _row(obj: dict, ours: bool) -> dict:
    st = obj.get("status") or {}
    ready = next((c.get("status") for c in st.get("conditions") or [] if c.get("type") == "Ready"), "Unknown")
    ann = obj["metadata"].get("annotations") or {}
    state = (
        "Stopped"
        if ann.get("serving.kserve.io/stop") == "true"
        else {"True": "Ready", "False": "NotReady"}.get(ready, "Unknown")
    )
    return {
        "name": obj["metadata"]["name"],
        "kind": obj["kind"],
        "optiserve": ours,
        "state": state,
        "profile": ann.get("optiserve.io/profile"),
        "url": st.get("url"),
    }


def orphan_rows(found: dict) -> list[dict]:
    return [{"kind": o["kind"], "name": o["metadata"]["name"]} for o in found.get("orphans") or []]


def run(args) -> int:
    from jupyter_optiserve.deploy import Deployer

    conn = connect_from_args(args, required=True)
    ns = args.namespace or conn.namespace
    found = Deployer(conn).list(ns)
    rows = [_row(o, True) for o in found["optiserve"]] + [_row(o, False) for o in found["other"]]
    orphans = orphan_rows(found)
    if args.json:
        print_json({"namespace": ns, "deployments": rows, "orphans": orphans})
        return 0
    for o in orphans:
        print(
            f"left over: {o['kind']}/{o['name']} without its InferenceService; remove it with "
            f"`optiserve delete {o['name']} -n {ns}`"
        )
    if not rows:
        print(f"no InferenceServices in {ns}")
        return 0
    print(
        table(
            [
                [r["name"], "optiserve" if r["optiserve"] else "other", r["state"], r["profile"] or "", r["url"] or ""]
                for r in rows
            ],
            ["NAME", "CREATED BY", "STATE", "PROFILE", "URL"],
        )
    )
    return 0
