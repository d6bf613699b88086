"""Synthetic prompts: exact lengths, distinct starts (no shared prefix), spread, datasets, bad input."""

import json

import pytest

from jupyter_optiserve.benchmark.workload import Workload
from jupyter_optiserve.errors import InvalidInputError


def test_fixed_lengths_and_distinct_starts():
    reqs = Workload(200, 32).requests(50)
    assert all(len(r.prompt.split()) == 200 == r.input_len and r.output_len == 32 for r in reqs)
    assert len({" ".join(r.prompt.split()[:9]) for r in reqs}) == 50
    assert Workload(200, 32).requests(5) == Workload(200, 32).requests(5)  # reproducible for a seed


def test_spread_lengths_stay_in_bounds():
    reqs = Workload(100, 50, input_stddev=30, output_stddev=20).requests(200)
    ins = [r.input_len for r in reqs]
    assert min(ins) >= 1 and max(ins) <= 200 and len(set(ins)) > 20
    assert all(len(r.prompt.split()) == r.input_len for r in reqs)


def test_dataset_jsonl_and_text(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text(json.dumps({"prompt": "a b c", "output_len": 7}) + "\n" + json.dumps({"prompt": "d e"}) + "\n")
    reqs = Workload(10, 5, dataset=str(f)).requests(3)
    assert [(r.prompt, r.output_len) for r in reqs] == [("a b c", 7), ("d e", 5), ("a b c", 7)]
    t = tmp_path / "d.txt"
    t.write_text("hello there\n\nsecond prompt\n")
    assert [r.prompt for r in Workload(10, 5, dataset=str(t)).requests(2)] == ["hello there", "second prompt"]


@pytest.mark.parametrize(
    "kw,match",
    [({"input_len": 0}, "--input-len"), ({"input_stddev": -1}, "--input-stddev"), ({"api": "embeddings"}, "--api")],
)
def test_bad_input_names_the_flag(kw, match):
    with pytest.raises(InvalidInputError, match=match):
        Workload(**{"input_len": 8, "output_len": 8, **kw})


def test_bad_dataset_names_the_line(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"prompt": "ok"}\n{not json\n')
    with pytest.raises(InvalidInputError, match="line 2"):
        Workload(8, 8, dataset=str(f)).requests(1)
    with pytest.raises(InvalidInputError, match="does not exist"):
        Workload(8, 8, dataset=str(tmp_path / "missing")).requests(1)
