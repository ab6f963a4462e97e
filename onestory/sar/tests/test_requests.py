"""Logging a subject access request, building its bundle, releasing it: the officer's pages, the
audit trail, and what a bundle holds and withholds."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError
from onestory.frontdoor.models import InformationRequest
from onestory.frontdoor.tests.factories import submit
from onestory.people.tests.factories import AddressFactory, PersonFactory, RelationshipFactory
from onestory.recording.models import CaseNote, CaseNoteSubject
from onestory.sar import actions
from onestory.sar.models import SubjectAccessRequest
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_with_history():
    """A child whose record mentions a parent, a referrer, the police and a refuge."""
    now = timezone.now()
    child = PersonFactory(given_name="Robin", family_name="Ashdown", upn="A123456789012")
    mother = PersonFactory(given_name="Marigold", family_name="Tenterden", nhs_number="9434765919")
    AddressFactory(person=mother, line_1="7 Quarry Lane", postcode="LU3 3QQ", withheld="")
    AddressFactory(person=child, line_1="Safe House Refuge", postcode="LU1 9ZZ", withheld="refuge")
    RelationshipFactory(from_person=mother, to_person=child, kind="parent")
    referrer = worker_with_role(
        Role.PARTNER, first_name="Petronella", last_name="Quince", agency_name="A referring school"
    )
    contact = submit(referrer, now=now, people=[
        {"role": "child", "given_name": "Robin", "family_name": "Ashdown"},
        {"role": "parent", "given_name": "Marigold", "family_name": "Tenterden",
         "relationship_to_child": "Mother"},
    ])  # fmt: skip
    named = contact.people.get(role="child")
    named.person = child
    named.save(update_fields=["person"])
    asker = worker_with_role(Role.FRONT_DOOR)
    InformationRequest.objects.create(
        contact=contact, agency_kind="police", asked_of="Police", question="Known?",
        requested_at=now, requested_by=asker, due_at=now, reply="Two call-outs POLICEWORDS",
        replied_at=now,
    )  # fmt: skip
    note = CaseNote.objects.create(
        kind="visit", occurred_at=now, text="Robin loves football. Marigold Tenterden was out.",
        status="submitted", submitted_at=now, author=asker,
    )  # fmt: skip
    CaseNoteSubject.objects.create(note=note, person=child)
    CaseNoteSubject.objects.create(note=note, person=mother)
    return child


def _log(dpo, child, **changes):
    values = {
        "person_id": child.pk, "requester": "subject", "requester_name": "",
        "received_on": date(2024, 1, 31), "identity_verified": True,
        "identity_evidence": "Passport seen", "acting_user": dpo, "now": timezone.now(),
    }  # fmt: skip
    return actions.request_log(**{**values, **changes})


def test_a_logged_request_is_due_by_the_ico_rule_and_audited(child_with_history):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    row = _log(dpo, child_with_history)
    assert row.due_on == date(2024, 2, 29)
    assert AuditEvent.objects.filter(action="create", person_id=child_with_history.pk,
                                     object_id=str(row.pk)).exists()  # fmt: skip


def test_logging_twice_with_one_form_makes_one_request(child_with_history):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    first = _log(dpo, child_with_history, form_token="tok-1")
    second = _log(dpo, child_with_history, form_token="tok-1")
    assert first.pk == second.pk
    assert SubjectAccessRequest.objects.count() == 1


def test_only_the_data_protection_officer_may_log_a_request(child_with_history):
    with pytest.raises(DomainError):
        _log(worker_with_role(Role.TEAM_MANAGER), child_with_history)


def test_an_extension_moves_the_due_date_and_keeps_its_reason(child_with_history):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    row = _log(dpo, child_with_history, received_on=date(2024, 9, 3))
    row = actions.request_extend(request_id=row.pk, version=row.version, months=2,
                                 reason="Thirty years of records across four systems",
                                 acting_user=dpo, now=timezone.now())  # fmt: skip
    assert row.due_on == date(2024, 12, 3)
    assert row.extension_reason.startswith("Thirty years")


def test_the_bundle_holds_the_persons_data_and_withholds_third_parties(child_with_history):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    row = _log(dpo, child_with_history)
    row = actions.request_build_bundle(request_id=row.pk, acting_user=dpo, now=timezone.now())
    html = row.bundle_html
    assert "Robin loves football" in html and "A123456789012" in html
    for theirs in ("Tenterden", "Marigold", "Quince", "Petronella", "POLICEWORDS",
                   "Safe House Refuge", "7 Quarry Lane", "9434765919", "01632 960123"):  # fmt: skip
        assert theirs not in html, theirs
    assert "[withheld: third party]" in html
    reasons = set(row.withholdings.values_list("reason", flat=True))
    assert {"third_party", "referrer", "police", "withheld_address"} <= reasons


def test_a_released_bundle_cannot_be_rebuilt(child_with_history):
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    row = _log(dpo, child_with_history)
    row = actions.request_build_bundle(request_id=row.pk, acting_user=dpo, now=timezone.now())
    row = actions.request_release(request_id=row.pk, version=row.version, acting_user=dpo,
                                  now=timezone.now())  # fmt: skip
    assert row.status == "released"
    assert AuditEvent.objects.filter(action="release", object_id=str(row.pk)).exists()
    with pytest.raises(DomainError):
        actions.request_build_bundle(request_id=row.pk, acting_user=dpo, now=timezone.now())


@pytest.mark.parametrize("role", [r for r in Role if r != Role.DATA_PROTECTION_OFFICER])
def test_every_other_role_is_told_the_pages_do_not_exist(client, sign_in, role,
                                                         child_with_history):  # fmt: skip
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    row = _log(dpo, child_with_history)
    sign_in(role)
    for url in (reverse("sar:list"), reverse("sar:new"), reverse("sar:detail", args=[row.pk])):
        assert client.get(url).status_code == 404


def test_the_officer_finds_the_person_logs_builds_and_downloads(client, sign_in,
                                                                child_with_history):  # fmt: skip
    dpo = sign_in(Role.DATA_PROTECTION_OFFICER)
    found = client.post(reverse("sar:new"), {"name": "robin ashdown", "search": "1"})
    assert escape(child_with_history.full_name) in found.content.decode()
    today = timezone.localdate()
    refused = client.post(reverse("sar:new"), {
        "name": "Robin", "log": "1", "person_id": str(child_with_history.pk),
        "requester": "parent", "received_on": today.strftime("%d/%m/%Y"),
        "identity_verified": "yes", "identity_evidence": "",
    })  # fmt: skip
    assert refused.status_code == 200
    assert "Enter the name of the person asking" in refused.content.decode()
    assert str(child_with_history.pk) in refused.content.decode()  # the choice is kept
    done = client.post(reverse("sar:new"), {
        "name": "Robin", "log": "1", "person_id": str(child_with_history.pk),
        "requester": "subject", "received_on": today.strftime("%d/%m/%Y"),
        "identity_verified": "yes", "identity_evidence": "Passport seen", "form_token": "t1",
    })  # fmt: skip
    row = SubjectAccessRequest.objects.get()
    assert done.url == reverse("sar:detail", args=[row.pk])
    listed = client.get(reverse("sar:list")).content.decode()
    assert escape(child_with_history.full_name) in listed
    client.post(reverse("sar:build", args=[row.pk]))
    page = client.get(reverse("sar:bundle", args=[row.pk])).content.decode()
    assert "third party: referrer" in page and "Tenterden" not in page
    download = client.get(reverse("sar:bundle-html", args=[row.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(actor=dpo, action="download",
                                     person_id=child_with_history.pk).exists()  # fmt: skip


def test_the_list_puts_overdue_requests_first(client, sign_in, child_with_history):
    dpo = sign_in(Role.DATA_PROTECTION_OFFICER)
    today = timezone.localdate()
    later = _log(dpo, child_with_history, received_on=today)
    overdue = _log(dpo, PersonFactory(given_name="Old", family_name="Request"),
                   received_on=today - timedelta(days=70))  # fmt: skip
    page = client.get(reverse("sar:list")).content.decode()
    assert page.index("Old Request") < page.index(later.person.full_name)
    assert "Overdue" in page
    assert overdue.due_on < today


def test_searching_again_keeps_what_was_typed_and_puts_no_name_in_the_address(
    client, sign_in, child_with_history
):
    sign_in(Role.DATA_PROTECTION_OFFICER)
    page = client.post(reverse("sar:new"), {
        "name": "Ashdown", "search": "1", "requester": "parent",
        "requester_name": "Jane Roe, aunt", "identity_evidence": "Letter of authority",
    })  # fmt: skip
    html = page.content.decode()
    assert "Robin Ashdown" in html
    assert 'value="Jane Roe, aunt"' in html and "Letter of authority" in html
    assert "Ashdown" not in page.request["PATH_INFO"] + page.request.get("QUERY_STRING", "")
