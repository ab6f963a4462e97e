import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import Allocation
from onestory.people.models import ChronologyEntry
from onestory.recording.models import CaseNote
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role

from .factories import child_of, draft_about, family_of, social_worker, submitted_note

pytestmark = pytest.mark.django_db


def _form(note, child, **changes):
    data = {
        "version": str(note.version),
        "kind": "visit",
        "occurred_on": "09/03/2026",
        "occurred_time": "10:30",
        "present": "Mother",
        "subjects": [str(child.pk)],
        f"seen_{child.pk}": "seen_alone",
        "text": "Saw the children at home.",
        "action": "save",
    }
    data.update(changes)
    return data


def test_add_a_case_note_starts_a_draft_and_opens_it(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = child_of(worker)
    start = reverse("recording:note-start")
    first = client.post(start, {"person": str(child.pk), "form_token": "t1"})
    again = client.post(start, {"person": str(child.pk), "form_token": "t1"})
    note = CaseNote.objects.get()
    assert first.url == again.url == reverse("recording:note-edit", args=[note.pk])
    page = client.get(first.url)
    assert page.status_code == 200 and escape(child.full_name) in page.content.decode()


def test_a_note_cannot_be_started_on_a_record_the_worker_may_not_open(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    other = child_of(social_worker())
    response = client.post(reverse("recording:note-start"), {"person": str(other.pk)})
    assert response.status_code == 404
    assert not CaseNote.objects.exists()


def test_a_family_note_offers_each_member_the_worker_may_open(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    household, mother, children = family_of(worker)
    response = client.post(reverse("recording:note-start"), {"household": str(household.pk)})
    note = CaseNote.objects.get()
    assert response.url == reverse("recording:note-edit", args=[note.pk])
    assert note.household == household
    assert set(note.subjects.values_list("person_id", flat=True)) == {
        mother.pk,
        *(c.pk for c in children),
    }


def test_submit_from_the_form_lands_on_the_note_and_in_the_chronology(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = child_of(worker)
    note = draft_about(worker, [child])
    url = reverse("recording:note-edit", args=[note.pk])
    response = client.post(url, _form(note, child, action="submit", significant="on"))
    assert response.url == reverse("recording:note-detail", args=[note.pk])
    entry = ChronologyEntry.objects.get(person=child)
    assert entry.significant and entry.summary == "Visit: Saw the children at home."
    # A submitted note opens as a page to read, not a form.
    assert client.get(url).url == reverse("recording:note-detail", args=[note.pk])


def test_bad_input_is_shown_with_what_to_fix_and_what_was_typed_is_kept(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = child_of(worker)
    note = draft_about(worker, [child])
    response = client.post(
        reverse("recording:note-edit", args=[note.pk]),
        _form(note, child, action="submit", occurred_on="09/03/2099", **{f"seen_{child.pk}": ""}),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "must be now or in the past" in body
    assert f"Choose whether {child.full_name} was seen" in body
    assert "Saw the children at home." in body
    assert CaseNote.objects.get(pk=note.pk).text == "Saw the children at home."


def test_a_stale_save_keeps_what_was_typed(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = child_of(worker)
    note = draft_about(worker, [child])
    url = reverse("recording:note-edit", args=[note.pk])
    client.post(url, _form(note, child, text="Saved in another tab"))
    response = client.post(url, _form(note, child, text="Typed in this tab"))
    body = response.content.decode()
    assert "after you opened it" in body and "Typed in this tab" in body
    assert CaseNote.objects.get(pk=note.pk).text == "Saved in another tab"


def test_autosave_answers_with_the_new_version_or_409_when_stale(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = child_of(worker)
    note = draft_about(worker, [child])
    url = reverse("recording:note-autosave", args=[note.pk])
    saved = client.post(url, _form(note, child, text="As I type"))
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = client.post(url, _form(note, child, text="Older tab"))
    assert stale.status_code == 409
    assert CaseNote.objects.get(pk=note.pk).text == "As I type"


def test_a_draft_is_nobody_elses(client, sign_in):
    author = social_worker()
    child = child_of(author)
    note = draft_about(author, [child], form_token="")
    sign_in(Role.SOCIAL_WORKER, team=author.team)
    for name in ("recording:note-edit", "recording:note-detail"):
        assert client.get(reverse(name, args=[note.pk])).status_code == 404
    autosave = client.post(reverse("recording:note-autosave", args=[note.pk]), {"version": "1"})
    assert autosave.status_code == 404
    assert escape(child.full_name) not in client.get(reverse("recording:drafts")).content.decode()
    notes_page = client.get(reverse("recording:person-notes", args=[child.pk]))
    assert "Your draft" not in notes_page.content.decode()


def test_your_drafts_lists_the_workers_unfinished_notes(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = child_of(worker)
    note = draft_about(worker, [child])
    body = client.get(reverse("recording:drafts")).content.decode()
    assert reverse("recording:note-edit", args=[note.pk]) in body
    assert escape(child.full_name) in body


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.TEAM_MANAGER, 302), (Role.SOCIAL_WORKER, 404), (Role.ANALYST, 404)],
)
def test_only_a_team_manager_adds_management_oversight(client, sign_in, role, status):
    worker = sign_in(role)
    child = child_of(worker)
    response = client.post(reverse("recording:oversight-add"), {"person": str(child.pk)})
    assert response.status_code == status
    assert CaseNote.objects.filter(kind="management_oversight").count() == (status == 302)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DATA_PROTECTION_OFFICER])
def test_roles_that_do_not_work_on_cases_have_no_case_note_pages(client, sign_in, role):
    sign_in(role)
    assert client.get(reverse("recording:drafts")).status_code == 404
    assert client.get(reverse("recording:supervisions")).status_code == 404


def test_a_manager_records_supervision_from_the_workers_caseload(client, sign_in):
    manager = sign_in(Role.TEAM_MANAGER)
    worker = social_worker(team=manager.team)
    child = child_of(worker)
    url = reverse("recording:supervision-add") + f"?worker={worker.pk}"
    page = client.get(url).content.decode()
    assert escape(child.full_name) in page
    data = {
        "form_token": "s1",
        "held_on": "09/03/2026",
        "discussion": "Workload",
        "discussed_0": "Attendance",
        "decision_0": "Visit weekly",
    }
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert ChronologyEntry.objects.filter(person=child, category="supervision").count() == 1
    sign_in(Role.SOCIAL_WORKER)  # not the supervisee
    assert client.get(first.url).status_code == 404
    client.force_login(worker)
    assert "Attendance" in client.get(first.url).content.decode()


def test_the_childs_social_care_page_shows_the_latest_case_notes_and_documents(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=timezone.now())
    submitted_note(worker, [child], text="Saw Maya at school; happy.", now=timezone.now())
    page = client.get(reverse("socialcare:child", args=[child.pk])).content.decode()
    assert "Saw Maya at school; happy." in page and "Add a case note" in page
    assert reverse("recording:person-notes", args=[child.pk]) in page
    assert "Documents" in page


def test_the_author_adds_to_a_submitted_note_which_stays_as_it_was(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=timezone.now())
    note = submitted_note(worker, [child], text="Visited at home.", now=timezone.now())
    url = reverse("recording:note-detail", args=[note.pk])
    add = reverse("recording:note-add", args=[note.pk])
    page = client.get(url).content.decode()
    assert "Add to this note" in page

    refused = client.post(add, {"form_token": "a1", "text": "  "})
    assert refused.status_code == 200
    assert "Write what you are adding to the note." in refused.content.decode()

    data = {"form_token": "a2", "text": "Mum later said the boiler is fixed."}
    assert client.post(add, data).status_code == client.post(add, data).status_code == 302
    page = client.get(url).content.decode()
    assert "Visited at home." in page and "Mum later said the boiler is fixed." in page
    assert note.addenda.count() == 1
    note.refresh_from_db()
    assert note.text == "Visited at home."
    line = ChronologyEntry.objects.get(person=child, source_type="recording.casenoteaddendum")
    assert line.summary.startswith("Added to the case note of ")
    assert line.summary.endswith("(visit): Mum later said the boiler is fixed.")


def test_only_the_author_or_a_manager_adds_to_a_note(client, sign_in):
    author = social_worker()
    child = child_of(author)
    note = submitted_note(author, [child], now=timezone.now())
    colleague = sign_in(Role.SOCIAL_WORKER)
    Allocation.objects.create(person=child, worker=colleague, starts_at=timezone.now())
    url = reverse("recording:note-detail", args=[note.pk])
    assert "Add to this note" not in client.get(url).content.decode()
    add = reverse("recording:note-add", args=[note.pk])
    assert client.post(add, {"form_token": "b1", "text": "Mine"}).status_code == 404

    manager = sign_in(Role.TEAM_MANAGER, team=author.team)
    assert "Add to this note" in client.get(url).content.decode()
    assert client.post(add, {"form_token": "b2", "text": "Agreed."}).status_code == 302
    assert note.addenda.get().author == manager
