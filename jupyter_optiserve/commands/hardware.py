"""``optiserve hardware``: the accelerators this machine and the cluster offer, with provenance."""

from __future__ import annotations

from jupyter_optiserve.commands.common import add_cluster_flags, positive_int, print_json, session, table


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "hardware",
        help="detect local GPUs/CPU and the cluster's accelerator pools",
        description="Detect local GPUs (NVML) and CPU, and the cluster's accelerator pools (nodes, "
        "OpenShift AI hardware profiles), with where each fact came from. Without a reachable "
        "cluster it reports local hardware only and exits 0.",
    )
    add_cluster_flags(p)
    p.add_argument("--accelerator", help="your choice of accelerator (overrides detection), e.g. h100")
    p.add_argument("--gpus", type=positive_int("--gpus", 64), help="GPU count for --accelerator")
    p.add_argument("--no-cluster", action="store_true", help="do not contact any cluster")
    p.add_argument("--json", action="store_true", help="print the inventory as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    inv = session(args, offline=args.no_cluster).inventory(accelerator=args.accelerator, gpus=args.gpus)
    if args.json:
        print_json(inv.to_dict())
    else:
        print(render(inv))
    return 0


def _num(v, fmt="{:g}") -> str:
    return "?" if v is None else fmt.format(v)


def render(inv) -> str:
    out = []
    c = inv.cluster
    if c:
        ident = (c.get("identity") or {}).get("name") and c["identity"]["subject"] or "an identity not yet known"
        state = "reachable" if c.get("reachable") else "NOT reachable"
        out.append(
            f"Cluster: {c['server']} ({state}), namespace {c['namespace']} (from {c['namespace_source']}), as {ident}"
        )
    else:
        out.append("Cluster: none")
    out.append("")
    if inv.pools:
        rows = [
            [
                p.accelerator or ("~" + p.accelerator_obj.id if p.accelerator_obj else "?"),
                (p.product or "")
                + (f" [MIG {p.mig['profile']}]" if p.mig else "")
                + (f" [shared x{p.sharing['replicas']}]" if p.sharing else ""),
                _num(p.memory_gib),
                _num(p.gpus_per_node),
                _num(p.nodes),
                _num(p.free_gpus),
                p.source,
            ]
            for p in inv.pools
        ]
        out.append(table(rows, ["ACCELERATOR", "PRODUCT", "GIB/GPU", "GPUS/NODE", "NODES", "FREE", "SOURCE"]))
        for i, p in enumerate(inv.pools, 1):
            if p.tolerations or p.node_selector:
                tols = ", ".join(f"{t.get('key')}:{t.get('effect')}" for t in p.tolerations) or "-"
                sel = ", ".join(f"{k}={v}" for k, v in p.node_selector.items()) or "-"
                out.append(f"  pool {i}: node selector {sel}; tolerations {tols}")
    else:
        out.append("Pools: none found")
    if inv.quota.resources:
        out.append("")
        out.append(
            "Quota: " + "; ".join(f"{k} {e['used']:g}/{e['hard']:g} used" for k, e in inv.quota.resources.items())
        )
    out.append("")
    loc = inv.local
    if loc.gpus:
        for g in loc.gpus:
            mig = f", MIG {len(g.mig_instances)} instance(s)" if g.mig_enabled else ""
            out.append(
                f"Local GPU {g.index}: {g.name} ({g.accelerator or 'not in catalog'}), "
                f"{g.memory_total_gib:.1f} GiB, {g.memory_free_gib:.1f} GiB free, CC {g.compute_capability}"
                f"{mig}, NVLink links {g.nvlink_links_active}"
            )
    else:
        out.append(f"Local GPUs: none ({loc.nvml_reason})")
    if loc.cpu:
        cpu = loc.cpu
        mem = _num(cpu.memory_total_gib, "{:.1f}")
        out.append(
            f"Local CPU: {cpu.model or cpu.arch}, {cpu.cores} cores, {mem} GiB, "
            f"ISA {' '.join(cpu.isa) or '-'} ({cpu.accelerator or 'no catalog CPU entry'})"
        )
    notes = [*inv.notes, *[f"pool {i}: {n}" for i, p in enumerate(inv.pools, 1) for n in p.notes]]
    shown = "\n".join(out).lower()
    notes = [n for n in dict.fromkeys(notes) if n.lower() not in shown]  # each fact once (e.g. "local GPUs: none")
    if notes:
        out += ["", "Notes:", *[f"  - {n}" for n in notes]]
    if inv.grant:
        out += ["", "Grant:", *[f"  {line}" for line in inv.grant.splitlines()]]
    return "\n".join(out)
