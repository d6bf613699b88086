"""``optiserve profiles [--model M] [--accelerator A]``: curated profiles."""

from __future__ import annotations

from jupyter_optiserve.commands.common import print_json, session, table


def register(sub):
    p = sub.add_parser("profiles", help="list curated serving profiles")
    p.add_argument("--model", help="only this model")
    p.add_argument("--accelerator", help="only this accelerator")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    profiles = session(args).serving_profiles(args.model, args.accelerator)
    if args.json:
        print_json(profiles)
        return 0
    print(
        table(
            [
                [p["name"], p["model"], p["gpus"], p["max_model_len"], p["max_num_seqs"], p["provenance"], p["id"][:12]]
                for p in profiles
            ],
            ["profile", "model", "gpus", "max_model_len", "max_num_seqs", "provenance", "id"],
        )
    )
    return 0
