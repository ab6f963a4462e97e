"""Finding possible duplicates in batch, the queue, the pair page and its decisions."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import AllocationFactory, RecordRestrictionFactory
from onestory.people import merging
from onestory.people.models import DuplicateCandidate, Person, PersonMerge
from onestory.people.tests.factories import AddressFactory, PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

BORN = date(2017, 8, 3)
REASON = "Same date of birth and address; Bob is the name he uses at school."


@pytest.fixture
def robert_twice():
    robert = PersonFactory(given_name="Robert", family_name="Ahmed", date_of_birth=BORN, sex="M")
    bob = PersonFactory(given_name="Bob", family_name="Ahmad", date_of_birth=BORN, sex="M")
    for person in (robert, bob):
        AddressFactory(person=person, postcode="LU2 0NN")
    PersonFactory(given_name="Grace", family_name="Nwosu", date_of_birth=date(2011, 4, 4))
    return robert, bob


def find_duplicates() -> str:
    out = StringIO()
    call_command("find_duplicates", stdout=out)
    return out.getvalue()


@pytest.fixture
def queued(robert_twice):
    find_duplicates()
    return DuplicateCandidate.objects.get()


def test_the_batch_search_queues_a_pair_that_may_be_one_person(robert_twice):
    output = find_duplicates()
    robert, bob = robert_twice
    pair = DuplicateCandidate.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {robert.pk, bob.pk}
    assert pair.person_a_id < pair.person_b_id
    assert pair.status == DuplicateCandidate.Status.OPEN
    texts = [item["text"] for item in pair.evidence]
    assert "Date of birth matches" in texts
    assert "Known as Bob, a short form of Robert" in texts
    assert "New pairs queued: 1" in output
    assert "Time:" in output


def test_running_the_batch_search_again_adds_no_repeats(robert_twice):
    find_duplicates()
    output = find_duplicates()
    assert DuplicateCandidate.objects.count() == 1
    assert "New pairs queued: 0" in output


def test_a_pair_decided_as_different_people_is_not_queued_again(queued):
    merging.duplicate_dismiss(
        candidate_id=queued.pk, acting_user=worker_with_role(Role.FRONT_DOOR), now=queued.created_at
    )
    find_duplicates()
    assert list(DuplicateCandidate.objects.values_list("status", flat=True)) == ["not_duplicate"]


def test_a_merged_away_record_is_not_compared_again(robert_twice):
    robert, bob = robert_twice
    Person.objects.filter(pk=bob.pk).update(merged_into=robert)
    find_duplicates()
    assert not DuplicateCandidate.objects.exists()


def test_the_queue_lists_open_pairs_strongest_first_with_the_evidence(client, sign_in, queued):
    weaker = DuplicateCandidate.objects.create(
        person_a=PersonFactory(),
        person_b=PersonFactory(),
        score=55,
        evidence=[{"text": "Date of birth matches", "points": 35}],
    )
    sign_in(Role.FRONT_DOOR)
    page = client.get("/duplicates/").content.decode()
    assert page.index(f"/duplicates/{queued.pk}/") < page.index(f"/duplicates/{weaker.pk}/")
    assert "Known as Bob, a short form of Robert" in page
    listed = set(
        AuditEvent.objects.filter(action="list", detail__page="possible duplicates").values_list(
            "person_id", flat=True
        )
    )
    assert listed == {
        queued.person_a_id,
        queued.person_b_id,
        weaker.person_a_id,
        weaker.person_b_id,
    }


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.PARTNER, Role.ANALYST])
def test_only_front_door_and_managers_reach_the_queue(client, sign_in, queued, role):
    sign_in(role)
    assert client.get("/duplicates/").status_code == 404
    assert client.get(f"/duplicates/{queued.pk}/").status_code == 404


def test_a_pair_with_a_restricted_record_is_hidden_from_workers_not_named_on_it(
    client, sign_in, queued
):
    RecordRestrictionFactory(person=queued.person_a)
    sign_in(Role.TEAM_MANAGER)
    assert f"/duplicates/{queued.pk}/" not in client.get("/duplicates/").content.decode()
    assert client.get(f"/duplicates/{queued.pk}/").status_code == 404


def test_the_pair_page_shows_both_records_side_by_side_and_is_audited_for_each(
    client, sign_in, queued, robert_twice
):
    robert, bob = robert_twice
    worker = sign_in(Role.FRONT_DOOR)
    page = client.get(f"/duplicates/{queued.pk}/").content.decode()
    for text in (
        "Robert Ahmed",
        "Bob Ahmad",
        "3 August 2017",
        "LU2 0NN",
        "Chronology",
        "Known as Bob, a short form of Robert",
    ):
        assert text in page
    viewed = set(
        AuditEvent.objects.filter(actor=worker, action="view").values_list("person_id", flat=True)
    )
    assert viewed == {robert.pk, bob.pk}


def test_not_the_same_person_closes_the_pair(client, sign_in, queued):
    worker = sign_in(Role.FRONT_DOOR)
    response = client.post(f"/duplicates/{queued.pk}/", {"decision": "not_duplicate"})
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.status == DuplicateCandidate.Status.NOT_DUPLICATE
    assert queued.decided_by == worker
    assert f"/duplicates/{queued.pk}/" not in client.get("/duplicates/").content.decode()


def test_merging_from_the_pair_page_keeps_the_chosen_record(client, sign_in, queued):
    sign_in(Role.FRONT_DOOR)
    response = client.post(
        f"/duplicates/{queued.pk}/", {"decision": "merge", "keep": "b", "reason": REASON}
    )
    assert response.status_code == 302
    merge = PersonMerge.objects.get()
    assert merge.kept_id == queued.person_b_id
    assert merge.merged_id == queued.person_a_id
    assert merge.reason == REASON


def test_a_merge_without_a_choice_or_reason_is_explained_and_nothing_changes(
    client, sign_in, queued
):
    sign_in(Role.FRONT_DOOR)
    page = client.post(
        f"/duplicates/{queued.pk}/", {"decision": "merge", "reason": ""}
    ).content.decode()
    assert "There is a problem" in page
    assert 'href="#id_keep"' in page
    assert "Choose which record to keep" in page
    assert "Enter why these records are the same person" in page
    assert not PersonMerge.objects.exists()


def test_a_merge_of_a_restricted_record_is_not_listed_to_workers_not_named_on_it(
    client, sign_in, queued
):
    screener = worker_with_role(Role.FRONT_DOOR)
    merge = merging.person_merge(
        kept_id=queued.person_a_id,
        merged_id=queued.person_b_id,
        reason=REASON,
        acting_user=screener,
        now=queued.created_at,
    )
    RecordRestrictionFactory(person=queued.person_a)
    sign_in(Role.FRONT_DOOR)
    assert f"/merges/{merge.pk}/undo/" not in client.get("/duplicates/").content.decode()
    assert client.get(f"/merges/{merge.pk}/undo/").status_code == 404


def test_a_merge_can_be_undone_from_its_page(client, sign_in, queued):
    worker = sign_in(Role.FRONT_DOOR)
    merge = merging.person_merge(
        kept_id=queued.person_a_id,
        merged_id=queued.person_b_id,
        reason=REASON,
        acting_user=worker,
        now=queued.created_at,
    )
    assert f"/merges/{merge.pk}/undo/" in client.get("/duplicates/").content.decode()
    response = client.post(f"/merges/{merge.pk}/undo/", {"reason": "They are cousins, not one."})
    assert response.status_code == 302
    assert Person.objects.get(pk=queued.person_b_id).merged_into is None


def test_an_undo_without_a_reason_is_explained(client, sign_in, queued):
    worker = sign_in(Role.FRONT_DOOR)
    merge = merging.person_merge(
        kept_id=queued.person_a_id,
        merged_id=queued.person_b_id,
        reason=REASON,
        acting_user=worker,
        now=queued.created_at,
    )
    page = client.post(f"/merges/{merge.pk}/undo/", {"reason": ""}).content.decode()
    assert "Enter why you are undoing this merge" in page
    assert Person.objects.get(pk=queued.person_b_id).merged_into_id == queued.person_a_id


def test_a_manager_sees_only_pairs_of_records_they_can_open(client, sign_in, queued):
    manager = sign_in(Role.TEAM_MANAGER)
    assert f"/duplicates/{queued.pk}/" not in client.get("/duplicates/").content.decode()
    assert client.get(f"/duplicates/{queued.pk}/").status_code == 404
    AllocationFactory(person=queued.person_a, team=manager.team, worker=None)
    AllocationFactory(person=queued.person_b, team=manager.team, worker=None)
    assert f"/duplicates/{queued.pk}/" in client.get("/duplicates/").content.decode()
    assert client.get(f"/duplicates/{queued.pk}/").status_code == 200
