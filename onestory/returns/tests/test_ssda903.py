"""The SSDA903 export: episodes, header and the other tables built from the care record."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from onestory.access.models import Allocation, AuditEvent
from onestory.access.tests.factories import AllocationFactory
from onestory.core.errors import DomainError
from onestory.people.models import Relationship
from onestory.people.tests.factories import PersonFactory
from onestory.returns import ssda903
from onestory.returns.identifiers import child_id
from onestory.socialcare.actions import care, care_events, placements
from onestory.socialcare.models import CareLeaverContact, Handover
from onestory.socialcare.rules import ALLOCATION_PURPOSES, CaseKind
from onestory.socialcare.tests.factories_care import child_in_care, placement_details
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
YEAR = 2026  # 1 April 2025 to 31 March 2026


@pytest.fixture
def worker():
    return worker_with_role(Role.SOCIAL_WORKER)


def _rows(result, table, child):
    return [row for row in result.tables[table] if row["CHILD"] == child_id(child.pk)]


def _in_and_out_within_the_year(worker):
    """Into care 1 May 2025 (C2, foster care), moved 1 August, interim order from 1 October,
    home on 1 February 2026; one review and one missing night."""
    child, period = child_in_care(
        worker, now=NOW, starts_on=date(2025, 5, 1), sex="F", date_of_birth=date(2012, 7, 9)
    )
    first = period.placements.get()
    placements.placement_move(
        person_id=child.pk,
        period_id=period.pk,
        version=first.version,
        starts_on=date(2025, 8, 1),
        change_reason="CARPL",
        placement=placement_details(
            place="K2", provider="PR3", carer="Synthetic children's home", urn="SC123456"
        ),
        acting_user=worker,
        now=NOW,
    )
    care.legal_status_change(
        person_id=child.pk,
        period_id=period.pk,
        status="C1",
        starts_on=date(2025, 10, 1),
        acting_user=worker,
        now=NOW,
    )
    care_events.review_record(
        person_id=child.pk,
        period_id=period.pk,
        held_on=date(2025, 5, 20),
        participation="PN1",
        acting_user=worker,
        now=NOW,
    )
    care_events.missing_record(
        person_id=child.pk,
        kind="M",
        started_at=datetime(2025, 9, 3, 21, 0, tzinfo=UTC),
        ended_at=datetime(2025, 9, 4, 8, 0, tzinfo=UTC),
        return_interview_offered=True,
        return_interview_accepted=True,
        return_interview_on=date(2025, 9, 5),
        acting_user=worker,
        now=NOW,
    )
    period.refresh_from_db()
    care.care_end(
        person_id=child.pk,
        period_id=period.pk,
        version=period.version,
        ends_on=date(2026, 2, 1),
        end_reason="E4A",
        acting_user=worker,
        now=NOW,
    )
    return child


def test_episodes_start_at_each_move_and_change_of_legal_status_and_end_with_care(worker):
    child = _in_and_out_within_the_year(worker)

    episodes = _rows(ssda903.build(YEAR), "Episodes", child)

    assert [
        (e["DECOM"], e["RNE"], e["LS"], e["PLACE"], e["DEC"], e["REC"], e["REASON_PLACE_CHANGE"])
        for e in episodes
    ] == [
        ("01/05/2025", "S", "C2", "U6", "01/08/2025", "X1", "CARPL"),
        ("01/08/2025", "P", "C2", "K2", "01/10/2025", "X1", ""),
        ("01/10/2025", "L", "C1", "K2", "01/02/2026", "E4A", ""),
    ]
    assert episodes[1]["PLACE_PROVIDER"] == "PR3"
    assert episodes[1]["URN"] == "SC123456"
    assert (episodes[0]["HOME_POST"], episodes[0]["PL_POST"]) == ("LU1 1AA", "LU2 0AA")


def test_the_header_reviews_and_missing_rows_describe_the_child(worker):
    child = _in_and_out_within_the_year(worker)
    baby = PersonFactory(date_of_birth=date(2025, 12, 1))
    Relationship.objects.create(from_person=child, to_person=baby, kind="parent")

    result = ssda903.build(YEAR)

    assert _rows(result, "Header", child) == [
        {
            "CHILD": child_id(child.pk),
            "SEX": "F",
            "DOB": "09/07/2012",
            "ETHNIC": child.ethnicity,
            "UPN": child.upn or ssda903.UPN_NOT_YET_OBTAINED,
            "MOTHER": "1",
            "MC_DOB": "01/12/2025",
        }
    ]
    assert _rows(result, "Reviews", child) == [
        {
            "CHILD": child_id(child.pk),
            "DOB": "09/07/2012",
            "REVIEW": "20/05/2025",
            "REVIEW_CODE": "PN1",
        }
    ]
    assert _rows(result, "Missing", child) == [
        {
            "CHILD": child_id(child.pk),
            "DOB": "09/07/2012",
            "MISSING": "M",
            "MIS_START": "03/09/2025",
            "MIS_END": "04/09/2025",
        }
    ]
    assert child.pk in result.person_ids


def test_sex_is_a_number_before_2024_25(worker):
    child, _ = child_in_care(worker, now=NOW, starts_on=date(2023, 5, 1), sex="M")

    header = _rows(ssda903.build(2024), "Header", child)

    assert header[0]["SEX"] == "1"


def test_a_child_whose_care_ended_before_the_year_is_left_out(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=date(2024, 6, 1))
    care.care_end(
        person_id=child.pk,
        period_id=period.pk,
        version=period.version,
        ends_on=date(2025, 3, 1),
        end_reason="E4A",
        acting_user=worker,
        now=NOW,
    )

    result = ssda903.build(YEAR)

    assert _rows(result, "Header", child) == []
    assert _rows(result, "Episodes", child) == []


def test_an_episode_open_at_the_year_end_has_no_end_date(worker):
    child, _ = child_in_care(worker, now=NOW, starts_on=date(2026, 3, 1))

    result = ssda903.build(YEAR)

    [episode] = _rows(result, "Episodes", child)
    assert (episode["DECOM"], episode["DEC"], episode["REC"]) == ("01/03/2026", "", "")
    [social_worker] = _rows(result, "SWEpisodes", child)
    assert social_worker["SW_ID"] == f"XX{worker.pk:06d}"
    assert (social_worker["SW_DECOM"], social_worker["SW_DEC"]) == ("01/03/2026", "")
    assert social_worker["SW_REASON"] == "FCONTA"


def test_an_episode_open_at_the_year_start_is_included(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=date(2025, 1, 10))

    [episode] = _rows(ssda903.build(YEAR), "Episodes", child)

    assert (episode["DECOM"], episode["RNE"], episode["DEC"]) == ("10/01/2025", "S", "")


def test_the_tables_are_written_as_csv_files_with_the_validators_columns(worker, tmp_path):
    child = _in_and_out_within_the_year(worker)

    written = ssda903.build(YEAR).write(tmp_path)

    assert {path.name for path in written} == set(ssda903.FILE_NAMES.values())
    with (tmp_path / "episodes.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ssda903.COLUMNS["Episodes"]
        assert [row["DECOM"] for row in reader if row["CHILD"] == child_id(child.pk)] == [
            "01/05/2025",
            "01/08/2025",
            "01/10/2025",
        ]


def test_a_move_to_the_same_carers_is_a_change_of_placement_with_the_carers_unchanged(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=date(2025, 5, 1))
    placements.placement_move(
        person_id=child.pk,
        period_id=period.pk,
        version=period.placements.get().version,
        starts_on=date(2025, 9, 1),
        change_reason="CARPL",
        placement=placement_details(place="A5"),
        acting_user=worker,
        now=NOW,
    )

    episodes = _rows(ssda903.build(YEAR), "Episodes", child)

    assert [e["RNE"] for e in episodes] == ["S", "T"]


def test_care_leavers_are_followed_up_around_their_birthdays(worker):
    young_person = PersonFactory(date_of_birth=date(2006, 10, 2))
    CareLeaverContact.objects.create(
        person=young_person,
        birthday_age=19,
        contact_on=date(2025, 10, 9),
        in_touch="YES",
        activity="F2",
        accommodation="E",
        accommodation_suitable=True,
        recorded_by=worker,
    )
    died = PersonFactory(date_of_birth=date(2005, 1, 20))
    CareLeaverContact.objects.create(
        person=died,
        birthday_age=21,
        contact_on=date(2026, 1, 20),
        in_touch="DIED",
        recorded_by=worker,
    )
    earlier = PersonFactory(date_of_birth=date(2006, 1, 2))
    CareLeaverContact.objects.create(
        person=earlier,
        birthday_age=19,
        contact_on=date(2025, 1, 9),
        in_touch="NO",
        recorded_by=worker,
    )

    result = ssda903.build(YEAR)

    assert _rows(result, "OC3", young_person) == [
        {
            "CHILD": child_id(young_person.pk),
            "DOB": "02/10/2006",
            "IN_TOUCH": "YES",
            "ACTIV": "F2",
            "ACCOM": "E1",
        }
    ]
    assert [(r["IN_TOUCH"], r["ACTIV"], r["ACCOM"]) for r in _rows(result, "OC3", died)] == [
        ("DIED", "", "")
    ]
    assert _rows(result, "OC3", earlier) == []
    [header] = _rows(result, "Header", young_person)
    assert (header["MOTHER"], header["MC_DOB"]) == ("", "")


def test_an_unaccompanied_childs_home_postcode_is_left_blank(worker):
    child, _ = child_in_care(
        worker, now=NOW, starts_on=date(2025, 6, 1), unaccompanied_asylum_seeking=True
    )

    result = ssda903.build(YEAR)

    [episode] = _rows(result, "Episodes", child)
    assert (episode["HOME_POST"], episode["PL_POST"]) == ("", "LU2 0AA")
    assert episode["URN"] == "XXXXXXX"  # foster care needs a number; none is recorded
    assert [r["CHILD"] for r in result.tables["UASC"]] == [child_id(child.pk)]


def test_an_unaccompanied_childs_status_ends_on_their_18th_birthday_unless_recorded(worker):
    """Rules 205B and 304: DUC is the day the status ceased, at the latest the 18th birthday."""
    child, _ = child_in_care(
        worker, now=NOW, starts_on=date(2025, 6, 1), unaccompanied_asylum_seeking=True
    )
    child.date_of_birth = date(2009, 2, 28)
    child.save(update_fields=["date_of_birth"])

    [row] = _rows(ssda903.build(YEAR), "UASC", child)

    assert row["DUC"] == "28/02/2027"


def test_export_return_903_writes_the_tables_into_the_folder_and_audits_each_child(
    worker, tmp_path
):
    child = _in_and_out_within_the_year(worker)
    out = tmp_path / "903"

    stdout = io.StringIO()
    call_command("export_return", "903", year=YEAR, out=str(out), stdout=stdout)

    assert "1 children" in stdout.getvalue()
    assert (out / "header.csv").read_text().splitlines()[0] == ",".join(ssda903.COLUMNS["Header"])
    assert AuditEvent.objects.filter(person_id=child.pk, action="export").count() == 1
    assert AuditEvent.objects.filter(
        action="export", person_id__isnull=True, detail__page="SSDA903 return 2026"
    ).exists()


def test_export_into_a_file_is_refused(tmp_path):
    a_file = tmp_path / "episodes.csv"
    a_file.write_text("")

    with pytest.raises(DomainError, match="is a file"):
        ssda903.export(year=YEAR, out=a_file, now=NOW)


def test_a_change_of_social_worker_gives_the_handovers_reason(worker):
    child, _ = child_in_care(worker, now=NOW, starts_on=date(2025, 5, 1))
    changed_at = datetime(2025, 11, 3, 10, 0, tzinfo=UTC)
    Allocation.objects.filter(person=child, worker=worker).update(ends_at=changed_at)
    successor = worker_with_role(Role.SOCIAL_WORKER)
    AllocationFactory(
        person=child,
        worker=successor,
        purpose=ALLOCATION_PURPOSES[CaseKind.CHILD_IN_CARE],
        starts_at=changed_at,
    )
    Handover.objects.create(
        person=child,
        from_worker=worker,
        to_worker=successor,
        reason="LEFTRL",
        summary="Synthetic handover",
        handed_over_at=changed_at,
        recorded_by=worker,
    )

    rows = _rows(ssda903.build(YEAR), "SWEpisodes", child)

    assert [(r["SW_ID"], r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"]) for r in rows] == [
        (f"XX{worker.pk:06d}", "01/05/2025", "03/11/2025", "FCONTA"),
        (f"XX{successor.pk:06d}", "03/11/2025", "", "LEFTRL"),
    ]


def test_a_social_worker_after_a_gap_of_more_than_a_week_is_a_first_contact(worker):
    """Rules SW10STG2/SW10aSTG2: a change of worker is within 7 days of the last one ending."""
    child, _ = child_in_care(worker, now=NOW, starts_on=date(2025, 5, 1))
    Allocation.objects.filter(person=child, worker=worker).update(
        ends_at=datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    )
    later = worker_with_role(Role.SOCIAL_WORKER)
    AllocationFactory(
        person=child,
        worker=later,
        purpose=ALLOCATION_PURPOSES[CaseKind.CHILD_IN_CARE],
        starts_at=datetime(2025, 6, 20, 10, 0, tzinfo=UTC),
    )

    rows = _rows(ssda903.build(YEAR), "SWEpisodes", child)

    assert [(r["SW_DECOM"], r["SW_REASON"]) for r in rows] == [
        ("01/05/2025", "FCONTA"),
        ("20/06/2025", "FCONTA"),
    ]
