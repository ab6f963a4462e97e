import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _figures_worked_out_afresh():
    """Each test's records are its own: figures kept by an earlier test are not reused."""
    cache.clear()
    yield
    cache.clear()
