"""``optiserve profiles [--model M] [--accelerator A]``: curated profiles."""

from __future__ import annotations

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.commands.common import print_json, table


def register(sub):
    p = sub.add_parser("profiles", help="list curated serving profiles")
    p.add_argument("--model", help="only this model")
    p.add_argument("--accelerator", help="only this accelerator")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    cat = load_catalog()
    profiles = cat.profiles
    if args.model:
        m, _ = cat.resolve_model(args.model, allow_hub=False)
        profiles = [p for p in profiles if p.model == m.id]
    if args.accelerator:
        acc = cat.accelerators.get(args.accelerator)
        profiles = [p for p in profiles if p.accelerator == acc.id]
    if args.json:
        print_json([p.to_dict() for p in profiles])
        return 0
    print(
        table(
            [[p.name, p.model, p.gpus, p.max_model_len, p.max_num_seqs, p.provenance, p.id[:12]] for p in profiles],
            ["profile", "model", "gpus", "max_model_len", "max_num_seqs", "provenance", "id"],
        )
    )
    return 0
