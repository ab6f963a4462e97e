"""What the completeness rule added to a bundle: meeting invitees, Supporting Families claims,
strategy discussion participants, the front door's strategy discussion, the family's hub
registration and kept rows of statutory returns. Each holds the subject's planted value and
withholds another person's, with the decision recorded."""

from datetime import date

import pytest
from django.utils import timezone

from onestory.earlyhelp.models import Meeting, MeetingInvitee, SupportingFamiliesClaim
from onestory.earlyhelp.tests.factories import open_episode
from onestory.familyhubs.models import RegisteredPerson
from onestory.familyhubs.tests.factories import RegistrationFactory
from onestory.frontdoor.models import StrategyDiscussion as FrontDoorDiscussion
from onestory.people.tests.factories import PersonFactory
from onestory.returns.models import KeptRow
from onestory.sar import bundle
from onestory.socialcare.models import StrategyParticipant
from onestory.socialcare.tests.factories import referred_child
from onestory.socialcare.tests.factories_protection import strategy_discussion
from onestory.workforce.models import Agency
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


def _text(built: bundle.Bundle, title: str | None = None) -> str:
    sections = [s for s in built.sections if title is None or s.title == title]
    return "\n".join(
        f"{s.title}|{i.heading}|{name}: {value}"
        for s in sections
        for i in s.items
        for name, value in i.rows
    )


def _reasons(built: bundle.Bundle, section: str) -> dict:
    return {item: n for (where, item, _), n in built.decisions.items() if where == section}


def _build(person, requester="subject"):
    return bundle.build(person, requester, today=timezone.localdate())


@pytest.fixture
def episode():
    worker = worker_with_role(Role.EARLY_HELP)
    return open_episode(worker, now=timezone.now(), children=2, adults=1), worker


def test_meeting_invitees_show_the_subject_and_professionals_and_withhold_the_family(episode):
    episode, worker = episode
    child, sibling = [m.person for m in episode.members.filter(role="child").order_by("created_at")]
    meeting = Meeting.objects.create(episode=episode, held_at=timezone.now(), decisions="Agreed",
                                     minutes="Hartigan Fairweather-Lowe said little",
                                     recorded_by=worker)  # fmt: skip
    MeetingInvitee.objects.create(meeting=meeting, name="Own Name", family_member=child,
                                  role="OWNROLEMARK", attendance="attended")  # fmt: skip
    MeetingInvitee.objects.create(meeting=meeting, name="Sibling Name", family_member=sibling,
                                  role="SIBROLEMARK", attendance="attended")  # fmt: skip
    MeetingInvitee.objects.create(meeting=meeting, name="Hartigan Fairweather-Lowe",
                                  role="GRANROLEMARK", attendance="apologies")  # fmt: skip
    school = Agency.objects.create(name="Riverside Primary (test)")
    MeetingInvitee.objects.create(meeting=meeting, name="Ms Teacher", agency=school,
                                  role="Class teacher", attendance="attended")  # fmt: skip
    built = _build(child)
    title = "Team around the family meetings: who was invited"
    text = _text(built, title)
    assert "OWNROLEMARK" in text and "You" in text
    assert "Class teacher" in text and "Riverside Primary (test)" in text
    assert "Ms Teacher" not in text  # a professional's name is left out, as workers' are
    everything = _text(built)
    for theirs in ("SIBROLEMARK", "Sibling Name", "GRANROLEMARK", "Hartigan", sibling.given_name):
        assert theirs not in everything, theirs
    assert _reasons(built, title) == {"another person invited to a meeting": 2}
    # The sibling's bundle holds the sibling's own invitation, not the child's.
    theirs = _text(_build(sibling), title)
    assert "SIBROLEMARK" in theirs and "OWNROLEMARK" not in theirs


def test_a_supporting_families_claim_shows_its_outcomes_and_withholds_the_rest_of_the_family(
    episode,
):
    episode, worker = episode
    child = episode.members.filter(role="child").order_by("created_at").first().person
    SupportingFamiliesClaim.objects.create(episode=episode, claimed_on=date(2024, 3, 1),
                                           claimed_by=worker, headlines=["education"])  # fmt: skip
    built = _build(child)
    text = _text(built, "Supporting Families claims")
    assert "01 March 2024" in text and f"Claim for episode {episode.reference}" in text
    assert "Family members claimed for: You, [withheld: third party]" in text
    assert _reasons(built, "Supporting Families claims") == {"another family member on a claim": 2}
    others = [m.person for m in episode.members.exclude(person=child)]
    for person in others:
        assert person.given_name not in _text(built), person.given_name
    # Someone with no part in the episode sees no claim.
    assert "Supporting Families claims" not in _text(_build(PersonFactory()))


def test_strategy_participants_are_listed_by_agency_and_role_for_the_child_only():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, referral = referred_child(worker, now=timezone.now())
    other, other_referral = referred_child(worker, now=timezone.now())
    mine = strategy_discussion(child, referral, worker, held_on=date(2024, 5, 2))
    StrategyParticipant.objects.create(discussion=mine, name="DS Professional",
                                       agency_kind="police", role="OWNDISCUSSIONROLE")  # fmt: skip
    theirs = strategy_discussion(other, other_referral, worker, held_on=date(2024, 5, 3))
    StrategyParticipant.objects.create(discussion=theirs, agency_kind="health",
                                       role="OTHERDISCUSSIONROLE")  # fmt: skip
    text = _text(_build(child), "Social care: who took part in strategy discussions")
    assert "OWNDISCUSSIONROLE" in text and "Police" in text and "02 May 2024" in text
    assert "DS Professional" not in text
    assert "OTHERDISCUSSIONROLE" not in _text(_build(child))


def test_the_front_door_strategy_discussion_is_read_with_other_people_withheld():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, referral = referred_child(worker, now=timezone.now())
    contact = referral.contact
    named = contact.people.filter(role="child").first()
    if named is None:
        pytest.skip("the factory's contact names no child")
    named.person = child
    named.save(update_fields=["person"])
    brother = PersonFactory(given_name="Cuthbertson", family_name="Zanzibarre")
    contact.people.create(role="sibling", given_name="Cuthbertson", family_name="Zanzibarre",
                          person=brother)  # fmt: skip
    FrontDoorDiscussion.objects.create(contact=contact, due_at=timezone.now(),
                                       summary="FDOWNMARK agreed; Cuthbertson Zanzibarre at home",
                                       agencies_present=["police"])  # fmt: skip
    built = _build(child)
    text = _text(built, "Front-door strategy discussions")
    assert "FDOWNMARK" in text
    assert "Zanzibarre" not in _text(built) and "Cuthbertson" not in _text(built)
    assert _reasons(built, "Front-door strategy discussions")


def test_a_hub_registration_shows_the_subjects_own_details_and_withholds_the_familys():
    child = PersonFactory(mobile="07700 900777")
    parent = PersonFactory()
    registration = RegistrationFactory(phone="07700 900999", email="PARENTMAIL@example.org")
    RegisteredPerson.objects.create(registration=registration, person=child, role="child")
    RegisteredPerson.objects.create(registration=registration, person=parent, role="carer")
    built = _build(child)
    text = _text(built, "Family hubs: registrations")
    assert registration.reference in text
    assert "900999" not in _text(built) and "PARENTMAIL" not in _text(built)
    assert len(_reasons(built, "Family hubs: registrations")) == 2
    registration.phone = "07700 900777"
    registration.save(update_fields=["phone"])
    assert "07700 900777" in _text(_build(child), "Family hubs: registrations")


def test_kept_return_rows_are_shown_with_adopters_withheld():
    child, other = PersonFactory(), PersonFactory()
    KeptRow.objects.create(person=child, source="903", table="AD1", year=2024, row_number=1,
                           values={"DATE_INT": "OWNRETURNMARK", "SEX_ADOPTR": "ADOPTERMARK"},
                           imported_at=timezone.now())  # fmt: skip
    KeptRow.objects.create(
        person=other,
        source="903",
        table="OC2",
        year=2024,
        row_number=2,
        values={"SDQ_SCORE": "OTHERRETURNMARK"},
        imported_at=timezone.now(),
    )
    built = _build(child)
    text = _text(built)
    assert "OWNRETURNMARK" in text
    assert "ADOPTERMARK" not in text and "OTHERRETURNMARK" not in text
    assert ("Statutory returns: rows kept as received", "return row: SEX_ADOPTR",
            bundle.Reason.ADOPTERS) in built.decisions  # fmt: skip
