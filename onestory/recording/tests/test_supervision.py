import datetime

import pytest
from django.http import Http404

from onestory.core.errors import DetailsRefused, DomainError
from onestory.people.models import ChronologyEntry
from onestory.recording import selectors
from onestory.recording.actions.supervision import supervision_record
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import NOW, child_of, social_worker

pytestmark = pytest.mark.django_db


def _team():
    manager = worker_with_role(Role.TEAM_MANAGER)
    worker = social_worker(team=manager.team)
    return manager, worker


def test_each_case_discussed_goes_on_the_childs_record_and_chronology():
    manager, worker = _team()
    child = child_of(worker)
    supervision = supervision_record(
        supervisee_id=worker.pk,
        held_on=datetime.date(2026, 3, 9),
        discussion="Workload is heavy; booked training.",
        cases=[
            {"person_id": child.pk, "discussed": "School attendance", "decision": "Visit weekly"}
        ],
        acting_user=manager,
        now=NOW,
    )
    note = supervision.cases.get()
    assert (note.kind, note.status, note.decision) == ("supervision", "submitted", "Visit weekly")
    assert list(note.subjects.values_list("person_id", flat=True)) == [child.pk]
    line = ChronologyEntry.objects.get(person=child, source_id=str(note.pk))
    assert (line.category, line.summary) == ("supervision", "Supervision: School attendance")
    # The session's own notes are not in any chronology.
    assert not ChronologyEntry.objects.filter(summary__contains="Workload").exists()


def test_only_a_manager_of_the_workers_team_records_their_supervision():
    manager, worker = _team()
    other_manager = worker_with_role(Role.TEAM_MANAGER)
    for who in (other_manager, social_worker(team=manager.team)):
        with pytest.raises(DomainError):
            supervision_record(
                supervisee_id=worker.pk,
                held_on=datetime.date(2026, 3, 9),
                discussion="",
                cases=[],
                acting_user=who,
                now=NOW,
            )


def test_a_case_must_be_on_the_workers_caseload():
    manager, worker = _team()
    elsewhere = child_of(manager)
    with pytest.raises(DomainError, match="caseload"):
        supervision_record(
            supervisee_id=worker.pk,
            held_on=datetime.date(2026, 3, 9),
            discussion="",
            cases=[{"person_id": elsewhere.pk, "discussed": "x", "decision": ""}],
            acting_user=manager,
            now=NOW,
        )


def test_a_supervision_in_the_future_or_a_case_with_nothing_discussed_is_refused():
    manager, worker = _team()
    child = child_of(worker, given_name="Amira", family_name="Khan")
    with pytest.raises(DetailsRefused) as refused:
        supervision_record(
            supervisee_id=worker.pk,
            held_on=datetime.date(2026, 3, 11),
            discussion="",
            cases=[{"person_id": child.pk, "discussed": " ", "decision": "Close"}],
            acting_user=manager,
            now=NOW,
        )
    assert set(refused.value.problems) == {"held_on", "case_0"}
    assert "Amira Khan" in refused.value.problems["case_0"]


def test_the_session_is_private_to_the_worker_their_supervisor_and_the_teams_managers():
    manager, worker = _team()
    supervision = supervision_record(
        supervisee_id=worker.pk,
        held_on=datetime.date(2026, 3, 9),
        discussion="Wellbeing",
        cases=[],
        acting_user=manager,
        now=NOW,
    )
    assert selectors.access_supervision_by_id(worker, supervision.pk, now=NOW)
    assert selectors.access_supervision_by_id(manager, supervision.pk, now=NOW)
    for outsider in (social_worker(team=manager.team), worker_with_role(Role.TEAM_MANAGER)):
        with pytest.raises(Http404):
            selectors.access_supervision_by_id(outsider, supervision.pk, now=NOW)
