"""``optiserve models [QUERY]``: the model catalog."""

from __future__ import annotations

from jupyter_optiserve.commands.common import print_json, session, table


def register(sub):
    p = sub.add_parser("models", help="list catalog models (with quantized variants)")
    p.add_argument("query", nargs="?", help="filter by id, family or Hugging Face id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    rows = session(args).models(args.query)
    if args.json:
        print_json(rows)
        return 0
    print(
        table(
            [
                [
                    m["id"],
                    m["params_b"],
                    m["active_params_b"] if m["moe"] else "",
                    m["max_context"],
                    m["dtype"],
                    ",".join(sorted({v["scheme"] for v in m["variants"] if v["scheme"] != "none"})),
                    "yes" if m["modelcar"] else "",
                ]
                for m in rows
            ],
            ["model", "params(B)", "active(B)", "context", "dtype", "quantized variants", "modelcar"],
        )
    )
    return 0
