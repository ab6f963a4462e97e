"""Creating and changing a person: state, audit row, chronology entry, history."""

from datetime import date, timedelta

import pytest

from onestory.access.models import Allocation, AuditEvent
from onestory.access.selectors import visible_to
from onestory.core.errors import StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.people import actions
from onestory.people.models import ChronologyEntry, Person, PersonName
from onestory.people.tests.factories import PersonFactory
from onestory.people.tests.record_helpers import NOW, ward_with_postcode
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return worker_with_role(Role.EARLY_HELP)


def _create(worker, **kwargs):
    values = {"given_name": "Amara", "family_name": "Okafor", "date_of_birth": date(2016, 4, 2),
              "sex": "F", "ethnicity": "BAFR", "acting_user": worker, "now": NOW}
    return actions.person_create(**{**values, **kwargs})


def test_creating_a_person_records_their_legal_name_audit_and_chronology(worker):
    person = _create(worker)

    assert person.full_name == "Amara Okafor"
    legal = PersonName.objects.get(person=person)
    assert (legal.kind, legal.given_name, legal.family_name) == ("legal", "Amara", "Okafor")
    event = AuditEvent.objects.get(action="create", person_id=person.pk)
    assert event.actor == worker and event.at == NOW
    entry = ChronologyEntry.objects.get(person=person)
    assert entry.summary == "Record created" and entry.recorded_by == worker


def test_the_creators_team_can_open_the_record_they_made(worker):
    person = _create(worker)

    allocation = Allocation.objects.get(person=person)
    assert allocation.team == worker.team and allocation.purpose == "Recorded by this team"
    colleague = worker_with_role(Role.EARLY_HELP, team=worker.team)
    assert visible_to(colleague, now=NOW).filter(pk=person.pk).exists()
    outsider = worker_with_role(Role.EARLY_HELP)
    assert not visible_to(outsider, now=NOW).filter(pk=person.pk).exists()


def test_submitting_the_same_create_form_twice_makes_one_record(worker):
    token = new_form_token()
    first = _create(worker, form_token=token)
    second = _create(worker, form_token=token)

    assert first.pk == second.pk
    assert Person.objects.filter(family_name="Okafor").count() == 1
    assert AuditEvent.objects.filter(action="create", person_id=first.pk).count() == 1


def test_a_new_persons_address_takes_its_ward_and_lsoa_from_the_postcode_lookup(worker):
    ward = ward_with_postcode("LU4 9AA", lsoa="E01015770")
    person = _create(worker, address={"line_1": "1 Synthetic Road", "postcode": "lu49aa",
                                      "valid_from": date(2024, 1, 1)})

    address = person.addresses.get()
    assert address.postcode == "LU4 9AA"
    assert address.ward == ward and address.lsoa == "E01015770"
    summaries = ChronologyEntry.objects.filter(person=person).values_list("summary", flat=True)
    assert "Address added: 1 Synthetic Road, LU4 9AA" in summaries


def test_creating_a_person_refuses_a_wrong_nhs_number_and_saves_nothing(worker):
    with pytest.raises(actions.PersonDetailsRefused) as refusal:
        _create(worker, nhs_number="1234567890")

    assert refusal.value.field == "nhs_number"
    assert "NHS number" in refusal.value.message
    assert not Person.objects.exists()


def test_creating_a_person_refuses_an_expected_date_of_birth_beside_a_date_of_birth(worker):
    with pytest.raises(actions.PersonDetailsRefused) as refusal:
        _create(worker, expected_date_of_birth=date(2026, 9, 1))

    assert "expected_date_of_birth" in refusal.value.problems


def test_changing_details_saves_them_bumps_the_version_and_names_the_fields(worker):
    person = _create(worker)

    actions.person_update(
        person=person, version=1,
        changes={"date_of_birth": date(2016, 4, 3), "nhs_number": "999 000 0018", "sex": "F"},
        acting_user=worker, now=NOW,
    )

    person.refresh_from_db()
    assert person.date_of_birth == date(2016, 4, 3)
    assert person.nhs_number == "9990000018"
    assert person.version == 2
    event = AuditEvent.objects.get(action="update", person_id=person.pk)
    assert event.detail == {"fields": ["date_of_birth", "nhs_number"]}
    assert "9990000018" not in str(event.detail)
    entry = ChronologyEntry.objects.filter(person=person).order_by("-created_at").first()
    assert entry.summary == "Details changed: date of birth, NHS number"


def test_a_stale_save_is_refused_and_changes_nothing(worker):
    person = _create(worker)
    actions.person_update(person=person, version=1, changes={"first_language": "Igbo"},
                          acting_user=worker, now=NOW)

    with pytest.raises(StaleEdit):
        actions.person_update(person=person, version=1, changes={"first_language": "Yoruba"},
                              acting_user=worker, now=NOW)

    person.refresh_from_db()
    assert person.first_language == "Igbo" and person.version == 2


def test_a_save_with_no_changes_writes_nothing(worker):
    person = _create(worker)

    actions.person_update(person=person, version=1, changes={"given_name": "Amara"},
                          acting_user=worker, now=NOW)

    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEvent.objects.filter(action="update").exists()


def test_changing_the_legal_name_keeps_the_old_one_as_a_previous_name(worker):
    person = _create(worker)

    actions.person_update(person=person, version=1, changes={"family_name": "Bello"},
                          acting_user=worker, now=NOW)

    names = {(n.kind, n.family_name, n.valid_to) for n in PersonName.objects.filter(person=person)}
    assert names == {("previous", "Okafor", date(2026, 6, 15)), ("legal", "Bello", None)}


def test_the_change_history_records_who_changed_what_from_what(worker):
    person = _create(worker)
    editor = worker_with_role(Role.SOCIAL_WORKER)

    actions.person_update(person=person, version=1, changes={"ethnicity": "MWBA"},
                          acting_user=editor, now=NOW + timedelta(hours=1))

    latest = person.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == editor
    change = latest.diff_against(latest.prev_record, included_fields=["ethnicity"]).changes[0]
    assert (change.old, change.new) == ("BAFR", "MWBA")


def test_changing_details_refuses_a_date_of_death_before_birth(worker):
    person = _create(worker)

    with pytest.raises(actions.PersonDetailsRefused) as refusal:
        actions.person_update(person=person, version=1, changes={"date_of_death": date(2015, 1, 1)},
                              acting_user=worker, now=NOW)

    assert refusal.value.field == "date_of_death"
    person.refresh_from_db()
    assert person.date_of_death is None


def test_adding_a_preferred_name_is_recorded_and_a_legal_name_is_refused(worker):
    person = PersonFactory()

    name = actions.name_add(person=person, kind="preferred", given_name="Mo", family_name="",
                            acting_user=worker, now=NOW)

    assert name.kind == "preferred"
    assert ChronologyEntry.objects.get(person=person).summary == "Preferred name added: Mo"
    with pytest.raises(actions.DomainError):
        actions.name_add(person=person, kind="legal", given_name="X", family_name="Y",
                         acting_user=worker, now=NOW)


def test_re_saving_the_same_disabilities_in_another_order_is_not_a_change(worker):
    person = _create(worker, disabilities=["VIS", "AUT"])

    actions.person_update(person=person, version=1, changes={"disabilities": ["AUT", "VIS"]},
                          acting_user=worker, now=NOW)

    person.refresh_from_db()
    assert person.version == 1 and person.disabilities == ["VIS", "AUT"]
