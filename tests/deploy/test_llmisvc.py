"""LLMInferenceService as the dashboard's llm-d deployment writes it, validated against the real CRDs."""

import pytest

from jupyter_optiserve.deploy import render
from jupyter_optiserve.errors import InvalidInputError
from tests.deploy.test_manifests import _pool, multinode_plan, needs_crds
from tests.deploy.test_rhoai_conventions import _kinds, _valid


@needs_crds
def test_s3_connection_on_3x_goes_through_the_connection_annotations(make_plan):
    plan = make_plan(target="llmisvc", rhoai=3, storage_uri="s3://bucket/models/granite", connection="conn")
    llm = render(plan)[0]
    ann = llm["metadata"]["annotations"]
    assert ann["opendatahub.io/connections"] == "conn" and ann["opendatahub.io/connection-path"] == "models/granite"
    assert llm["spec"]["model"]["uri"] == "s3://bucket/models/granite"  # what the webhook writes, written already
    assert llm["apiVersion"] == "serving.kserve.io/v1alpha2"
    assert _valid([llm])


def test_s3_connection_on_2x_says_why_and_what_to_do(make_plan):
    plan = make_plan(target="llmisvc", rhoai=2, storage_uri="s3://bucket/models/granite", connection="conn")
    with pytest.raises(InvalidInputError) as exc:
        render(plan)
    assert "RHOAI 3.x" in exc.value.message and "--deployment-kind kserve" in exc.value.hint


def test_multi_node_is_refused_with_the_kind_that_renders_it(make_plan):
    plan = multinode_plan(make_plan, target="llmisvc", rhoai=3)
    assert plan.multinode
    with pytest.raises(InvalidInputError) as exc:
        render(plan)
    assert "KServe only" in exc.value.message and "--deployment-kind kserve" in exc.value.hint


@needs_crds
def test_served_name_auth_router_and_scheduling_match_the_dashboard(make_plan):
    plan = make_plan(target="llmisvc", rhoai=3, tp=2, name="granite-llmd", pool=_pool(), auth=True)
    objs = render(plan)
    llm = _kinds(objs)["LLMInferenceService"]
    spec = llm["spec"]
    # the smoke test asks for the deployment's name, as for an InferenceService
    assert spec["model"]["name"] == "granite-llmd"
    assert llm["metadata"]["annotations"]["security.opendatahub.io/enable-auth"] == "true"
    assert llm["metadata"]["labels"]["opendatahub.io/dashboard"] == "true"
    assert llm["metadata"]["annotations"]["opendatahub.io/model-type"] == "generative"
    # no LLMInferenceServiceConfig chosen: no baseRefs, and the router keeps its scheduler
    assert "baseRefs" not in spec and spec["router"] == {"route": {}, "gateway": {}, "scheduler": {}}
    main = spec["template"]["containers"][0]
    assert main["name"] == "main" and main["resources"]["limits"]["nvidia.com/gpu"] == "2"
    assert spec["template"]["tolerations"] and spec["parallelism"] == {"tensor": 2}
    role = _kinds(objs)["Role"]["rules"][0]
    assert role["resources"] == ["llminferenceservices"] and role["resourceNames"] == ["granite-llmd"]
    assert _valid(objs)
