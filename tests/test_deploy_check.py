"""The production settings pass Django's deployment checklist with no warnings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _check(**env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env}
    # Set by the test run itself (browser tests), never by a deployment.
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = _check(DJANGO_SECRET_KEY=secrets.token_urlsafe(45), ONESTORY_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "short"])
def test_production_refuses_to_start_without_a_long_secret_key(tmp_path, key):
    result = _check(DJANGO_SECRET_KEY=key, ONESTORY_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
