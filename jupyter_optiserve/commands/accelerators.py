"""``optiserve accelerators``: the accelerator catalog."""

from __future__ import annotations

from jupyter_optiserve.commands.common import print_json, session, table


def register(sub):
    p = sub.add_parser("accelerators", help="list known accelerators")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    s = session(args)
    if args.json:
        print_json(s.accelerators())
        return 0
    accs = list(s.catalog().accelerators)
    print(
        table(
            [
                [
                    a.id,
                    a.vendor,
                    a.memory_gb,
                    a.memory_bw_gbps,
                    a.tflops.get("bf16") or a.tflops.get("fp16"),
                    a.tflops.get("fp8", ""),
                    a.compute_capability or a.arch or "",
                    a.interconnect_kind,
                    a.resource_name or "-",
                ]
                for a in accs
            ],
            ["accelerator", "vendor", "GB", "GB/s", "bf16 TF", "fp8 TF", "CC", "link", "resource"],
        )
    )
    return 0
