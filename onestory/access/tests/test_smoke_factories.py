import pytest
from django.utils.html import escape

from onestory.access.tests.factories import AllocationFactory
from onestory.workforce.rules import Role


@pytest.mark.django_db
def test_allocated_worker_opens_the_person_page_and_the_view_is_audited(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    allocation = AllocationFactory(worker=worker)
    response = client.get(f"/people/{allocation.person_id}/")
    assert response.status_code == 200
    assert escape(allocation.person.full_name) in response.content.decode()
