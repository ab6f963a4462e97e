import pytest
from django.db import transaction

from onestory.core.idempotency import (
    DuplicateSubmission,
    new_form_token,
    previous_result,
    remember_result,
)
from onestory.people.tests.factories import PersonFactory


@pytest.mark.django_db
def test_a_token_remembers_the_record_its_first_submit_made():
    person = PersonFactory()
    token = new_form_token()
    remember_result(token=token, actor_id=7, result=person)
    assert previous_result(token=token, actor_id=7) == str(person.pk)


@pytest.mark.django_db
def test_a_second_submit_with_the_same_token_is_refused():
    token = new_form_token()
    remember_result(token=token, actor_id=7, result=PersonFactory())
    with pytest.raises(DuplicateSubmission), transaction.atomic():
        remember_result(token=token, actor_id=7, result=PersonFactory())


@pytest.mark.django_db
def test_another_workers_token_reveals_nothing():
    token = new_form_token()
    remember_result(token=token, actor_id=7, result=PersonFactory())
    assert previous_result(token=token, actor_id=8) is None


def test_each_form_gets_a_different_token():
    assert new_form_token() != new_form_token()
