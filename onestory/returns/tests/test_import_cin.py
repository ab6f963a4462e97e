"""Importing children in need census files: what becomes of each child and episode, merging
years, re-importing, and refusing bad files whole with every problem reported."""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.frontdoor.models import Contact, Decision, Referral
from onestory.people.models import ChronologyEntry, Person
from onestory.people.tests.factories import PersonFactory
from onestory.returns.imports import cin_census
from onestory.returns.models import KeptRow, LAChildId
from onestory.socialcare.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
)
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
UPN = "E821201500001"  # a valid check letter (stdnum.gb.upn)
CASE_MODELS = (
    Person,
    Referral,
    Contact,
    Decision,
    Assessment,
    ChildInNeedPlan,
    StrategyDiscussion,
    Section47Enquiry,
    ChildProtectionPlan,
    ChildProtectionConference,
    LAChildId,
    KeptRow,
    ChronologyEntry,
)


def census(year: int, children: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>{year}</Year>
      <ReferenceDate>{year}-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>999</LEA>
      <SoftwareCode>Another system</SoftwareCode>
      <Release>1</Release>
      <SerialNo>001</SerialNo>
      <DateTime>{year}-04-20T10:00:00</DateTime>
    </Source>
  </Header>
  <Children>
{children}
  </Children>
</Message>
"""


def child(code: str, episodes: str, *, identifiers: str = "", ethnicity="WBRI", disabilities=""):
    identifiers = identifiers or ("<PersonBirthDate>2015-05-04</PersonBirthDate><Sex>F</Sex>")
    return f"""    <Child>
      <ChildIdentifiers>
        <LAchildID>{code}</LAchildID>
        {identifiers}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>{ethnicity}</Ethnicity>
        <Disabilities>{disabilities or "<Disability>NONE</Disability>"}</Disabilities>
      </ChildCharacteristics>
{episodes}
    </Child>"""


def episode(referral="2025-06-02", *, source="2A", body="", closed="", nfa="false", need="N1"):
    return f"""      <CINdetails>
        <CINreferralDate>{referral}</CINreferralDate>
        <ReferralSource>{source}</ReferralSource>
        <PrimaryNeedCode>{need}</PrimaryNeedCode>
        {closed}
        {body}
        <ReferralNFA>{nfa}</ReferralNFA>
      </CINdetails>"""


PROTECTED = episode(
    body="""
        <Assessments>
          <AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-07-02</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3B</AssessmentFactors>
            <AssessmentFactors>4B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>2025-07-10</CINPlanStartDate>
          <CINPlanEndDate>2025-07-20</CINPlanEndDate>
        </CINPlanDates>
        <Section47>
          <S47ActualStartDate>2025-07-03</S47ActualStartDate>
          <InitialCPCtarget>2025-07-24</InitialCPCtarget>
          <DateOfInitialCPC>2025-07-21</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>""",
).replace(
    "</CINdetails>",
    """  <ChildProtectionPlans>
          <CPPstartDate>2025-07-21</CPPstartDate>
          <InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>1</NumberOfPreviousCPP>
          <Reviews>
            <CPPreviewDate>2025-10-20</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
      </CINdetails>""",
)


@pytest.fixture
def analyst():
    return worker_with_role(Role.ANALYST)


@pytest.fixture
def write(tmp_path):
    def _write(text: str, name: str = "cin.xml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def _import(analyst, *paths, **options):
    return cin_census.run(list(paths), acting_user=analyst, now=NOW, progress=False, **options)


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in CASE_MODELS}


def test_a_census_child_becomes_a_person_with_their_episode_and_the_work_under_it(write, analyst):
    identifiers = f"<UPN>{UPN}</UPN><PersonBirthDate>2015-05-04</PersonBirthDate><Sex>F</Sex>"
    path = write(
        census(
            2026,
            child(
                "ABC123",
                PROTECTED,
                identifiers=identifiers,
                ethnicity="MWBC",
                disabilities="<Disability>LD</Disability><Disability>COMM</Disability>",
            ),
        )
    )

    report = _import(analyst, path)

    assert report.loaded, report.summary()
    person = LAChildId.objects.get(code="ABC123").person
    assert (person.upn, person.date_of_birth, person.sex) == (UPN, date(2015, 5, 4), "F")
    assert (person.ethnicity, person.disabilities) == ("MWBC", ["LD", "COMM"])
    assert "not in the children in need census" in person.family_name
    referral = Referral.objects.get(person=person)
    assert (referral.referral_date, referral.source, referral.primary_need) == (
        date(2025, 6, 2),
        "2A",
        "N1",
    )
    assert referral.closed_on is None and not referral.no_further_action
    contact = referral.contact
    assert contact.reference.startswith("CIN-")
    assert contact.status == "decided" and contact.recorded_by == analyst
    assert "Imported from the children in need census 2026" in contact.what_happened
    decision = Decision.objects.get(contact=contact)
    assert decision.outcome == "referral" and decision.level.level == 4
    assessment = Assessment.objects.get(referral=referral)
    assert (assessment.started_on, assessment.authorised_on) == (date(2025, 6, 3), date(2025, 7, 2))
    assert assessment.status == "authorised" and assessment.factors == ["3B", "4B"]
    assert assessment.worker == analyst and "account that imported it" in assessment.analysis
    plan = ChildInNeedPlan.objects.get(referral=referral)
    assert (plan.starts_on, plan.ends_on) == (date(2025, 7, 10), date(2025, 7, 20))
    enquiry = Section47Enquiry.objects.get(referral=referral)
    assert (enquiry.starts_on, enquiry.conference_due_on) == (date(2025, 7, 3), date(2025, 7, 24))
    assert enquiry.outcome == "conference" and enquiry.completed_on == date(2025, 7, 21)
    assert enquiry.strategy_discussion.held_on == date(2025, 7, 3)
    cp_plan = ChildProtectionPlan.objects.get(referral=referral)
    assert (cp_plan.initial_category, cp_plan.latest_category, cp_plan.previous_plans) == (
        "EMO",
        "NEG",
        1,
    )
    assert cp_plan.next_review_on == date(2026, 4, 20)  # 6 months after the last review
    initial = ChildProtectionConference.objects.get(referral=referral, kind="initial")
    assert (initial.held_on, initial.enquiry, initial.plan) == (date(2025, 7, 21), enquiry, cp_plan)
    assert initial.decision == "plan"
    review = ChildProtectionConference.objects.get(referral=referral, kind="review")
    assert (review.held_on, review.plan, review.decision) == (
        date(2025, 10, 20),
        cp_plan,
        "continue",
    )
    lines = list(ChronologyEntry.objects.filter(person=person).values_list("summary", flat=True))
    assert any(line.startswith("Referral to children's social care (CIN-") for line in lines)
    assert report.counts["episodes"]["created"] == 1
    assert report.counts["review conferences"]["created"] == 1


def test_importing_the_same_file_again_changes_nothing(write, analyst):
    path = write(census(2026, child("ABC123", PROTECTED) + child("XYZ9", episode("2025-09-01"))))
    _import(analyst, path)
    before = _counts()

    again = _import(analyst, path)

    assert again.loaded and not again.changed
    assert _counts() == before
    assert "imported before: unchanged" in again.summary()
    assert again.counts["children"] == {"matched": 2}
    assert again.counts["episodes"] == {"unchanged": 2}


def test_a_later_year_closes_the_episode_an_earlier_year_left_open_in_one_history(write, analyst):
    plan = """<CINPlanDates><CINPlanStartDate>2025-02-10</CINPlanStartDate></CINPlanDates>"""
    ended = """<CINPlanDates><CINPlanStartDate>2025-02-10</CINPlanStartDate>
        <CINPlanEndDate>2025-06-30</CINPlanEndDate></CINPlanDates>"""
    closed = "<CINclosureDate>2025-07-01</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>"
    open_2025 = write(census(2025, child("ABC123", episode("2025-01-06", body=plan))), "a.xml")
    closed_2026 = write(
        census(2026, child("ABC123", episode("2025-01-06", body=ended, closed=closed, nfa="1"))),
        "b.xml",
    )

    _import(analyst, open_2025)
    later = _import(analyst, closed_2026)
    earlier_again = _import(analyst, open_2025)

    referral = Referral.objects.get()
    assert (referral.closed_on, referral.closure_reason) == (date(2025, 7, 1), "RC8")
    assert referral.no_further_action
    assert ChildInNeedPlan.objects.get().ends_on == date(2025, 6, 30)
    assert later.counts["episodes"] == {"updated": 1}
    # The older census could not know the episode would close: it does not reopen it.
    assert not earlier_again.changed
    assert Person.objects.count() == 1


def test_two_years_in_one_import_merge_whatever_order_they_are_given(write, analyst):
    closed = "<CINclosureDate>2025-07-01</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
    first = write(census(2025, child("ABC123", episode("2025-01-06"))), "2025.xml")
    second = write(
        census(
            2026,
            child("ABC123", episode("2025-01-06", closed=closed) + episode("2025-11-03")),
        ),
        "2026.xml",
    )

    report = _import(analyst, second, first)

    assert report.years == [2025, 2026]
    assert list(
        Referral.objects.order_by("referral_date").values_list("referral_date", "closed_on")
    ) == [
        (date(2025, 1, 6), date(2025, 7, 1)),
        (date(2025, 11, 3), None),
    ]
    later = Referral.objects.get(referral_date=date(2025, 11, 3))
    assert later.is_re_referral and later.previous_referral.referral_date == date(2025, 1, 6)


def test_nothing_is_loaded_when_any_item_is_refused_and_every_item_is_reported(write, analyst):
    bad = census(
        2026,
        "\n".join(
            [
                child("GOOD1", episode("2025-06-02")),
                child("BAD1", episode("2025-06-02", source="11")),
                child(
                    "BAD2",
                    episode(
                        "2025-06-02",
                        closed="<CINclosureDate>2025-05-01</CINclosureDate>"
                        "<ReasonForClosure>RC7</ReasonForClosure>",
                    ),
                ),
                child("BAD3", episode("02/06/2025")),
                child(
                    "BAD4", episode("2025-06-02").replace("<ReferralNFA>false</ReferralNFA>", "")
                ),
                child(
                    "BAD5",
                    episode(
                        body="<Assessments><AssessmentActualStartDate>2025-06-03"
                        "</AssessmentActualStartDate><FactorsIdentifiedAtAssessment>"
                        "<AssessmentFactors>99Z</AssessmentFactors>"
                        "</FactorsIdentifiedAtAssessment></Assessments>"
                    ),
                ),
                child("GOOD1", episode("2025-08-02")),
                child("BAD6", episode(), ethnicity="XXXX"),
            ]
        ),
    )
    path = write(bad)

    report = _import(analyst, path)

    assert not report.loaded
    assert Person.objects.count() == 0 and Referral.objects.count() == 0
    reasons = {r.child: r.reason for r in report.rejected}
    assert "ReferralSource '11' is not a referral source code" in reasons["BAD1"]
    assert "CINclosureDate is before CINreferralDate" in reasons["BAD2"]
    assert "not a date written as the census writes dates" in reasons["BAD3"]
    assert "ReferralNFA is missing" in reasons["BAD4"]
    assert "Assessment factor '99Z'" in reasons["BAD5"]
    assert "Ethnicity 'XXXX'" in reasons["BAD6"]
    assert "is in the file twice" in reasons["GOOD1"]
    lines = bad.splitlines()
    for rejection in report.rejected:
        assert rejection.file == "cin.xml"
        assert rejection.row is not None
    source_line = next(r.row for r in report.rejected if r.child == "BAD1")
    assert "<ReferralSource>11</ReferralSource>" in lines[source_line - 1]
    assert report.summary().startswith("Nothing was loaded from the children in need census")
    assert AuditEvent.objects.filter(action="import", reason="import refused").count() == 1


def test_a_file_for_another_year_is_refused_when_a_year_is_given(write, analyst):
    path = write(census(2025, child("ABC123", episode("2024-06-02"))))

    report = _import(analyst, path, year=2026)

    assert not report.loaded and Person.objects.count() == 0
    [rejection] = report.rejected
    assert "is the census for 2025" in rejection.reason and "not 2026" in rejection.reason


@pytest.mark.parametrize(
    "hostile",
    [
        """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Message><Children>&lol2;</Children></Message>""",
        """<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Message><Children>&xxe;</Children></Message>""",
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_hostile_xml_is_refused_and_nothing_is_loaded(write, analyst, hostile):
    report = _import(analyst, write(hostile))

    assert not report.loaded and Person.objects.count() == 0
    [rejection] = report.rejected
    assert "was refused because" in rejection.reason


def test_malformed_xml_is_reported_in_plain_words(write, analyst):
    text = census(2026, child("ABC123", episode()))
    report = _import(analyst, write(text[: len(text) // 2]))

    [rejection] = report.rejected
    assert "cannot be read: it is not well-formed XML" in rejection.reason
    assert Person.objects.count() == 0


def test_a_census_without_children_is_refused(write, analyst):
    report = _import(analyst, write(census(2026, "")))

    [rejection] = report.rejected
    assert "lists no children" in rejection.reason


def test_a_file_that_is_not_a_census_is_refused(write, analyst):
    report = _import(analyst, write("<Header><CHILD>1</CHILD></Header>"))

    [rejection] = report.rejected
    assert "not a children in need census" in rejection.reason


def test_a_census_child_known_by_upn_joins_their_existing_record(write, analyst):
    known = PersonFactory(upn=UPN, date_of_birth=date(2015, 5, 4))
    identifiers = f"<UPN>{UPN}</UPN><PersonBirthDate>2015-05-04</PersonBirthDate><Sex>F</Sex>"

    _import(analyst, write(census(2026, child("ABC123", episode(), identifiers=identifiers))))

    assert Person.objects.count() == 1
    assert Referral.objects.get().person == known
    assert LAChildId.objects.get(person=known).code == "ABC123"


def test_codes_from_later_years_are_read_in_an_earlier_file_with_a_note(write, analyst):
    closed = "<CINclosureDate>2020-07-01</CINclosureDate><ReasonForClosure>RC9</ReasonForClosure>"
    path = write(census(2021, child("ABC123", episode("2020-06-02", closed=closed))))

    report = _import(analyst, path)

    assert report.loaded and Referral.objects.get().closure_reason == "RC9"
    assert any(
        "ReasonForClosure RC9 is used, though the census only had it from 2023" in note
        for note in report.notes
    )


def test_retired_factors_are_refused_after_their_last_year(write, analyst):
    body = """<Assessments><AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>
        <FactorsIdentifiedAtAssessment><AssessmentFactors>18A</AssessmentFactors>
        </FactorsIdentifiedAtAssessment></Assessments>"""

    report = _import(analyst, write(census(2026, child("ABC123", episode(body=body)))))

    [rejection] = report.rejected
    assert "'18A'" in rejection.reason and "replaced by 18B and 18C" in rejection.reason


def test_elements_onestory_does_not_model_are_kept_as_received_once(write, analyst):
    block = "<FamilyGroupDecisionMaking><FGDMdate>2025-08-01</FGDMdate></FamilyGroupDecisionMaking>"
    path = write(census(2027, child("ABC123", episode(body=block))))

    first = _import(analyst, path)
    _import(analyst, path)

    kept = KeptRow.objects.get()
    assert kept.table == "CINdetails/FamilyGroupDecisionMaking" and kept.year == 2027
    assert kept.values["CINreferralDate"] == "2025-06-02"
    assert "<FGDMdate>2025-08-01</FGDMdate>" in kept.values["xml"]
    assert first.kept == {"CINdetails/FamilyGroupDecisionMaking": 1}


def test_the_import_is_audited_with_who_when_and_which_children(write, analyst):
    _import(analyst, write(census(2026, child("ABC123", episode()) + child("XYZ9", episode()))))

    event = AuditEvent.objects.get(action="import", person_id__isnull=True)
    assert event.actor == analyst and event.at == NOW
    assert event.detail["files"] == ["cin.xml"] and event.detail["children"] == 2
    children = set(
        AuditEvent.objects.filter(action="import", person_id__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    assert children == set(LAChildId.objects.values_list("person_id", flat=True))


def test_a_trial_run_reports_what_it_would_load_and_loads_nothing(write, analyst):
    report = _import(analyst, write(census(2026, child("ABC123", PROTECTED))), dry_run=True)

    assert not report.loaded and report.counts["episodes"]["created"] == 1
    assert Person.objects.count() == 0


def test_an_import_run_without_a_worker_records_under_the_imported_return_account(write):
    path = write(census(2026, child("ABC123", episode())))

    report = cin_census.run([path], acting_user=None, now=NOW, progress=False)

    assert report.loaded
    recorder = Referral.objects.get().contact.recorded_by
    assert recorder.get_full_name() == "Imported return" and not recorder.is_active
    event = AuditEvent.objects.get(action="import", person_id__isnull=True)
    assert event.actor is None


def _plan(latest: str, reviews: list[str], start="2024-06-03") -> str:
    listed = "".join(f"<CPPreviewDate>{day}</CPPreviewDate>" for day in reviews)
    return f"""<ChildProtectionPlans>
          <CPPstartDate>{start}</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>{latest}</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews>{listed}</Reviews>
        </ChildProtectionPlans>"""


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_each_years_category_of_abuse_is_kept_on_that_years_last_review(
    write, analyst, tmp_path, order
):
    """A plan whose category changed between censuses: each year's census is written again with
    the category it gave, whichever order the files came in."""
    files = [
        write(
            census(
                2025,
                child(
                    "ABC123",
                    episode("2024-05-01").replace(
                        "</CINdetails>",
                        _plan("NEG", ["2024-09-02", "2025-02-03"]) + "</CINdetails>",
                    ),
                ),
            ),
            "2025.xml",
        ),
        write(
            census(
                2026,
                child(
                    "ABC123",
                    episode("2024-05-01").replace(
                        "</CINdetails>",
                        _plan("EMO", ["2025-08-04", "2026-02-02"]) + "</CINdetails>",
                    ),
                ),
            ),
            "2026.xml",
        ),
    ]
    for path in files if order == "oldest first" else reversed(files):
        _import(analyst, path)

    plan = ChildProtectionPlan.objects.get()
    categories = dict(plan.conferences.filter(kind="review").values_list("held_on", "category"))
    assert categories[date(2025, 2, 3)] == "NEG" and categories[date(2026, 2, 2)] == "EMO"
    for year, latest in ((2025, "NEG"), (2026, "EMO")):
        out = tmp_path / f"out-{year}.xml"
        call_command("export_return", "cin", year=year, out=str(out), stdout=io.StringIO())
        assert f"<LatestCategoryOfAbuse>{latest}</LatestCategoryOfAbuse>" in out.read_text()


def test_a_census_written_with_a_namespace_is_read_the_same(write, analyst):
    text = census(2026, child("ABC123", PROTECTED)).replace(
        "<Message>", '<Message xmlns="http://www.example.org/cin-census">'
    )

    report = _import(analyst, write(text))

    assert report.loaded, report.summary()
    assert report.counts["child protection plans"] == {"created": 1}
    assert LAChildId.objects.get().code == "ABC123"


def test_an_imported_childs_pages_show_the_imported_history(write, client):
    manager = worker_with_role(Role.TEAM_MANAGER)
    path = write(census(2026, child("ABC123", PROTECTED)))
    # Now, not NOW: the pages read the clock, and the import's allocation starts when it ran.
    cin_census.run([path], acting_user=manager, now=timezone.now(), progress=False)
    person = LAChildId.objects.get(code="ABC123").person
    contact = Referral.objects.get(person=person).contact
    client.force_login(manager)

    pages = {
        "social care": reverse("socialcare:child", args=[person.pk]),
        "record": reverse("people:person", args=[person.pk]),
        "chronology": reverse("people:person-chronology", args=[person.pk]),
        "contact": reverse("frontdoor:contact", args=[contact.pk]),
    }
    responses = {name: client.get(url) for name, url in pages.items()}

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(pages, 200)
    assert "imported from the children in need census" in responses["chronology"].content.decode()
    assert contact.reference in responses["contact"].content.decode()
