import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from onestory.core.idempotency import (
    DuplicateSubmission,
    new_form_token,
    previous_result,
    remember_result,
)


def _made(name: str) -> Group:
    """Any saved record stands in for what a create form made."""
    return Group.objects.create(name=name)


@pytest.mark.django_db
def test_a_token_remembers_the_record_its_first_submit_made():
    person = _made("first")
    token = new_form_token()
    remember_result(token=token, actor_id=7, result=person)
    assert previous_result(token=token, actor_id=7) == str(person.pk)


@pytest.mark.django_db
def test_a_second_submit_with_the_same_token_is_refused():
    token = new_form_token()
    remember_result(token=token, actor_id=7, result=_made("first"))
    with pytest.raises(DuplicateSubmission), transaction.atomic():
        remember_result(token=token, actor_id=7, result=_made("other"))


@pytest.mark.django_db
def test_another_workers_token_reveals_nothing():
    token = new_form_token()
    remember_result(token=token, actor_id=7, result=_made("other"))
    assert previous_result(token=token, actor_id=8) is None


def test_each_form_gets_a_different_token():
    assert new_form_token() != new_form_token()
