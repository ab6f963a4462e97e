"""The front door's queue takes the same number of database queries however many requests for
support are waiting, so screeners see it at once on a busy morning (proof item 19)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onestory.frontdoor.tests.factories import submit
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

# Session, sign-in, the five counts, how many contacts the page is one of, the page's contacts
# with the people they name and the information requests, decisions waiting for sign-off and
# strategy discussions due.
QUEUE_QUERIES = 16


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queue_takes_the_same_queries_however_many_are_waiting(
    client, sign_in, django_assert_max_num_queries
):
    school = worker_with_role(Role.PARTNER)
    at = timezone.now()
    submit(school, now=at - timedelta(hours=3))
    sign_in(Role.FRONT_DOOR)
    url = reverse("frontdoor:queue")
    few = _queries(client, url)
    made = [
        submit(school, now=at - timedelta(minutes=i), immediate_danger=i % 3 == 0)
        for i in range(12)
    ]
    assert _queries(client, url) == few
    with django_assert_max_num_queries(QUEUE_QUERIES):
        page = client.get(url).content.decode()
    assert all(contact.reference in page for contact in made)
