import datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.people.models import ChronologyEntry
from onestory.people.tests.factories import PersonFactory
from onestory.recording.actions import notes as actions
from onestory.recording.models import CaseNote
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import (
    NOW,
    child_of,
    draft_about,
    family_of,
    note_data,
    social_worker,
    submitted_note,
)

pytestmark = pytest.mark.django_db


def test_starting_a_note_saves_a_draft_at_once_and_audits_it():
    worker = social_worker()
    child = child_of(worker)
    note = draft_about(worker, [child])
    assert note.status == "draft" and note.kind == "visit" and note.author == worker
    assert list(note.subjects.values_list("person_id", flat=True)) == [child.pk]
    assert AuditEvent.objects.filter(action="create", object_id=str(note.pk)).exists()
    assert not ChronologyEntry.objects.filter(person=child).exists()


def test_starting_twice_with_the_same_form_makes_one_draft():
    worker = social_worker()
    child = child_of(worker)
    first = draft_about(worker, [child], form_token="once")
    second = draft_about(worker, [child], form_token="once")
    assert first.pk == second.pk
    assert CaseNote.objects.count() == 1


def test_nobody_starts_a_note_about_a_record_they_cannot_open():
    worker = social_worker()
    with pytest.raises(DomainError, match="records you can open"):
        draft_about(worker, [PersonFactory()])
    assert not CaseNote.objects.exists()


def test_only_a_team_manager_starts_management_oversight():
    worker = social_worker()
    child = child_of(worker)
    with pytest.raises(DomainError, match="team manager"):
        draft_about(worker, [child], oversight=True)


def test_a_draft_saves_what_was_typed_and_moves_its_version_on():
    worker = social_worker()
    child = child_of(worker)
    note = draft_about(worker, [child])
    saved = actions.note_save_draft(
        note_id=note.pk,
        version=note.version,
        data=note_data(note, text="Half a sentence", present="Mother"),
        acting_user=worker,
        now=NOW,
    )
    assert (saved.text, saved.present, saved.version) == ("Half a sentence", "Mother", 2)
    event = AuditEvent.objects.filter(action="update", object_id=str(note.pk)).get()
    assert set(event.detail["fields"]) == {"text", "present"}
    assert "Half a sentence" not in str(event.detail)


def test_a_stale_draft_save_is_refused_and_changes_nothing():
    worker = social_worker()
    note = draft_about(worker, [child_of(worker)])
    actions.note_save_draft(
        note_id=note.pk, version=1, data={"text": "From tab one"}, acting_user=worker, now=NOW
    )
    with pytest.raises(StaleEdit):
        actions.note_save_draft(
            note_id=note.pk, version=1, data={"text": "From tab two"}, acting_user=worker, now=NOW
        )
    assert CaseNote.objects.get(pk=note.pk).text == "From tab one"


def test_nobody_but_the_author_saves_a_draft():
    worker = social_worker()
    child = child_of(worker)
    note = draft_about(worker, [child])
    colleague = social_worker(team=worker.team)
    with pytest.raises(DomainError, match="Only the person who wrote"):
        actions.note_save_draft(
            note_id=note.pk, version=1, data={"text": "Mine now"}, acting_user=colleague, now=NOW
        )


def test_a_draft_links_the_family_members_chosen_with_whether_each_child_was_seen():
    worker = social_worker()
    _, mother, (amira, bilal) = family_of(worker)
    note = draft_about(worker, [amira])
    chosen = {str(amira.pk): "seen_alone", str(bilal.pk): "not_seen", str(mother.pk): ""}
    actions.note_save_draft(
        note_id=note.pk,
        version=1,
        data={"subjects": chosen},
        acting_user=worker,
        now=NOW,
    )
    assert dict(note.subjects.values_list("person_id", "seen")) == {
        amira.pk: "seen_alone",
        bilal.pk: "not_seen",
        mother.pk: "",
    }


def test_a_draft_cannot_be_linked_to_someone_outside_the_family():
    worker = social_worker()
    child = child_of(worker)
    stranger = child_of(worker)  # allocated, but not in the child's family
    note = draft_about(worker, [child])
    with pytest.raises(DetailsRefused) as refused:
        actions.note_save_draft(
            note_id=note.pk,
            version=1,
            data={"subjects": {str(child.pk): "", str(stranger.pk): ""}},
            acting_user=worker,
            now=NOW,
        )
    assert refused.value.problems == {"subjects": actions.NOT_OPEN}


def test_submitting_puts_a_line_in_each_subjects_chronology():
    worker = social_worker()
    _, mother, (amira, _) = family_of(worker)
    long_text = "Visited at home. " + "The children played happily in the garden. " * 10
    note = submitted_note(worker, [amira, mother], text=long_text, significant=True)
    assert note.status == "submitted" and note.submitted_at == NOW
    lines = ChronologyEntry.objects.filter(source_id=str(note.pk))
    assert {line.person_id for line in lines} == {amira.pk, mother.pk}
    for line in lines:
        assert line.category == "case note" and line.significant
        assert line.summary.startswith("Visit: Visited at home.")
        assert long_text.strip() not in line.summary
    audited = AuditEvent.objects.filter(action="submit", object_id=str(note.pk))
    assert set(audited.values_list("person_id", flat=True)) == {amira.pk, mother.pk}


def test_a_visit_is_not_submitted_until_each_child_is_marked_seen_or_not():
    worker = social_worker()
    child = child_of(worker, given_name="Amira", family_name="Khan")
    note = draft_about(worker, [child])
    with pytest.raises(actions.SubmitRefused) as refused:
        actions.note_submit(
            note_id=note.pk,
            version=1,
            data=note_data(note, text="Saw the family"),
            acting_user=worker,
            now=NOW,
        )
    assert refused.value.problems == {
        f"seen_{child.pk}": "Choose whether Amira Khan was seen on this visit, and seen alone."
    }
    # What was sent is kept as the draft, at the version the next submit carries.
    kept = CaseNote.objects.get(pk=note.pk)
    assert (kept.status, kept.text, kept.version) == (
        "draft",
        "Saw the family",
        refused.value.version,
    )
    assert not ChronologyEntry.objects.filter(source_id=str(note.pk)).exists()


def test_a_note_dated_in_the_future_is_not_submitted():
    worker = social_worker()
    child = child_of(worker)
    with pytest.raises(actions.SubmitRefused) as refused:
        submitted_note(worker, [child], occurred_at=NOW + datetime.timedelta(days=1))
    assert "occurred_on" in refused.value.problems


def test_a_submitted_note_cannot_be_changed():
    worker = social_worker()
    note = submitted_note(worker, [child_of(worker)])
    with pytest.raises(DomainError, match="cannot be changed"):
        actions.note_save_draft(
            note_id=note.pk,
            version=note.version,
            data={"text": "Rewritten"},
            acting_user=worker,
            now=NOW,
        )


def test_management_oversight_records_a_decision_in_the_chronology():
    manager = worker_with_role(Role.TEAM_MANAGER)
    child = child_of(manager)
    note = draft_about(manager, [child], oversight=True)
    with pytest.raises(actions.SubmitRefused) as refused:
        actions.note_submit(
            note_id=note.pk, version=1, data=note_data(note), acting_user=manager, now=NOW
        )
    assert "decision" in refused.value.problems
    done = actions.note_submit(
        note_id=note.pk,
        version=refused.value.version,
        data=note_data(note, decision="Convene a strategy discussion today."),
        acting_user=manager,
        now=NOW,
    )
    line = ChronologyEntry.objects.get(source_id=str(done.pk))
    assert line.category == "management oversight"
    assert line.summary == "Management oversight: Convene a strategy discussion today."


def test_oversight_stays_oversight_while_it_is_a_draft():
    manager = worker_with_role(Role.TEAM_MANAGER)
    note = draft_about(manager, [child_of(manager)], oversight=True)
    with pytest.raises(DetailsRefused):
        actions.note_save_draft(
            note_id=note.pk, version=1, data={"kind": "visit"}, acting_user=manager, now=NOW
        )
