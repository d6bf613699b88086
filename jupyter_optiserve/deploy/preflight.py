"""Preflight: every known failure we can check before creating anything (docs/deploy.md, "Failure modes").

Each check is pass / warn / fail / skip with a message naming the numbers and the fix, and the
failure-mode rows (``rows``) it prevents. Order: permissions, cluster capabilities, model
metadata, compatibility, memory fit, placement, storage, time budget, name collision, and finally
a server-side ``dryRun=All`` create of the exact objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jupyter_optiserve.deploy import checks_cluster, checks_plan, checks_rhoai
from jupyter_optiserve.errors import ClusterUnreachableError

STATUSES = ("pass", "warn", "fail", "skip")


@dataclass
class Check:
    id: str
    status: str
    message: str
    fix: str = ""
    rows: tuple = ()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "message": self.message,
            "fix": self.fix,
            "failure_modes": list(self.rows),
        }


@dataclass
class Report:
    checks: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    @property
    def failures(self) -> list:
        return [c for c in self.checks if c.status == "fail"]

    def to_dict(self) -> dict:
        return {"ok": self.ok, "checks": [c.to_dict() for c in self.checks]}

    def text(self) -> str:
        marks = {"pass": "ok  ", "warn": "WARN", "fail": "FAIL", "skip": "skip"}
        lines = []
        for c in self.checks:
            lines.append(f"[{marks[c.status]}] {c.id}: {c.message}")
            if c.fix and c.status in ("warn", "fail"):
                lines += ["         fix: " + ln for ln in c.fix.splitlines()]
        lines.append("preflight: " + ("passed" if self.ok else f"{len(self.failures)} check(s) failed"))
        return "\n".join(lines)


def run_preflight(plan, objs: list[dict], conn=None, inventory=None, dry_run: bool = True) -> Report:
    """All checks for ``plan`` and its rendered ``objs``; cluster checks are skipped without ``conn``."""
    report = Report()
    inventory = inventory if inventory is not None else getattr(plan, "inventory", None)
    add = lambda *a, **k: report.checks.append(Check(*a, **k))  # noqa: E731
    cluster = conn is not None
    try:
        if cluster:
            checks_cluster.permissions(add, plan, conn)
            checks_cluster.capabilities(add, plan, conn)
            checks_rhoai.platform_label(add, plan, conn)
        else:
            add(
                "cluster",
                "skip",
                "no cluster: permissions, placement, storage and the server dry run were not checked",
                "run `oc login` (or pass --kubeconfig) and run preflight again",
            )
        checks_plan.model_metadata(add, plan)
        checks_plan.compatibility(add, plan)
        checks_plan.memory_fit(add, plan)
        checks_plan.placement(add, plan, objs, inventory)
        checks_rhoai.image_pinned(add, plan)
        if cluster:
            checks_rhoai.kueue(add, plan, conn)
        if cluster:
            checks_cluster.storage(add, plan, conn)
        else:
            checks_plan.storage_offline(add, plan)
        checks_plan.time_budget(add, plan)
        if cluster:
            checks_cluster.collision(add, plan, objs, conn)
            if dry_run and report.ok:
                checks_cluster.server_dry_run(add, objs, conn)
            elif dry_run:
                add("server-dry-run", "skip", "not run: fix the failures above first")
    except ClusterUnreachableError as exc:
        add("cluster", "fail", exc.message, exc.hint)
    return report
