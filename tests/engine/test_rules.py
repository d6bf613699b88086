"""TP validity and precision-vs-hardware gates (../shared/reference/models.md §3-4)."""

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.estimate.parallelism import tp_problems, valid_tp_sizes
from jupyter_optiserve.estimate.precision import parse, support


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


@pytest.mark.parametrize(
    "model,expected",
    [
        ("qwen2.5-7b-instruct", [1, 2, 4]),  # 28 heads: not 8
        ("phi-4", [1, 2]),  # 10 KV heads: not 4 or 8
        ("llama-3.1-8b-instruct", [1, 2, 4, 8, 16]),
        ("llama-3.2-3b-instruct", [1, 2, 4, 8]),  # 24 heads: not 16
    ],
)
def test_valid_tp(cat, model, expected):
    assert valid_tp_sizes(cat.find_model(model), 16) == expected


def test_int4_group_alignment(cat):
    g = cat.find_model("granite-3.1-8b-instruct")  # 12800 / 8 = 1600, not a multiple of 128
    assert tp_problems(g, 8, "int4") and not tp_problems(g, 8, "bf16") and not tp_problems(g, 4, "int4")


@pytest.mark.parametrize(
    "acc,prec,mode",
    [
        ("t4", "bf16", "fp16-fallback"),
        ("a100", "bf16", "native"),
        ("a100", "fp8", "weight-only"),
        ("l4", "fp8", "native"),
        ("h100", "fp8", "native"),
        ("v100", "fp8", "unsupported"),
        ("b200", "int8", "unsupported"),
        ("h100", "int8", "native"),
        ("t4", "int4", "unsupported"),
        ("a100", "int4", "weight-only"),
        ("b200", "nvfp4", "native"),
        ("h100", "nvfp4", "weight-only"),
        ("mi300x", "fp8", "native"),
        ("mi250x", "fp8", "unsupported"),
        ("gaudi2", "fp8", "native"),
        ("gaudi2", "int4", "unsupported"),
        ("cpu-x86-amx", "bf16", "native"),
    ],
)
def test_precision_gates(cat, acc, prec, mode):
    assert support(cat.accelerators.get(acc), prec).mode == mode


def test_fp8_moe_on_ampere_is_unsupported(cat):
    assert support(cat.accelerators.get("a100"), "fp8", moe=True).mode == "unsupported"


@pytest.mark.parametrize(
    "alias,canon", [("w4a16", "int4"), ("w8a8", "int8"), ("fp8-dynamic", "fp8"), ("mxfp4", "mxfp4"), ("BF16", "bf16")]
)
def test_precision_aliases(alias, canon):
    assert parse(alias).name == canon


def test_unknown_precision():
    with pytest.raises(InvalidInputError, match="--precision"):
        parse("fp3")
