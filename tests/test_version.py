"""One version source: package.json. The Python package, the CLI and the wheel metadata follow it."""

import json
import subprocess
import sys
from pathlib import Path

from packaging.version import Version

import jupyter_optiserve

ROOT = Path(__file__).resolve().parent.parent


def _package_json_version() -> str:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["version"]


def test_package_version_is_package_json_version():
    assert Version(jupyter_optiserve.__version__) == Version(_package_json_version())


def test_cli_reports_the_version():
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_optiserve", "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"optiserve {jupyter_optiserve.__version__}"


def test_pyproject_takes_the_version_from_package_json():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text
    assert 'source = "nodejs"' in text
