"""`onestory demo_users` on a database where `onestory synth` has not run."""

import io

import pytest
from django.core.management import CommandError, call_command

from onestory.workforce.models import Worker


@pytest.mark.django_db
def test_explains_that_synth_must_run_first_and_creates_nobody():
    with pytest.raises(CommandError, match="onestory synth"):
        call_command("demo_users", stdout=io.StringIO())
    assert not Worker.objects.filter(username="socialworker").exists()
