"""Adding a document to a record and taking one off: state, storage and the audit trail."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import AllocationFactory
from onestory.core.errors import DomainError, StaleEdit
from onestory.documents import actions_documents as actions
from onestory.documents.checks import FileRefused
from onestory.documents.models import Document
from onestory.documents.storage import document_storage
from onestory.people.tests.factories import HouseholdFactory, HouseholdMemberFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories_documents import allocated_child, document_on

pytestmark = pytest.mark.django_db
PDF = (Path(__file__).parent / "data" / "school-letter.pdf").read_bytes()


def _upload(worker, person, *, people=None, data=PDF, name="Letter about Amira.pdf", **kwargs):
    return actions.document_upload(
        person=person,
        people_ids=[p.pk for p in (people or [person])],
        kind=Document.Kind.LETTER_RECEIVED,
        title=kwargs.pop("title", "Letter from the school"),
        dated=datetime.date(2026, 3, 2),
        visibility=kwargs.pop("visibility", Document.Visibility.RECORD),
        file_name=name,
        data=data,
        acting_user=worker,
        now=timezone.now(),
        **kwargs,
    )


def test_an_upload_keeps_the_checked_file_under_a_random_name_with_its_text_and_audit():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    document = _upload(worker, child)

    assert list(document.subjects.values_list("person_id", flat=True)) == [child.pk]
    assert "Amira" not in document.file.name and document.file.name.startswith("documents/")
    assert document_storage().open(document.file.name).read() == PDF
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.size == len(PDF) and document.content_type == "application/pdf"
    assert "attendance officer" in document.text
    event = AuditEvent.objects.get(action="create", object_id=str(document.pk))
    assert event.person_id == child.pk and event.actor == worker
    assert "Amira" not in str(event.detail) and "school" not in str(event.detail)


def test_a_document_on_a_family_is_on_each_member_chosen_and_audited_for_each():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, sister = allocated_child(worker), allocated_child(worker)
    household = HouseholdFactory()
    HouseholdMemberFactory(household=household, person=child)
    HouseholdMemberFactory(household=household, person=sister)

    document = _upload(worker, child, people=[child, sister])

    assert set(document.subjects.values_list("person_id", flat=True)) == {child.pk, sister.pk}
    assert document.household == household
    audited = AuditEvent.objects.filter(action="create", object_id=str(document.pk))
    assert set(audited.values_list("person_id", flat=True)) == {child.pk, sister.pk}


def test_a_refused_file_leaves_nothing_behind():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    with pytest.raises(FileRefused, match="Windows program"):
        _upload(worker, child, data=b"MZ" + b"\x00" * 500, name="report.pdf")
    assert not Document.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()
    _, stored = document_storage().listdir("documents")
    assert stored == []


def test_a_document_cannot_be_added_to_a_record_the_worker_cannot_open():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    stranger = allocated_child(worker_with_role(Role.SOCIAL_WORKER))
    with pytest.raises(DomainError) as refused:
        _upload(worker, child, people=[child, stranger])
    assert refused.value.message == actions.NOT_OPEN
    assert not Document.objects.exists()


def test_the_same_form_submitted_twice_adds_one_document():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    first = _upload(worker, child, form_token="token-1")
    second = _upload(worker, child, form_token="token-1")
    assert first.pk == second.pk
    assert Document.objects.count() == 1


def test_whoever_added_a_document_takes_it_off_with_a_reason_and_the_file_is_kept():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    document = document_on([child], uploaded_by=worker)
    at = timezone.now()

    removed = actions.document_remove(
        document_id=document.pk,
        version=document.version,
        reason="Added to the wrong child's record",
        acting_user=worker,
        now=at,
    )

    assert removed.removed_at == at and removed.version == document.version + 1
    assert document_storage().exists(document.file.name)
    event = AuditEvent.objects.get(action="delete", object_id=str(document.pk))
    assert event.person_id == child.pk


def test_taking_a_document_off_needs_a_reason():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    document = document_on([allocated_child(worker)], uploaded_by=worker)
    with pytest.raises(DomainError) as refused:
        actions.document_remove(
            document_id=document.pk, version=1, reason=" ", acting_user=worker, now=timezone.now()
        )
    assert refused.value.message == actions.NO_REASON
    document.refresh_from_db()
    assert document.removed_at is None


def test_a_colleague_who_did_not_add_it_cannot_take_it_off_but_a_manager_can():
    uploader = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(uploader)
    colleague = worker_with_role(Role.SOCIAL_WORKER)
    allocated_child(colleague)
    AllocationFactory(person=child, worker=colleague)
    document = document_on([child], uploaded_by=uploader)
    with pytest.raises(DomainError) as refused:
        actions.document_remove(
            document_id=document.pk,
            version=document.version,
            reason="Not needed",
            acting_user=colleague,
            now=timezone.now(),
        )
    assert refused.value.message == actions.NOT_YOURS

    manager = worker_with_role(Role.TEAM_MANAGER)
    AllocationFactory(person=child, worker=manager)
    actions.document_remove(
        document_id=document.pk,
        version=document.version,
        reason="Duplicate of the letter added last week",
        acting_user=manager,
        now=timezone.now(),
    )
    document.refresh_from_db()
    assert document.removed_reason == "Duplicate of the letter added last week"


def test_taking_off_a_document_changed_since_the_form_was_opened_is_refused():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    document = document_on([allocated_child(worker)], uploaded_by=worker)
    with pytest.raises(StaleEdit):
        actions.document_remove(
            document_id=document.pk,
            version=document.version - 1,
            reason="Wrong record",
            acting_user=worker,
            now=timezone.now(),
        )
