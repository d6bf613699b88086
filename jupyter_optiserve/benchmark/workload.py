"""The workload a benchmark sends: prompt and answer lengths (fixed or distributed), or a dataset.

Synthetic prompts are common one-token English words, so N words are about N tokens for the
usual tokenizers (and exactly N on the simulator). Each prompt starts with a different word run,
so vLLM's prefix cache cannot serve one request from another's prefill.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from jupyter_optiserve.errors import InvalidInputError

WORDS = (
    "the of and to in is you that it he was for on are as with his they at be this have from or one had by "
    "word but not what all were we when your can said there use an each which she do how their if will up "
    "other about out many then them these so some her would make like him into time has look two more write "
    "go see number no way could people my than first water been call who oil its now find long down day did "
    "get come made may part"
).split()


@dataclass(frozen=True)
class Request:
    prompt: str
    output_len: int
    input_len: int


@dataclass
class Workload:
    input_len: int = 512
    output_len: int = 128
    input_stddev: int = 0  # 0: fixed lengths; else normal, clipped to [1, 2 x mean]
    output_stddev: int = 0
    dataset: str | None = None  # JSONL {"prompt", "output_len"?} or one prompt per line
    api: str = "completions"
    seed: int = 42
    kpi: str | None = None  # where the lengths came from, when a deployment's KPI chose them

    def __post_init__(self):
        for flag, v in (("--input-len", self.input_len), ("--output-len", self.output_len)):
            if not isinstance(v, int) or v < 1:
                raise InvalidInputError(f"{flag} must be a whole number of at least 1, got {v!r}", hint=f"fix {flag}")
        for flag, v in (("--input-stddev", self.input_stddev), ("--output-stddev", self.output_stddev)):
            if not isinstance(v, int) or v < 0:
                raise InvalidInputError(f"{flag} must be a whole number of at least 0, got {v!r}", hint=f"fix {flag}")
        if self.api not in ("completions", "chat"):
            raise InvalidInputError(
                f"--api must be completions or chat, got {self.api!r}", hint="use --api completions"
            )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Workload:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def requests(self, n: int, offset: int = 0) -> list[Request]:
        """``n`` requests, reproducible for a seed; ``offset`` keeps levels from repeating prompts."""
        rng = random.Random(f"{self.seed}:{offset}")
        if self.dataset:
            rows = _load_dataset(self.dataset)
            picked = [rows[(offset + i) % len(rows)] for i in range(n)]
            return [
                Request(p, o or self._length(rng, self.output_len, self.output_stddev), len(p.split()))
                for p, o in picked
            ]
        out = []
        for i in range(n):
            n_in = self._length(rng, self.input_len, self.input_stddev)
            head = [f"m{(offset + i) % 100}", *rng.choices(WORDS, k=min(8, n_in))]  # unique start: no shared prefix
            body = [WORDS[(j * 7 + offset + i) % len(WORDS)] for j in range(max(0, n_in - len(head)))]
            out.append(
                Request(" ".join((head + body)[:n_in]), self._length(rng, self.output_len, self.output_stddev), n_in)
            )
        return out

    @staticmethod
    def _length(rng: random.Random, mean: int, stddev: int) -> int:
        if not stddev:
            return mean
        return max(1, min(2 * mean, round(rng.gauss(mean, stddev))))


def _load_dataset(path: str) -> list[tuple[str, int | None]]:
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(f"dataset file '{path}' does not exist", hint="pass a JSONL or text file to --dataset")
    rows: list[tuple[str, int | None]] = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(
                    f"{path} line {n} is not valid JSON: {exc.msg}",
                    hint='one object per line: {"prompt": "...", "output_len": 128}',
                ) from None
            if not isinstance(d.get("prompt"), str):
                raise InvalidInputError(f"{path} line {n} has no string 'prompt'", hint='add "prompt": "..."')
            rows.append((d["prompt"], int(d["output_len"]) if d.get("output_len") else None))
        else:
            rows.append((line, None))
    if not rows:
        raise InvalidInputError(f"dataset file '{path}' holds no prompts", hint="one prompt per line, or JSONL")
    return rows
