"""One version parser: engine constants and deploy arguments compare versions the same way."""

import pytest

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.versions import require_version, version_tuple


def test_short_versions_compare_equal_to_their_padded_form():
    assert version_tuple("0.21") == version_tuple("0.21.0") == (0, 21, 0)
    assert version_tuple("v0.10.1rc2") == (0, 10, 1)
    assert version_tuple(None) is None and version_tuple("latest") is None


def test_a_user_version_without_numbers_is_a_clear_error():
    with pytest.raises(InvalidInputError, match="is not a version"):
        require_version("latest")


def test_engine_constants_pick_the_row_for_a_short_version():
    from jupyter_optiserve.estimate.constants import constants_for

    assert constants_for("vllm", "0.21").values == constants_for("vllm", "0.21.0").values
