"""One option table (service/options.py) under the OpenAPI requests, the CLI flags and the magic."""

import argparse

import pytest

from jupyter_optiserve.service.options import DEPRECATED, GROUPS, OPTIONS
from jupyter_optiserve.service.schema import openapi

REQUESTS = ("RecommendRequest", "EstimateRequest", "PlanRequest", "DeployRequest")
# flags of one shell that are no request field: confirmation, output, help, the magic's positional spellings
SHELL_ONLY = {"help", "yes", "json", "force", "output", "output_flag", "model_flag", "command"}


def _schema(name: str) -> dict:
    doc = openapi()
    schema = doc["components"]["schemas"][name]
    return {
        k: doc["components"]["schemas"][v["$ref"].rsplit("/", 1)[1]] if "$ref" in v else v
        for k, v in schema["properties"].items()
    }


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction)]


def _sub(parser, name):
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]


def test_every_option_has_a_known_group_and_kind():
    assert {o.group for o in OPTIONS.values()} <= set(GROUPS)
    assert {o.kind for o in OPTIONS.values()} <= {"str", "int", "float", "bool", "choice", "precision_list", "list"}
    assert all(o.choices for o in OPTIONS.values() if o.kind == "choice")


@pytest.mark.parametrize("request_name", REQUESTS)
def test_every_openapi_request_field_is_an_option(request_name):
    fields = _schema(request_name)
    missing = sorted(set(fields) - set(OPTIONS) - set(DEPRECATED))
    assert missing == [], f"{request_name} fields without an entry in service/options.py: {missing}"
    for name, spec in fields.items():
        o = OPTIONS[DEPRECATED.get(name, name)]
        if "enum" in spec and o.kind == "choice":
            assert set(spec["enum"]) <= set(o.choices) | {"slo"}, name
        if spec.get("type") == "boolean":
            assert o.kind in ("bool", "precision_list"), name


@pytest.mark.parametrize("command", ["recommend", "deploy", "export", "status", "delete", "stop", "hardware"])
def test_every_magic_option_is_an_option(command):
    pytest.importorskip("IPython")
    from jupyter_optiserve.magics.parser import build

    sub = _sub(build(), command)
    dests = {a.dest for a in _actions(sub)}
    unknown = sorted(dests - set(OPTIONS) - SHELL_ONLY - {"refresh", "no_cluster", "start"})
    assert unknown == [], f"%optiserve {command} options without an entry in service/options.py: {unknown}"


@pytest.mark.parametrize("command", ["recommend", "render", "preflight", "deploy", "export", "estimate", "list"])
def test_cli_flags_take_the_tables_types_and_defaults(command):
    from jupyter_optiserve.cli import build_parser
    from jupyter_optiserve.service.engine import ESTIMATE_DEFAULTS

    for action in _actions(_sub(build_parser(), command)):
        o = OPTIONS.get(action.dest)
        if o is None or action.option_strings == ["--target"]:
            continue
        assert action.option_strings[0] in (o.flag, "--kube-context", "--context", "--timeout"), action.dest
        want = ESTIMATE_DEFAULTS.get(o.name, o.default) if command == "estimate" else o.default
        if o.kind == "bool":
            assert action.default is False, action.dest
        elif action.dest != "kpi":
            assert action.default == want, (command, action.dest)
        if o.kind == "choice" and action.dest != "kpi":
            assert tuple(action.choices) == o.choices


def test_one_cluster_timeout_default_everywhere():
    from jupyter_optiserve.cli import build_parser
    from jupyter_optiserve.server.app import OptiServeApp
    from jupyter_optiserve.service.settings import REQUEST_TIMEOUT, Settings

    defaults = {
        a.default
        for name in ("hardware", "recommend", "render", "deploy", "list", "status", "benchmark")
        for a in _actions(_sub(build_parser(), name))
        if a.dest == "request_timeout"
    }
    assert defaults == {REQUEST_TIMEOUT} == {Settings().request_timeout, OptiServeApp.request_timeout.default_value}


def test_the_kpi_lists_are_the_engines():
    """The KPIs live in recommend/kpi.py; the API's enums, the CLI's choices and /config follow it."""
    from jupyter_optiserve.catalog.profiles import SCHEMA
    from jupyter_optiserve.recommend.kpi import KPIS, NAMED_KPIS
    from jupyter_optiserve.service.settings import Settings

    schemas = openapi()["components"]["schemas"]
    assert tuple(schemas["Kpi"]["enum"]) == KPIS and tuple(schemas["DeployKpi"]["enum"]) == NAMED_KPIS
    assert OPTIONS["kpi"].choices == NAMED_KPIS and tuple(Settings().public()["kpis"]) == KPIS
    assert tuple(SCHEMA["items"]["properties"]["kpi"]["enum"]) == NAMED_KPIS
