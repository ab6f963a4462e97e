from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.earlyhelp.models import Episode
from onestory.frontdoor.models import Contact, ContactPerson
from onestory.people.models import ChronologyEntry
from onestory.people.tests.factories import PersonFactory
from onestory.recording.models import CaseNote, CaseNoteSubject
from onestory.retention import actions
from onestory.retention.models import LegalHold, RetentionRule
from onestory.retention.rules import RecordClass
from onestory.retention.selectors import due_records
from onestory.socialcare.models import CarePeriod
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import old_closed_episode, old_contact_that_went_no_further

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


@pytest.fixture
def dpo():
    return worker_with_role(Role.DATA_PROTECTION_OFFICER)


def scheduled(dpo) -> set:
    return {(d.record_class, d.record_id) for d in due_records(acting_user=dpo, today=TODAY)}


def hold(person, dpo, **kwargs):
    return actions.hold_place(
        person_id=person.pk, reason="litigation", details="Claim reference CL-2026-001",
        acting_user=dpo, now=NOW, form_token=kwargs.pop("form_token", ""), **kwargs,
    )  # fmt: skip


def note_about(episode, person):
    note = CaseNote.objects.create(
        kind="visit", occurred_at=episode.opened_at, text="Visited the family at home.",
        status="submitted", submitted_at=episode.opened_at, author=episode.opened_by,
        about_type="earlyhelp.episode", about_id=str(episode.pk),
    )  # fmt: skip
    CaseNoteSubject.objects.create(note=note, person=person)
    ChronologyEntry.objects.create(
        person=person, occurred_at=episode.opened_at, category="Case note", summary="A visit",
        source_type="recording.casenote", source_id=str(note.pk),
    )  # fmt: skip
    return note


def test_an_early_help_episode_closed_over_six_years_ago_is_disposed_of_with_its_notes(dpo):
    episode = old_closed_episode()
    child = episode.members.first().person
    note = note_about(episode, child)
    assert (RecordClass.EARLY_HELP, str(episode.pk)) in scheduled(dpo)

    deleted = actions.record_dispose(
        record_class="early_help", record_id=episode.pk, acting_user=dpo, now=NOW
    )

    assert not Episode.objects.filter(pk=episode.pk).exists()
    assert not CaseNote.objects.filter(pk=note.pk).exists()
    assert not ChronologyEntry.objects.filter(source_id=str(note.pk)).exists()
    assert deleted["earlyhelp.Episode"] == 1 and deleted["recording.CaseNote"] == 1
    child.refresh_from_db()  # the person stays: their other records follow their own rules
    event = AuditEvent.objects.get(action="delete", actor=dpo)
    assert event.person_id is None and event.detail["record_class"] == "early_help"
    assert child.family_name not in str(event.detail) and str(child.pk) not in str(event.detail)
    assert (RecordClass.EARLY_HELP, str(episode.pk)) not in scheduled(dpo)


def test_a_recently_closed_episode_is_not_due():
    recent = old_closed_episode(closed_at=datetime(2022, 1, 5, tzinfo=UTC))
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    assert (RecordClass.EARLY_HELP, str(recent.pk)) not in scheduled(dpo)


def test_a_held_record_is_never_proposed_and_its_disposal_is_refused_and_audited(dpo):
    episode = old_closed_episode()
    held = hold(episode.members.first().person, dpo)
    assert (RecordClass.EARLY_HELP, str(episode.pk)) not in scheduled(dpo)

    with pytest.raises(actions.RecordHeld):
        actions.record_dispose(
            record_class="early_help", record_id=episode.pk, acting_user=dpo, now=NOW
        )

    assert Episode.objects.filter(pk=episode.pk).exists()
    assert AuditEvent.objects.filter(action="denied", actor=dpo).count() == 1

    actions.hold_lift(hold_id=held.pk, version=held.version, reason="The claim was settled.",
                      acting_user=dpo, now=NOW)  # fmt: skip
    assert (RecordClass.EARLY_HELP, str(episode.pk)) in scheduled(dpo)


def test_lifting_a_hold_someone_else_changed_is_refused(dpo):
    held = hold(PersonFactory(), dpo)
    actions.hold_lift(hold_id=held.pk, version=held.version, reason="Inquiry closed now.",
                      acting_user=dpo, now=NOW)  # fmt: skip
    with pytest.raises(StaleEdit):
        actions.hold_lift(hold_id=held.pk, version=held.version, reason="Inquiry closed now.",
                          acting_user=dpo, now=NOW)  # fmt: skip


def test_a_hold_submitted_twice_is_placed_once(dpo):
    person, token = PersonFactory(), new_form_token()
    first = hold(person, dpo, form_token=token)
    second = hold(person, dpo, form_token=token)
    assert first.pk == second.pk and LegalHold.objects.count() == 1


def test_a_hold_needs_its_details_and_the_officer(dpo):
    with pytest.raises(DomainError):
        actions.hold_place(person_id=PersonFactory().pk, reason="inquiry", details="short",
                           acting_user=dpo, now=NOW)  # fmt: skip
    with pytest.raises(DomainError):
        hold(PersonFactory(), worker_with_role(Role.TEAM_MANAGER))


def test_a_contact_that_went_no_further_is_disposed_of_with_the_people_named_in_it(dpo):
    contact = old_contact_that_went_no_further()
    assert (RecordClass.FRONT_DOOR_CONTACT, str(contact.pk)) in scheduled(dpo)

    actions.record_dispose(
        record_class="front_door_contact", record_id=contact.pk, acting_user=dpo, now=NOW
    )

    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not ContactPerson.objects.filter(contact_id=contact.pk).exists()


def test_the_council_changing_a_rule_moves_the_disposal_date(dpo):
    episode = old_closed_episode()
    rule = RetentionRule.objects.get(record_class="early_help")
    actions.rule_update(rule_id=rule.pk, version=rule.version, trigger="closure", years=20,
                        source="Council decision 2026/14", acting_user=dpo, now=NOW)  # fmt: skip
    assert (RecordClass.EARLY_HELP, str(episode.pk)) not in scheduled(dpo)
    with pytest.raises(StaleEdit):
        actions.rule_update(rule_id=rule.pk, version=rule.version, trigger="closure", years=6,
                            source="Back again", acting_user=dpo, now=NOW)  # fmt: skip
    with pytest.raises(DomainError):
        actions.rule_update(rule_id=rule.pk, version=rule.version + 1, trigger="birthday",
                            years=6, source="x", acting_user=dpo, now=NOW)  # fmt: skip


def test_a_care_record_is_listed_at_the_75th_birthday_but_disposed_of_by_hand(dpo):
    old = PersonFactory(date_of_birth=date(1950, 2, 1))
    young = PersonFactory(date_of_birth=date(1990, 2, 1))
    for person in (old, young):
        CarePeriod.objects.create(person=person, starts_on=date(1960, 1, 1))
    due = scheduled(dpo)
    assert (RecordClass.CHILD_LOOKED_AFTER, str(old.pk)) in due
    assert (RecordClass.CHILD_LOOKED_AFTER, str(young.pk)) not in due
    with pytest.raises(DomainError, match="not built"):
        actions.record_dispose(record_class="child_looked_after", record_id=old.pk,
                               acting_user=dpo, now=NOW)  # fmt: skip


def test_only_the_officer_reads_the_schedule():
    with pytest.raises(PermissionError):
        due_records(acting_user=worker_with_role(Role.SOCIAL_WORKER), today=TODAY)


def test_the_command_lists_due_records_by_reference_without_names():
    episode = old_closed_episode()
    child = episode.members.first().person
    out, err = StringIO(), StringIO()
    call_command("retention_due", "--on", "2026-11-23", stdout=out, stderr=err)
    assert str(episode.pk) in out.getvalue() and str(child.pk) in out.getvalue()
    assert child.family_name not in out.getvalue() and child.given_name not in out.getvalue()
    early = StringIO()
    call_command("retention_due", "--on", "2020-01-01", stdout=early, stderr=StringIO())
    assert str(episode.pk) not in early.getvalue()
