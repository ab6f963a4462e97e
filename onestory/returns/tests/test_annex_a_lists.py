"""Annex A lists 1 to 9: a child made by the record's own factories and actions appears on the
lists their story puts them on, with what the record says in each column."""

from datetime import UTC, date, datetime, timedelta

import pytest

from onestory.access.tests.factories import AllocationFactory
from onestory.earlyhelp.actions.assessment import assessment_start
from onestory.earlyhelp.models import Assessment as EarlyHelpAssessment
from onestory.earlyhelp.tests.factories import open_episode
from onestory.frontdoor.models import Contact, ContactPerson
from onestory.people.tests.factories import PersonFactory
from onestory.returns import annex_a
from onestory.returns.annex_a_common import Window
from onestory.returns.annex_a_front import referrals
from onestory.returns.identifiers import child_id
from onestory.socialcare.actions import care_events, placements
from onestory.socialcare.models import (
    CareLeaver,
    CareLeaverContact,
    CarePeriod,
    ChildProtectionConference,
    Visit,
)
from onestory.socialcare.rules import ALLOCATION_PURPOSES, CaseKind
from onestory.socialcare.tests.factories import referred_child
from onestory.socialcare.tests.factories_care import child_in_care, placement_details
from onestory.socialcare.tests.factories_protection import (
    assessment,
    cp_plan,
    enquiry,
    strategy_discussion,
    team_pair,
)
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .test_annex_a import NOW, ON, export

pytestmark = pytest.mark.django_db


def rows_of(lists: dict, person) -> dict:
    """{list number: [row]} for the child, over every list."""
    found = {}
    for title, rows in lists.items():
        mine = [r for r in rows if r.get("Child Unique ID") == child_id(person.pk)]
        if mine:
            found[int(title.split()[1])] = mine
    return found


def day(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def visit(child, worker, kind, on, *, alone=False, referral=None):
    return Visit.objects.create(
        person=child,
        referral=referral,
        kind=kind,
        visited_on=on,
        child_seen=True,
        seen_alone=alone,
        visited_by=worker,
    )


def protected_child():
    """Referred on 11 May 2026 (contact the day before); assessed, authorised on 20 June with
    a strategy discussion to follow; section 47 from 22 June; initial conference on 8 July
    started an emotional abuse plan (a second plan); reviewed 6 October; visited alone on
    20 October."""
    worker, _ = team_pair()
    child, referral = referred_child(
        worker,
        now=NOW,
        referral_date=date(2026, 5, 11),
        sex="M",
        ethnicity="WBRI",
        date_of_birth=date(2014, 3, 2),
        disabilities=["LD"],
    )
    Contact.objects.filter(pk=referral.contact_id).update(
        received_at=datetime(2026, 5, 10, 14, 0, tzinfo=UTC), referral_source="2A"
    )
    ContactPerson.objects.filter(
        contact_id=referral.contact_id, role=ContactPerson.Role.CHILD
    ).update(person=child)
    assessment(
        child,
        referral,
        worker,
        started_on=date(2026, 5, 12),
        status="authorised",
        authorised_on=date(2026, 6, 20),
        outcome="strategy_discussion",
        factors=["3B"],
    )
    visit(child, worker, Visit.Kind.ASSESSMENT, date(2026, 5, 20), referral=referral)
    discussion = strategy_discussion(child, referral, worker, held_on=date(2026, 6, 22))
    enquired = enquiry(discussion, worker, completed_on=date(2026, 7, 3), outcome="conference")
    plan = cp_plan(
        child, referral, worker, starts_on=date(2026, 7, 8), category="EMO", previous_plans=1
    )
    ChildProtectionConference.objects.filter(plan=plan).update(enquiry=enquired)
    ChildProtectionConference.objects.create(
        referral=referral,
        person=child,
        kind=ChildProtectionConference.Kind.REVIEW,
        plan=plan,
        due_on=date(2026, 10, 8),
        held_on=date(2026, 10, 6),
        decision=ChildProtectionConference.Decision.CONTINUE,
        recorded_by=worker,
    )
    visit(child, worker, Visit.Kind.CHILD_PROTECTION, date(2026, 10, 20), alone=True)
    return child, worker


def test_a_protected_child_is_on_the_lists_of_each_step_with_the_records_values(tmp_path):
    child, worker = protected_child()
    found = rows_of(export(tmp_path), child)
    assert sorted(found) == [1, 3, 4, 5, 6, 7]
    first_five = {
        "Child Unique ID": child_id(child.pk),
        "Gender": "a) Male",
        "Ethnicity": "a) WBRI",
        "Date of Birth": datetime(2014, 3, 2),
        "Age": 12,
    }
    allocated = {"Allocated Team": worker.team.name, "Allocated Worker": worker.get_full_name()}
    assert found[1] == [
        first_five | {"Date of Contact": datetime(2026, 5, 10), "Contact Source": "e) 2A: Schools"}
    ]
    assert found[3] == [
        first_five
        | {
            "Date of Referral": datetime(2026, 5, 11),
            "Referral Source": "e) 2A: Schools",
            "Referral NFA?": "b) No",
            "Number of Referrals in Last 12 Months": 0,
        }
        | allocated
    ]
    assert found[4] == [
        first_five
        | {
            "Does the Child have a Disability": "a) Yes",
            "Continuous Assessment Start Date": datetime(2026, 5, 12),
            "Child Seen During Continuous Assessment": "a) Yes",
            "Continuous Assessment Date of Authorisation": datetime(2026, 6, 20),
            "Was the child assessed as requiring LA children's social care support?": "a) Yes",
        }
        | allocated
    ]
    assert found[5] == [
        first_five
        | {
            "Does the Child have a Disability": "a) Yes",
            "Strategy discussion initiating Section 47 Enquiry Start Date": datetime(2026, 6, 22),
            "Was an Initial Child Protection Conference deemed unnecessary?": "b) No",
            "Date of Initial Child Protection Conference": datetime(2026, 7, 8),
            "Did the Initial Child Protection Conference Result in a Child Protection Plan": (
                "a) Yes"
            ),
            "Number of Section 47 Enquiries in the last 12 months": 0,
            "Number of ICPCs in the last 12 months": 0,
        }
        | allocated
    ]
    (cin,) = found[6]
    assert {k: day(v) for k, v in cin.items() if k not in first_five} == {
        "Does the Child have a Disability": "a) Yes",
        "CIN Start Date": date(2026, 5, 11),
        "Primary Need Code": "N1 - Abuse or neglect",
        "Date Child Was Last Seen": date(2026, 10, 20),
        "CIN Closure Date": None,
        "Reason for Closure": None,
        "Case Status": "b) Child Protection plan",
        "Allocated Team": worker.team.name,
        "Allocated Worker": worker.get_full_name(),
    }
    (protection,) = found[7]
    assert {k: day(v) for k, v in protection.items() if k not in first_five} == {
        "Does the Child have a Disability": "a) Yes",
        "Child Protection Plan Start Date": date(2026, 7, 8),
        "Initial Category of Abuse": "d) Emotional abuse",
        "Latest Category of Abuse": "d) Emotional abuse",
        "Date of the Last Statutory Visit": date(2026, 10, 20),
        "Was the Child Seen Alone?": "a) Yes",
        "Date of latest review conference": date(2026, 10, 6),
        "Child Protection Plan End Date": None,
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)": "b) No",
        "Number of Previous Child Protection Plans": 1,
        "Allocated Team": worker.team.name,
        "Allocated Worker": worker.get_full_name(),
    }


def test_earlier_referrals_in_the_year_before_a_referral_are_counted():
    worker, _ = team_pair()
    child, _ = referred_child(worker, now=NOW, referral_date=date(2025, 9, 1))
    referred_child(worker, now=NOW, referral_date=date(2025, 4, 30), child=child)
    referred_child(worker, now=NOW, referral_date=date(2026, 6, 1), child=child)
    (row,) = referrals(Window(ON)).rows
    assert row[1][4] == date(2026, 6, 1) and row[1][7] == 1  # 1 Sept 2025; not 30 April 2025


def test_a_child_in_care_is_on_list_8_with_their_placement_status_and_missing_episodes(tmp_path):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, period = child_in_care(
        worker,
        now=NOW,
        starts_on=date(2026, 6, 1),
        legal_status="C1",
        sex="F",
        date_of_birth=date(2012, 1, 15),
    )
    first = period.placements.get()
    placements.placement_move(
        person_id=child.pk,
        period_id=period.pk,
        version=first.version,
        starts_on=date(2026, 8, 1),
        change_reason="CARPL",
        placement=placement_details(place="K2", provider="PR3", urn="SC123456"),
        acting_user=worker,
        now=NOW,
    )
    care_events.review_record(
        person_id=child.pk,
        period_id=period.pk,
        held_on=date(2026, 6, 20),
        participation="PN1",
        acting_user=worker,
        now=NOW,
    )
    care_events.health_check_record(
        person_id=child.pk, kind="health", done_on=date(2026, 6, 25), acting_user=worker, now=NOW
    )
    care_events.missing_record(
        person_id=child.pk,
        kind="M",
        started_at=datetime(2026, 9, 3, 20, 0, tzinfo=UTC),
        ended_at=datetime(2026, 9, 4, 8, 0, tzinfo=UTC),
        return_interview_offered=True,
        return_interview_accepted=False,
        return_interview_on=None,
        acting_user=worker,
        now=NOW,
    )
    visit(child, worker, Visit.Kind.CHILD_IN_CARE, date(2026, 10, 2))
    found = rows_of(export(tmp_path), child)
    assert sorted(found) == [3, 6, 8]
    assert found[6][0]["Case Status"] == "a) Looked after child"
    (row,) = found[8]
    placed = period.placements.order_by("starts_on").last()
    assert {k: day(v) for k, v in row.items()} == {
        "Child Unique ID": child_id(child.pk),
        "Gender": "b) Female",
        "Ethnicity": "a) WBRI",
        "Date of Birth": date(2012, 1, 15),
        "Age": 14,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": "b) No",
        "Does the Child have a Disability": "b) No",
        "Date Started to be Looked After": date(2026, 6, 1),
        "Child's Category of Need": "N1 - Abuse or neglect",
        "Is this a second or subsequent period of being a Looked After Child within the last "
        "12 months (Y/N)": "b) No",
        "Start date of current legal status": date(2026, 6, 1),
        "Child's Legal Status": "C1: ICO",
        "Date of Latest Statutory Review": date(2026, 6, 20),
        "Date of Last Social Work Visit": date(2026, 10, 2),
        "What is the permanence plan for this child?": None,
        "Date of Last IRO Visit / Contact to the Child": None,
        "Date of Last Health Assessment": date(2026, 6, 25),
        "Date of Last Dental Check": None,
        "Number of Placements in the Last 12 months": 2,
        "Date Ceased to be Looked After": None,
        "Reason Ceased to be Looked After": None,
        "Start Date of Most Recent Placement": date(2026, 8, 1),
        "Placement Type": "p) K2: Children's Homes",
        "Placement Provider": "d) PR3: Other public provision",
        "Placement postcode": placed.placement_postcode,
        "URN of Placement": "SC123456",
        "Placement Location": {True: "a) In", False: "b) Out", None: None}[placed.inside_area],
        "LA of Placement": placed.placement_area_code or None,
        "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the "
        "last 12 months": 1,
        "Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the "
        "last 12 months": 0,
        "Was the child offered a Return Interview after their last missing episode (Y/N)?": (
            "a) Yes"
        ),
        "Did the child accept a Return Interview after their last missing episode (Y/N)?": (
            "b) No"
        ),
        "Allocated Team": worker.team.name,
        "Allocated Worker": worker.get_full_name(),
    }


def test_a_care_leaver_is_on_list_9_with_what_was_last_known(tmp_path):
    adviser = worker_with_role(Role.SOCIAL_WORKER)
    young_person = PersonFactory(sex="M", ethnicity="BAFR", date_of_birth=date(2007, 6, 1))
    CarePeriod.objects.create(
        person=young_person, starts_on=date(2020, 1, 6), ends_on=date(2025, 6, 1), end_reason="E5"
    )
    CareLeaver.objects.create(
        person=young_person, category="former_relevant", personal_adviser=adviser
    )
    AllocationFactory(
        person=young_person,
        worker=adviser,
        team=adviser.team,
        purpose=ALLOCATION_PURPOSES[CaseKind.CARE_LEAVER],
        starts_at=datetime(2025, 6, 1, 9, 0, tzinfo=UTC),
    )
    for age, on, activity in ((18, date(2025, 6, 3), "G5"), (19, date(2026, 6, 5), "F2")):
        CareLeaverContact.objects.create(
            person=young_person,
            birthday_age=age,
            contact_on=on,
            in_touch="YES",
            activity=activity,
            accommodation="U",
            accommodation_suitable=True,
            recorded_by=adviser,
        )
    found = rows_of(export(tmp_path), young_person)
    assert sorted(found) == [9]
    assert found[9] == [
        {
            "Child Unique ID": child_id(young_person.pk),
            "Gender": "a) Male",
            "Ethnicity": "o) BAFR",
            "Date of Birth": datetime(2007, 6, 1),
            "Age": 19,
            "Does the Child have a Disability": "b) No",
            "Allocated Team": adviser.team.name,
            "Allocated Worker": adviser.get_full_name(),
            "Eligibility Category": "b) Former relevant child",
            "LA in Touch": "a) Yes",
            "Type of Accommodation": "U: Independent living",
            "Suitability of Accommodation": "a) Suitable",
            "Activity Status": "F2: Full time in education other than higher",
        }
    ]


def test_a_completed_early_help_assessment_is_on_list_2_for_each_child(tmp_path):
    practitioner = worker_with_role(Role.EARLY_HELP)
    opened = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    episode = open_episode(practitioner, now=opened, children=2, date_of_birth=date(2019, 4, 4))
    started = assessment_start(
        episode_id=episode.pk, acting_user=practitioner, now=opened + timedelta(days=1)
    )
    EarlyHelpAssessment.objects.filter(pk=started.pk).update(
        status=EarlyHelpAssessment.Status.COMPLETE,
        completed_at=datetime(2026, 6, 30, 15, 0, tzinfo=UTC),
        completed_by=practitioner,
    )
    rows = export(tmp_path)["List 2"]
    assert len(rows) == 2
    first = next(r for r in rows if r["Date of Birth"] == datetime(2019, 4, 4))
    assert {k: first[k] for k in list(first)[5:]} == {
        "Assessment start date": datetime(2026, 6, 2),
        "Assessment completion date": datetime(2026, 6, 30),
        "Organisation completing assessment": practitioner.team.name,
    }


def test_what_ended_before_the_six_months_is_left_out(tmp_path):
    """A referral of 30 April, closed that day, with a plan and a period of care that ended
    then too, is on no list; the same things ending on 1 May are on theirs."""
    worker, _ = team_pair()
    stories = {}
    for ended in (date(2026, 4, 30), date(2026, 5, 1)):
        child, referral = referred_child(worker, now=NOW, referral_date=date(2026, 1, 5))
        cp_plan(child, referral, worker, starts_on=date(2026, 2, 1), ends_on=ended)
        CarePeriod.objects.create(
            person=child, referral=referral, starts_on=date(2026, 3, 1), ends_on=ended
        )
        referral.closed_on, referral.closure_reason = ended, "RC7"
        referral.save(update_fields=["closed_on", "closure_reason"])
        stories[ended] = child
    lists = export(tmp_path)
    assert rows_of(lists, stories[date(2026, 4, 30)]) == {}
    found = rows_of(lists, stories[date(2026, 5, 1)])
    assert sorted(found) == [6, 7, 8]
    assert found[6][0]["Case Status"] == "e) Closed episode"
    assert found[6][0]["Reason for Closure"] == (
        "RC7 - Services ceased for any other reason, including child no longer in need"
    )
    assert day(found[7][0]["Child Protection Plan End Date"]) == date(2026, 5, 1)
    assert day(found[8][0]["Date Ceased to be Looked After"]) == date(2026, 5, 1)


def test_lists_are_read_in_a_few_queries_whatever_the_number_of_children(
    django_assert_max_num_queries,
):
    worker, _ = team_pair()
    for _ in range(3):
        protected_child()
        child_in_care(worker, now=NOW, starts_on=date(2026, 6, 1))
    with django_assert_max_num_queries(45):
        annex = annex_a.build(ON)
    assert len(annex.sheets[7].rows) == 3 and len(annex.sheets[8].rows) == 3
