import pytest

from jupyter_optiserve.deploy.naming import MAX_NAME, derive_name, name_problem, validate_name, validate_namespace
from jupyter_optiserve.errors import InvalidInputError


@pytest.mark.parametrize("name", ["granite", "llama-3-1-8b", "a", "m" * MAX_NAME])
def test_valid_names(name):
    assert validate_name(name) == name


@pytest.mark.parametrize(
    "name,why",
    [
        ("Granite", "lower-case"),
        ("1model", "start with a letter"),
        ("ends-", "end with"),
        ("a.b", "lower-case"),
        ("m" * (MAX_NAME + 1), "at most"),
    ],
)
def test_invalid_names_say_why_and_suggest(name, why):
    with pytest.raises(InvalidInputError) as exc:
        validate_name(name)
    assert why in exc.value.message
    suggestion = exc.value.hint.split()[-1]
    assert name_problem(suggestion) is None


def test_derive_from_hf_id_and_long_names():
    assert derive_name("meta-llama/Llama-3.1-8B-Instruct") == "llama-3-1-8b-instruct"
    assert derive_name("3b_model") == "m-3b-model"
    a, b = derive_name("x" * 80 + "a"), derive_name("x" * 80 + "b")
    assert a != b and len(a) <= MAX_NAME and name_problem(a) is None


def test_namespace():
    assert validate_namespace("my-project") == "my-project"
    with pytest.raises(InvalidInputError):
        validate_namespace("My_Project")
