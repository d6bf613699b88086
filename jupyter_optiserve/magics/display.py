"""HTML and plain text for the magic's results, built from the CLI's JSON shapes.

Every value from the engine or the cluster goes through ``esc`` (HTML-escaped); nothing here
reads a secret (snippets carry ``$TOKEN``, storage carries Secret *names*).
"""

from __future__ import annotations

import html

from jupyter_optiserve.tables import table

MARKS = {"done": "✓", "active": "…", "failed": "✗", "pending": "·"}
_STYLE = (
    "<style>.optiserve td,.optiserve th{padding:2px 8px;text-align:left;vertical-align:top}"
    ".optiserve .num{text-align:right}.optiserve pre{margin:2px 0;white-space:pre-wrap}"
    ".optiserve .fail{color:#c62828}.optiserve .warn{color:#b26a00}.optiserve .ok{color:#2e7d32}</style>"
)


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(v, fmt="{:,.0f}") -> str:
    return "?" if v is None else fmt.format(v)


def html_table(headers: list[str], rows: list[list], num_cols=()) -> str:
    """``rows`` hold raw values (escaped here) or ``Raw`` pieces of already-safe HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i in num_cols else ''}>{c if isinstance(c, Raw) else esc(c)}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Raw(str):
    """A piece of HTML this module built (its inputs already escaped)."""


def box(inner: str, title: str = "") -> str:
    return f"{_STYLE}<div class='optiserve'>" + (f"<h4>{esc(title)}</h4>" if title else "") + inner + "</div>"


def details(summary: str, text: str, open_: bool = False) -> str:
    return f"<details{' open' if open_ else ''}><summary>{esc(summary)}</summary><pre>{esc(text)}</pre></details>"


def bullet_list(items, cls: str = "") -> str:
    return (
        "<ul>" + "".join(f"<li{f' class={cls}' if cls else ''}>{esc(i)}</li>" for i in items) + "</ul>" if items else ""
    )


# -- hardware ----------------------------------------------------------------------------------------
def _pool_rows(d: dict) -> list[list]:
    return [
        [
            p.get("accelerator") or "?",
            p.get("product") or "",
            _num(p.get("memory_gib"), "{:g}"),
            _num(p.get("gpus_per_node"), "{:g}"),
            _num(p.get("nodes"), "{:g}"),
            _num(p.get("free_gpus"), "{:g}"),
            p.get("source"),
        ]
        for p in d.get("pools") or []
    ]


POOL_HEADERS = ["accelerator", "product", "GiB/GPU", "GPUs/node", "nodes", "free", "source"]


def _cluster_line(d: dict) -> str:
    c = d.get("cluster")
    if not c:
        return "Cluster: none"
    state = "reachable" if c.get("reachable") else "NOT reachable"
    return f"Cluster: {c.get('server')} ({state}), namespace {c.get('namespace')}"


def _local_lines(d: dict) -> list[str]:
    loc = d.get("local") or {}
    out = [
        f"GPU {g['index']}: {g.get('name')} ({g.get('accelerator') or 'not in catalog'}), "
        f"{_num(g.get('memory_total_gib'), '{:.1f}')} GiB, {_num(g.get('memory_free_gib'), '{:.1f}')} GiB free, "
        f"CC {g.get('compute_capability')}"
        for g in loc.get("gpus") or []
    ]
    if not out:
        out.append(f"Local GPUs: none ({(loc.get('nvml') or {}).get('reason') or 'no NVML'})")
    cpu = loc.get("cpu")
    if cpu:
        out.append(
            f"CPU: {cpu.get('model') or cpu.get('arch')}, {cpu.get('cores')} cores, "
            f"{_num(cpu.get('memory_total_gib'), '{:.1f}')} GiB"
        )
    return out


def hardware_html(d: dict) -> str:
    pools = (
        html_table(POOL_HEADERS, _pool_rows(d), num_cols=(2, 3, 4, 5)) if d.get("pools") else "<p>Pools: none found</p>"
    )
    quota = (d.get("quota") or {}).get("resources") or {}
    quota_html = (
        (
            "<p>Quota: "
            + esc("; ".join(f"{k} {e.get('used', 0):g}/{e.get('hard', 0):g} used" for k, e in quota.items()))
            + "</p>"
        )
        if quota
        else ""
    )
    grant = details("Grant to ask for", d["grant"]) if d.get("grant") else ""
    return box(
        f"<p>{esc(_cluster_line(d))}</p>{pools}{quota_html}<p>Local:</p>{bullet_list(_local_lines(d))}"
        f"{bullet_list(d.get('notes') or [], 'warn')}{grant}",
        "Hardware",
    )


def hardware_text(d: dict) -> str:
    out = [_cluster_line(d), ""]
    out.append(table(_pool_rows(d), POOL_HEADERS) if d.get("pools") else "Pools: none found")
    out += ["", *_local_lines(d), *[f"note: {n}" for n in d.get("notes") or []]]
    return "\n".join(out)


# -- models ------------------------------------------------------------------------------------------
MODEL_HEADERS = ["model", "params (B)", "context", "dtype", "quantized variants", "modelcar"]


def _model_rows(rows: list[dict]) -> list[list]:
    return [
        [
            m["id"],
            m.get("params_b"),
            m.get("max_context"),
            m.get("dtype"),
            ",".join(sorted({v["scheme"] for v in m.get("variants") or [] if v.get("scheme") != "none"})),
            "yes" if m.get("modelcar") else "",
        ]
        for m in rows
    ]


def models_html(rows: list[dict], query: str | None = None) -> str:
    title = f"Models matching '{query}'" if query else "Models"
    if not rows:
        return box("<p>No catalog model matches.</p>", title)
    return box(html_table(MODEL_HEADERS, _model_rows(rows), num_cols=(1, 2)), f"{title} ({len(rows)})")


def models_text(rows: list[dict]) -> str:
    return table(_model_rows(rows), MODEL_HEADERS) if rows else "no catalog model matches"


# -- recommendations ---------------------------------------------------------------------------------
def memory_bar(mem: dict, width_px: int = 160) -> Raw:
    """Per-GPU memory: weights | KV cache | other (activations, graphs, non-torch) | reserved."""
    total = mem.get("usable_gib_per_gpu") or 0.0
    if total <= 0:
        return Raw("")
    other = sum(
        mem.get(k) or 0.0 for k in ("activation_gib_per_gpu", "non_torch_gib_per_gpu", "cuda_graph_gib_per_gpu")
    )
    parts = [
        ("weights", mem.get("weights_gib_per_gpu") or 0.0, "#1565c0"),
        ("KV cache", mem.get("kv_cache_gib_per_gpu") or 0.0, "#43a047"),
        ("activations + graphs + non-torch", other, "#fb8c00"),
    ]
    used = sum(p[1] for p in parts)
    parts.append(("reserved / free", max(0.0, total - used), "#e0e0e0"))
    segs = "".join(
        f"<span title='{esc(f'{label}: {gib:.1f} GiB')}' style='display:inline-block;height:10px;"
        f"width:{max(0.0, min(100.0, 100 * gib / total)):.1f}%;background:{color}'></span>"
        for label, gib, color in parts
        if gib > 0
    )
    label = esc(
        f"{mem.get('weights_gib_per_gpu', 0):.1f} + {mem.get('kv_cache_gib_per_gpu', 0):.1f} of {total:.0f} GiB"
    )
    return Raw(
        f"<div style='width:{width_px}px;background:#eee;white-space:nowrap;overflow:hidden;font-size:0'"
        f" aria-label='per-GPU memory'>{segs}</div><small>{label}</small>"
    )


RECO_HEADERS = [
    "#",
    "profile",
    "GPUs",
    "TTFT ms",
    "ITL ms",
    "tok/s",
    "weights (recovery)",
    "kv",
    "memory per GPU (weights + KV)",
    "max len",
    "source",
]


def _reco_row(i: int, r: dict, bar: bool) -> list:
    p, e = r["profile"], r["estimate"]
    mem = e.get("memory") or {}
    memory = (
        memory_bar(mem) if bar else f"{mem.get('weights_gib_per_gpu', 0):.1f}+{mem.get('kv_cache_gib_per_gpu', 0):.1f}"
    )
    return [
        i + 1,
        p.get("name"),
        p.get("gpus"),
        _num(e.get("ttft_ms")),
        _num(e.get("itl_ms"), "{:.1f}"),
        _num(e.get("output_tokens_per_s")),
        (r.get("quality") or {}).get("label", p.get("precision")),
        p.get("kv_cache_dtype"),
        memory,
        p.get("max_model_len"),
        p.get("provenance"),
    ]


def _reco_title(d: dict) -> str:
    wl = d.get("workload") or {}
    return (
        f"{(d.get('model') or {}).get('id')} for '{d.get('kpi')}' ({wl.get('concurrency')} concurrent, "
        f"{wl.get('input_len')}->{wl.get('output_len')} tokens)"
    )


def recommendations_html(d: dict) -> str:
    recs = d.get("recommendations") or []
    parts = [
        html_table(RECO_HEADERS, [_reco_row(i, r, True) for i, r in enumerate(recs)], num_cols=(0, 2, 3, 4, 5, 9))
        if recs
        else "<p class=fail>No profile fits.</p>"
    ]
    if recs:
        parts.append(
            "<p><b>Why #1:</b></p>"
            + bullet_list(recs[0].get("reasons") or [])
            + bullet_list(recs[0].get("warnings") or [], "warn")
        )
    rejected = d.get("rejected") or []
    if rejected:
        parts.append(
            details(f"Rejected ({len(rejected)})", "\n".join(f"{r.get('name')}: {r.get('why')}" for r in rejected))
        )
    parts.append(bullet_list(d.get("notes") or [], "warn"))
    return box("".join(parts), _reco_title(d))


def recommendations_text(d: dict) -> str:
    recs = d.get("recommendations") or []
    out = [_reco_title(d) + ":"]
    if recs:
        out.append(table([_reco_row(i, r, False) for i, r in enumerate(recs)], RECO_HEADERS))
        out += ["", "why #1:", *[f"  - {x}" for x in recs[0].get("reasons") or []]]
        if d.get("deploy_command"):
            out += ["", f"to deploy #1: {d['deploy_command']}"]
    else:
        out.append("no profile fits")
    rejected = d.get("rejected") or []
    if rejected:
        out.append(f"rejected: {len(rejected)} (see .to_dict()['rejected'])")
    return "\n".join(out + [f"note: {n}" for n in d.get("notes") or []])


# -- plan, preflight, manifests ----------------------------------------------------------------------
def _plan_rows(plan: dict) -> list[list]:
    prof, est = plan.get("profile") or {}, plan.get("estimate") or {}
    res = plan.get("resources") or {}
    return [
        ["name", f"{plan.get('name')} in {plan.get('namespace')}"],
        ["model", plan.get("model")],
        ["profile", prof.get("name")],
        ["accelerator", f"{plan.get('accelerator')} x {prof.get('gpus')}"],
        ["runtime", (plan.get("runtime") or {}).get("image") or (plan.get("runtime") or {}).get("name")],
        ["storage", (plan.get("storage") or {}).get("uri")],
        ["resources", ", ".join(f"{k}={v}" for k, v in (res.get("limits") or res).items())],
        [
            "predicted",
            f"TTFT {_num(est.get('ttft_ms'))} ms, ITL {_num(est.get('itl_ms'), '{:.1f}')} ms, "
            f"{_num(est.get('output_tokens_per_s'))} tok/s",
        ],
        ["vLLM flags", " ".join(plan.get("args") or [])],
    ]


def checks_html(pre: dict) -> str:
    cls = {"pass": "ok", "warn": "warn", "fail": "fail", "skip": ""}
    rows = [
        [
            Raw(f"<span class='{cls.get(c['status'], '')}'>{esc(c['status'])}</span>"),
            c["id"],
            c["message"],
            c.get("fix") if c["status"] in ("warn", "fail") else "",
        ]
        for c in pre.get("checks") or []
    ]
    failed = sum(c["status"] == "fail" for c in pre.get("checks") or [])
    verdict = "passed" if pre.get("ok") else f"{failed} check(s) failed"
    return (
        f"<p><b>Preflight: <span class='{'ok' if pre.get('ok') else 'fail'}'>{esc(verdict)}</span></b></p>"
        + html_table(["", "check", "result", "fix"], rows)
    )


def plan_html(prep: dict, actions: list | None = None, title: str = "") -> str:
    plan = prep["plan"]
    parts = [
        html_table(["", ""], _plan_rows(plan)),
        bullet_list(plan.get("notes") or [], "warn"),
        checks_html(prep["preflight"]),
    ]
    if actions:
        parts.append(
            "<p><b>Server dry run (nothing created):</b></p>"
            + bullet_list(f"{a['action']}: {a['kind']}/{a['name']}" for a in actions)
        )
    objects = prep.get("objects") or []
    parts.append(details(f"Manifests ({len(objects)} objects: {', '.join(objects)})", prep.get("manifests") or ""))
    return box("".join(parts), title or f"Plan for {plan.get('name')}")


def plan_text(prep: dict) -> str:
    lines = [f"{k:<12} {v}" for k, v in _plan_rows(prep["plan"])]
    lines += [f"note: {n}" for n in prep["plan"].get("notes") or []]
    for c in prep["preflight"].get("checks") or []:
        lines.append(f"[{c['status']:>4}] {c['id']}: {c['message']}")
        if c.get("fix") and c["status"] in ("warn", "fail"):
            lines.append(f"        fix: {c['fix']}")
    lines.append("preflight: " + ("passed" if prep["preflight"].get("ok") else "FAILED"))
    return "\n".join(lines)


# -- timeline ----------------------------------------------------------------------------------------
def timeline_html(tl: dict, events: int = 8, with_result: bool = True) -> str:
    rows = [
        [
            MARKS.get(p["state"], ""),
            p["phase"],
            "" if p.get("started_s") is None else f"{p['started_s']:.1f}s",
            p.get("detail") or "",
        ]
        for p in tl.get("phases") or []
    ]
    parts = [html_table(["", "phase", "at", "detail"], rows)]
    ev = tl.get("events") or []
    if ev:
        recent = "\n".join(f"{e['t_s']:7.1f}s  {e['text']}" for e in ev[-events:])
        parts.append(details(f"Messages ({len(ev)})", recent, True))
    if with_result:
        parts.append(result_html(tl))
    return "".join(parts)


def result_html(tl: dict) -> str:
    """The endpoint and snippets when ready; the cause and fix when failed; notes either way."""
    parts = []
    diag = tl.get("diagnosis")
    if diag:
        row = f" (failure mode #{diag['row']})" if diag.get("row") else ""
        parts.append(
            f"<p class=fail><b>Cause:</b> {esc(diag.get('cause'))}{esc(row)}</p>"
            + (f"<p><b>Seen:</b> <code>{esc(diag.get('evidence'))}</code></p>" if diag.get("evidence") else "")
            + f"<p><b>Fix:</b> {esc(diag.get('fix'))}</p>"
        )
    if tl.get("log_tail"):
        parts.append(details("Last log lines", "\n".join(tl["log_tail"][-10:])))
    url = tl.get("url") or tl.get("internal_url")
    if url and tl.get("outcome") == "ready":
        parts.append(f"<p class=ok><b>Endpoint:</b> <code>{esc(url)}</code></p>")
    smoke = tl.get("smoke") or {}
    if smoke and not smoke.get("ok"):
        parts.append(
            f"<p class=fail><b>First request failed:</b> {esc(smoke.get('error'))}; {esc(smoke.get('cause'))}</p>"
            f"<p><b>Fix:</b> {esc(smoke.get('fix'))}</p>"
        )
    snips = smoke.get("snippets") or {}
    for label in ("curl", "python"):
        if snips.get(label):
            parts.append(f"<p>{esc(label)}:</p><pre>{esc(snips[label])}</pre>")
    notes = [n for n in tl.get("notes") or [] if not n.startswith("try it:")]
    parts.append(bullet_list(notes, "warn"))
    if tl.get("outcome") and tl["outcome"] != "ready":
        parts.append(f"<p><b>Outcome:</b> {esc(tl['outcome'])}</p>")
    return "".join(parts)


def timeline_text(tl: dict) -> str:
    lines = []
    for p in tl.get("phases") or []:
        at = "       " if p.get("started_s") is None else f"{p['started_s']:6.1f}s"
        lines.append(f" {MARKS.get(p['state'], ' ')} {at}  {p['phase']:<18} {p.get('detail') or ''}".rstrip())
    diag = tl.get("diagnosis")
    if diag:
        lines += [f"cause: {diag.get('cause')}", f"fix:   {diag.get('fix')}"]
    lines += [f"note: {n}" for n in tl.get("notes") or []]
    url = tl.get("url") or tl.get("internal_url")
    if url and tl.get("outcome") == "ready":
        lines.append(f"endpoint: {url}")
    lines.append(f"outcome: {tl.get('outcome') or 'in progress'}")
    return "\n".join(lines)


def status_html(d: dict) -> str:
    title = f"{d['name']} in {d['namespace']}" + (f" (profile {d['profile']})" if d.get("profile") else "")
    return box(timeline_html(d["timeline"]), title)


DEPLOYMENT_HEADERS = ["name", "created by", "state", "profile", "url", "task here"]


def _deployment_rows(d: dict) -> list[list]:
    return [
        [
            r["name"],
            "optiserve" if r.get("optiserve") else "other",
            r.get("state"),
            r.get("profile") or "",
            r.get("url") or "",
            r.get("task") or "",
        ]
        for r in d.get("deployments") or []
    ]


def deployments_html(d: dict) -> str:
    rows = _deployment_rows(d)
    inner = html_table(DEPLOYMENT_HEADERS, rows) if rows else "<p>No InferenceServices here.</p>"
    return box(
        inner + "<p><small>OptiServe never changes objects it did not create.</small></p>",
        f"Deployments in {d.get('namespace')}",
    )


def deployments_text(d: dict) -> str:
    rows = _deployment_rows(d)
    return table(rows, DEPLOYMENT_HEADERS) if rows else f"no InferenceServices in {d.get('namespace')}"


def files_html(files: list[str]) -> str:
    return box(bullet_list(files), f"Written ({len(files)} files)")


def error_lines(err: dict) -> list[str]:
    lines = [f"optiserve: {err.get('detail')}"]
    if err.get("hint"):
        lines.append(f"  hint: {err['hint']}")
    return lines
