"""``%optiserve`` rejects NaN and Infinity at parse time, as the CLI and the REST API do."""

import pytest
from IPython.core.error import UsageError


@pytest.mark.parametrize(
    "line",
    [
        "deploy granite-3.1-8b-instruct --kpi latency --timeout nan",
        "recommend granite-3.1-8b-instruct --ttft-ms inf",
        "recommend granite-3.1-8b-instruct --itl-ms=-inf",
        "hardware --request-timeout NaN",
    ],
)
def test_non_finite_numbers_are_usage_errors(magic, line):
    with pytest.raises(UsageError) as exc:
        magic(line)
    assert "finite" in str(exc.value) or "greater than 0" in str(exc.value)
