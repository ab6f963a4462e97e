"""The children in need census export: who is in the year, what each child's record says, and
the order of the elements the DfE schema expects."""

import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command

from onestory.access.models import AuditEvent
from onestory.returns import cin_census
from onestory.returns.identifiers import child_id
from onestory.socialcare.models import ChildProtectionConference, Section47Enquiry
from onestory.socialcare.tests.factories import referred_child
from onestory.socialcare.tests.factories_protection import (
    assessment,
    cin_plan,
    cp_plan,
    enquiry,
    strategy_discussion,
    team_pair,
)

NOW = datetime(2026, 4, 20, 10, 0, tzinfo=UTC)
YEAR = 2026  # 1 April 2025 to 31 March 2026

pytestmark = pytest.mark.django_db


def _export(tmp_path, year=YEAR) -> ET.Element:
    out = tmp_path / "cin.xml"
    call_command("export_return", "cin", year=year, out=str(out), stdout=io.StringIO())
    return ET.parse(out).getroot()  # noqa: S314 (the file we just wrote)


def _child(root, person) -> ET.Element | None:
    for child in root.iter("Child"):
        if child.findtext("ChildIdentifiers/LAchildID") == child_id(person.pk):
            return child
    return None


def _protected_child():
    """A child referred in June 2025: an authorised assessment with factors, a section 47
    enquiry, an initial conference that started a child protection plan, and one review."""
    worker, manager = team_pair()
    child, referral = referred_child(
        worker,
        now=NOW,
        referral_date=date(2025, 6, 2),
        upn="A821200000001",
        sex="F",
        ethnicity="WBRI",
        disabilities=["COMM", "LD"],
    )
    assessment(
        child,
        referral,
        worker,
        started_on=date(2025, 6, 3),
        status="authorised",
        completed_on=date(2025, 7, 1),
        authorised_on=date(2025, 7, 2),
        authorised_by=manager,
        factors=["4B", "3B"],
    )
    discussion = strategy_discussion(child, referral, worker, held_on=date(2025, 7, 3))
    s47 = enquiry(
        discussion,
        worker,
        completed_on=date(2025, 7, 15),
        outcome=Section47Enquiry.Outcome.CONFERENCE,
    )
    plan = cp_plan(child, referral, worker, starts_on=date(2025, 7, 21), category="EMO")
    ChildProtectionConference.objects.filter(plan=plan, kind="initial").update(enquiry=s47)
    ChildProtectionConference.objects.create(
        referral=referral,
        person=child,
        kind=ChildProtectionConference.Kind.REVIEW,
        plan=plan,
        due_on=date(2025, 10, 21),
        held_on=date(2025, 10, 20),
        decision=ChildProtectionConference.Decision.CONTINUE,
        category="EMO",
        recorded_by=worker,
    )
    return child, referral, s47


def test_a_protected_child_is_reported_with_every_part_of_the_year(tmp_path):
    child, referral, s47 = _protected_child()

    root = _export(tmp_path)

    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert root.findtext("Header/Source/LEA") == "821"
    assert root.findtext("Header/Source/SoftwareCode") == "onestory"
    record = _child(root, child)
    assert record is not None
    ids = record.find("ChildIdentifiers")
    assert ids.findtext("UPN") == "A821200000001"
    assert ids.find("UPNunknown") is None
    assert ids.findtext("PersonBirthDate") == "2016-05-04"
    assert ids.findtext("Sex") == "F"
    assert ids.find("GenderCurrent") is None
    assert record.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    assert [d.text for d in record.iterfind("ChildCharacteristics/Disabilities/Disability")] == [
        "COMM",
        "LD",
    ]
    [details] = record.findall("CINdetails")
    assert details.findtext("CINreferralDate") == "2025-06-02"
    assert details.findtext("ReferralSource") == "2A"
    assert details.findtext("PrimaryNeedCode") == "N1"
    assert details.find("CINclosureDate") is None
    assert details.findtext("ReferralNFA") == "false"
    assert details.find("DateOfInitialCPC") is None  # on the section 47 only (rule 2884)
    [done] = details.findall("Assessments")
    assert done.findtext("AssessmentActualStartDate") == "2025-06-03"
    assert done.findtext("AssessmentAuthorisationDate") == "2025-07-02"
    factors = done.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors")
    assert [f.text for f in factors] == ["3B", "4B"]
    [section47] = details.findall("Section47")
    assert section47.findtext("S47ActualStartDate") == "2025-07-03"
    assert section47.findtext("InitialCPCtarget") == s47.conference_due_on.isoformat()
    assert section47.findtext("DateOfInitialCPC") == "2025-07-21"
    assert section47.findtext("ICPCnotRequired") == "false"
    [plan] = details.findall("ChildProtectionPlans")
    assert plan.findtext("CPPstartDate") == "2025-07-21"
    assert plan.find("CPPendDate") is None
    assert plan.findtext("InitialCategoryOfAbuse") == "EMO"
    assert plan.findtext("LatestCategoryOfAbuse") == "EMO"
    assert plan.findtext("NumberOfPreviousCPP") == "0"
    assert [r.text for r in plan.iterfind("Reviews/CPPreviewDate")] == ["2025-10-20"]


def test_the_elements_come_in_the_order_the_dfe_schema_sets(tmp_path):
    _protected_child()
    root = _export(tmp_path)
    [details] = root.findall("Children/Child/CINdetails")
    assert [e.tag for e in details] == [
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "Assessments",
        "Section47",
        "ReferralNFA",
        "ChildProtectionPlans",
    ]
    assert [e.tag for e in root.find("Children/Child/ChildIdentifiers")] == [
        "LAchildID",
        "UPN",
        "PersonBirthDate",
        "Sex",
    ]


def test_a_child_whose_episode_closed_before_the_year_is_left_out(tmp_path):
    worker, _ = team_pair()
    gone, old = referred_child(worker, now=NOW, referral_date=date(2024, 11, 4))
    old.closed_on, old.closure_reason = date(2025, 3, 31), "RC7"
    old.save(update_fields=["closed_on", "closure_reason"])
    here, _ = referred_child(worker, now=NOW, referral_date=date(2025, 9, 1))

    root = _export(tmp_path)

    assert _child(root, gone) is None
    assert _child(root, here) is not None
    assert len(root.findall("Children/Child")) == 1


def test_a_child_referred_after_31_march_is_left_out(tmp_path):
    worker, _ = team_pair()
    later, _ = referred_child(worker, now=NOW, referral_date=date(2026, 4, 1))
    here, _ = referred_child(worker, now=NOW, referral_date=date(2026, 3, 31))

    root = _export(tmp_path)

    assert _child(root, later) is None
    assert _child(root, here) is not None


def test_an_episode_closed_after_31_march_is_reported_open(tmp_path):
    worker, _ = team_pair()
    child, referral = referred_child(worker, now=NOW, referral_date=date(2024, 10, 1))
    referral.closed_on, referral.closure_reason = date(2026, 4, 10), "RC7"
    referral.save(update_fields=["closed_on", "closure_reason"])

    details = _child(_export(tmp_path), child).find("CINdetails")

    assert details.findtext("CINreferralDate") == "2024-10-01"
    assert details.find("CINclosureDate") is None
    assert details.find("ReasonForClosure") is None


def test_an_episode_closed_in_the_year_carries_its_closure(tmp_path):
    worker, _ = team_pair()
    child, referral = referred_child(worker, now=NOW, referral_date=date(2025, 5, 1))
    referral.closed_on, referral.closure_reason = date(2025, 5, 2), "RC8"
    referral.no_further_action = True
    referral.save(update_fields=["closed_on", "closure_reason", "no_further_action"])

    record = _child(_export(tmp_path), child)

    details = record.find("CINdetails")
    assert details.findtext("CINclosureDate") == "2025-05-02"
    assert details.findtext("ReasonForClosure") == "RC8"
    assert details.findtext("ReferralNFA") == "true"


def test_a_child_without_upn_gets_the_code_the_census_allows(tmp_path):
    worker, _ = team_pair()
    school_age, _ = referred_child(worker, now=NOW, referral_date=date(2025, 6, 1))
    toddler, _ = referred_child(
        worker, now=NOW, referral_date=date(2025, 6, 1), date_of_birth=date(2023, 2, 1)
    )
    unborn, _ = referred_child(
        worker,
        now=NOW,
        referral_date=date(2026, 1, 5),
        date_of_birth=None,
        expected_date_of_birth=date(2026, 5, 1),
        sex="F",
    )
    nfa, nfa_referral = referred_child(worker, now=NOW, referral_date=date(2025, 6, 1))
    nfa_referral.no_further_action, nfa_referral.closed_on = True, date(2025, 6, 1)
    nfa_referral.closure_reason = "RC8"
    nfa_referral.save(update_fields=["no_further_action", "closed_on", "closure_reason"])

    root = _export(tmp_path)

    assert _child(root, school_age).find("ChildIdentifiers/UPNunknown") is None
    assert _child(root, toddler).findtext("ChildIdentifiers/UPNunknown") == "UN1"
    unborn_ids = _child(root, unborn).find("ChildIdentifiers")
    assert unborn_ids.findtext("UPNunknown") == "UN1"
    assert unborn_ids.findtext("ExpectedPersonBirthDate") == "2026-05-01"
    assert unborn_ids.find("PersonBirthDate") is None
    assert unborn_ids.findtext("Sex") == "U"  # rule 8750
    assert _child(root, nfa).findtext("ChildIdentifiers/UPNunknown") == "UN7"


def test_only_what_overlaps_the_year_is_reported(tmp_path):
    worker, manager = team_pair()
    child, referral = referred_child(
        worker, now=NOW, referral_date=date(2024, 9, 2), disabilities=[]
    )
    assessment(
        child,
        referral,
        worker,
        started_on=date(2024, 9, 2),
        status="authorised",
        authorised_on=date(2024, 10, 1),
        factors=["1B"],
    )
    assessment(child, referral, worker, started_on=date(2026, 2, 2), status="in_progress")
    cin_plan(child, referral, starts_on=date(2024, 10, 2), ends_on=date(2025, 1, 10))
    cin_plan(child, referral, starts_on=date(2025, 1, 11), ends_on=date(2025, 6, 30))

    record = _child(_export(tmp_path), child)

    assert [d.text for d in record.iterfind("ChildCharacteristics/Disabilities/Disability")] == [
        "NONE"
    ]
    details = record.find("CINdetails")
    [ongoing] = details.findall("Assessments")
    assert ongoing.findtext("AssessmentActualStartDate") == "2026-02-02"
    assert ongoing.find("AssessmentAuthorisationDate") is None
    assert ongoing.find("FactorsIdentifiedAtAssessment") is None
    [plan] = details.findall("CINPlanDates")
    assert plan.findtext("CINPlanStartDate") == "2025-01-11"
    assert plan.findtext("CINPlanEndDate") == "2025-06-30"


def test_the_export_is_audited_for_each_child(tmp_path):
    child, _, _ = _protected_child()

    _export(tmp_path)

    rows = AuditEvent.objects.filter(action="export")
    assert rows.filter(person_id=child.pk).count() == 1
    summary = rows.get(person_id=None)
    assert summary.detail["children"] == 1 and summary.detail["via"] == "command"


def test_a_year_without_children_in_need_is_refused_plainly(tmp_path):
    with pytest.raises(CommandError, match="No child had a children in need episode open"):
        _export(tmp_path, year=2019)
    assert not (tmp_path / "cin.xml").exists()


def test_a_folder_that_does_not_exist_is_refused_before_any_work(tmp_path):
    out = tmp_path / "missing" / "cin.xml"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_return", "cin", year=YEAR, out=str(out), stdout=io.StringIO())


def test_a_year_not_written_as_four_digits_is_refused(tmp_path):
    with pytest.raises(CommandError, match="four digits"):
        _export(tmp_path, year=26)


def test_the_period_runs_from_1_april_to_31_march():
    period = cin_census.Period.of(2026)
    assert (period.start, period.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert cin_census.school_age_born_by(period) == date(2020, 8, 31)


def test_a_child_born_after_31_march_is_reported_as_unborn(tmp_path):
    worker, _ = team_pair()
    baby, _ = referred_child(
        worker, now=NOW, referral_date=date(2026, 2, 2), date_of_birth=date(2026, 4, 3), sex="M"
    )

    ids = _child(_export(tmp_path), baby).find("ChildIdentifiers")

    assert ids.find("PersonBirthDate") is None  # rule 8520
    assert ids.findtext("ExpectedPersonBirthDate") == "2026-04-03"
    assert ids.findtext("Sex") == "U"
    assert ids.findtext("UPNunknown") == "UN1"


def test_an_episode_left_on_a_merged_record_is_not_reported_twice(tmp_path):
    worker, _ = team_pair()
    kept, _ = referred_child(worker, now=NOW, referral_date=date(2025, 6, 2))
    merged, _ = referred_child(worker, now=NOW, referral_date=date(2025, 6, 2))
    type(merged).objects.filter(pk=merged.pk).update(merged_into=kept)

    root = _export(tmp_path)

    assert _child(root, kept) is not None
    assert _child(root, merged) is None


def test_the_command_says_what_it_wrote(tmp_path):
    worker, _ = team_pair()
    referred_child(worker, now=NOW, referral_date=date(2025, 6, 2))
    out, said = tmp_path / "cin.xml", io.StringIO()

    call_command("export_return", "cin", "--year", "2026", "--out", str(out), stdout=said)

    assert said.getvalue().startswith(
        "Children in need census 2026 (1 April 2025 to 31 March 2026): 1 child, 1 episode,"
    )
    assert out.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<Message>")
