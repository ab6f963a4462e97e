"""Fixtures shared by every app's tests."""

import pytest

from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role


@pytest.fixture
def sign_in(client):
    """sign_in(role) -> the worker, with the test client signed in as them."""

    def _sign_in(role: Role, **kwargs):
        worker = worker_with_role(role, **kwargs)
        client.force_login(worker)
        return worker

    return _sign_in
