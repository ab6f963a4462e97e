import pytest
from django.http import Http404

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import AccessGrantFactory, RecordRestrictionFactory
from onestory.recording import selectors

from .factories import NOW, child_of, draft_about, family_of, social_worker, submitted_note

pytestmark = pytest.mark.django_db


def test_a_draft_is_seen_only_by_its_author():
    author = social_worker()
    child = child_of(author)
    colleague = social_worker(team=author.team)  # may open the child through the team
    draft = draft_about(author, [child])
    assert list(selectors.notes_visible_to(author, now=NOW)) == [draft]
    assert not selectors.notes_visible_to(colleague, now=NOW).exists()
    assert not selectors.person_notes(colleague, child, now=NOW).exists()
    assert [v.note for v in selectors.drafts_of(author, now=NOW)] == [draft]
    assert selectors.drafts_of(colleague, now=NOW) == []
    with pytest.raises(Http404):
        selectors.access_note_by_id(colleague, draft.pk, now=NOW)


def test_a_submitted_note_is_read_through_a_subject_the_reader_may_open():
    author = social_worker()
    child = child_of(author)
    note = submitted_note(author, [child])
    colleague = social_worker(team=author.team)
    outsider = social_worker()
    assert list(selectors.person_notes(colleague, child, now=NOW)) == [note]
    with pytest.raises(Http404):
        selectors.access_note_by_id(outsider, note.pk, now=NOW)
    assert AuditEvent.objects.filter(actor=outsider, action="denied").exists()


def test_a_reader_is_not_told_who_the_subjects_they_may_not_open_are():
    author = social_worker()
    _, mother, (amira, _) = family_of(author)
    note = submitted_note(author, [amira, mother])
    # Another worker may open Amira only; her mother's record is restricted.
    reader = social_worker()
    AccessGrantFactory(person=amira, worker=reader)
    RecordRestrictionFactory(person=mother)
    view = selectors.access_note_by_id(reader, note.pk, now=NOW)
    assert [s.person for s in view.subjects] == [amira]
    assert view.hidden_subjects == 1
    viewed = AuditEvent.objects.filter(actor=reader, action="view")
    assert set(viewed.values_list("person_id", flat=True)) == {amira.pk}


def test_the_family_members_offered_are_those_the_writer_may_open():
    author = social_worker()
    household, mother, (amira, bilal) = family_of(author)
    hidden = child_of(social_worker(), given_name="Hidden")
    from onestory.people.tests.factories import HouseholdMemberFactory

    HouseholdMemberFactory(household=household, person=hidden)
    note = draft_about(author, [amira])
    offered = selectors.offered_people(author, note, now=NOW)
    assert {o.person for o in offered} == {mother, amira, bilal}
    assert [o.is_child for o in offered] == [True, True, False]
