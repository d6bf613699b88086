"""Deploying the profile the user picked, not just the winner."""

import pytest

from jupyter_optiserve.deploy.plan import build_plan
from jupyter_optiserve.errors import NotFoundError
from jupyter_optiserve.recommend import recommend


def test_picked_profile_is_planned():
    ranked = recommend("granite-3.1-8b-instruct", "latency", accelerator="l40s", gpus=4).recommendations
    second = ranked[1].profile
    plan = build_plan(
        "granite-3.1-8b-instruct", "latency", namespace="demo", accelerator="l40s", gpus=4, profile=second.id
    )
    assert plan.profile.id == second.id != ranked[0].profile.id
    by_name = build_plan(
        "granite-3.1-8b-instruct", "latency", namespace="demo", accelerator="l40s", gpus=4, profile=second.name
    )
    assert by_name.profile.id == second.id
    assert (
        build_plan("granite-3.1-8b-instruct", "latency", namespace="demo", accelerator="l40s", gpus=4).profile.id
        == ranked[0].profile.id
    )


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(NotFoundError, match="not among"):
        build_plan(
            "granite-3.1-8b-instruct", "latency", namespace="demo", accelerator="l40s", gpus=4, profile="deadbeefcafe"
        )
