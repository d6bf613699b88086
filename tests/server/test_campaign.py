"""The long schemathesis campaign (bench/schemathesis_campaign.py), opt-in: OPTISERVE_CAMPAIGN=1.

At least 5,000 requests, all phases and checks, against a real server on loopback: no 5xx and no
traceback in the server log. It takes about 10 minutes on 2 cores, so the default run skips it
(tests/server/test_openapi.py runs a bounded one every time)."""

import importlib.util
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("OPTISERVE_CAMPAIGN") != "1", reason="slow campaign: set OPTISERVE_CAMPAIGN=1 to run it"
)


def test_campaign_has_no_5xx_and_no_traceback():
    path = Path(__file__).resolve().parents[2] / "bench" / "schemathesis_campaign.py"
    spec = importlib.util.spec_from_file_location("schemathesis_campaign", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.run_campaign(
        max_examples=int(os.environ.get("OPTISERVE_CAMPAIGN_EXAMPLES", "25")), workers=2, seed=12, max_time=1500
    )
    print(
        f"campaign: {res['requests']} requests, statuses {res['statuses']}, 5xx {res['5xx']}, "
        f"tracebacks {res['tracebacks']}"
    )
    assert res["requests"] >= 5000, res["statuses"]
    assert res["5xx"] == 0, res["5xx_examples"]
    assert res["tracebacks"] == 0, res["server_log_tail"]
