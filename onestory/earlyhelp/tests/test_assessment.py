"""The early help assessment, as practitioners use it: started from what the record knows, saved
as a draft as they type, completed with the family's agreement and start scores."""

from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import AllocationFactory
from onestory.core.clock import today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.frontdoor.tests.factories import submit
from onestory.pathways.models import PathwayFlag
from onestory.people.models import ChronologyEntry
from onestory.people.tests.factories import AddressFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .. import rules
from ..actions.assessment import (
    CompletionRefused,
    assessment_complete,
    assessment_save_draft,
    assessment_start,
)
from ..models import Assessment, Episode, Score
from ..selectors import access_episode_by_id, visible_members
from ..selectors_assessment import prefill_factors
from .factories import open_episode

pytestmark = pytest.mark.django_db

STORY = "Mum says the mornings are a battle and Amir has stopped going to football."
EVIDENCE = "Rent arrears letter seen; the landlord has given notice."


def _page(response) -> str:
    return unescape(response.content.decode())


def _start(worker, episode, *, now=None):
    return assessment_start(
        episode_id=episode.pk,
        form_token=new_form_token(),
        acting_user=worker,
        now=now or timezone.now(),
    )


def _url(assessment, name="earlyhelp:assessment"):
    return reverse(name, args=[assessment.episode_id, assessment.pk])


def _answers(version, **changes) -> dict:
    """A full, completable form: one need (housing) and one strength, agreed by the family."""
    data = {
        "version": version,
        "family_story": STORY,
        "child_words": "“I don't like it when they shout.”",
        "parent_views": "Dad thinks school is the problem.",
        "housing-presence": "yes",
        "housing-severity": "moderate",
        "housing-evidence": EVIDENCE,
        "housing-view": "shared",
        "housing-family_score": "4",
        "housing-practitioner_score": "3",
        "talents-presence": "yes",
        "talents-evidence": "Plays for the under-11s.",
        "bullying-presence": "no",
        "strengths": "Grandmother helps every day.",
        "analysis": "Housing worries are behind most of the stress at home.",
        "family_agreed": "on",
        "agreed_by": "Mother, Sadia",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _form_data(version, **changes) -> dict:
    """The same answers as an action's `data`."""
    answers = _answers(version, **changes)
    factors = {}
    for factor in rules.FRAMEWORK:
        code = factor.code
        factors[code] = {
            "presence": answers.get(f"{code}-presence", ""),
            "severity": answers.get(f"{code}-severity", ""),
            "evidence": answers.get(f"{code}-evidence", ""),
            "view": answers.get(f"{code}-view", ""),
            "person_id": None,
        }
    return {
        "family_story": answers["family_story"],
        "family_agreed": bool(answers.get("family_agreed")),
        "agreed_by": answers.get("agreed_by", ""),
        "factors": factors,
    }


@pytest.fixture
def practitioner(sign_in):
    return sign_in(Role.EARLY_HELP)


@pytest.fixture
def episode(practitioner):
    return open_episode(practitioner, now=timezone.now(), children=2, adults=1)


# --- Pre-fill ---------------------------------------------------------------------------------


def test_the_page_shows_the_family_as_the_record_knows_it(client, practitioner, episode):
    child = episode.members.filter(role="child").first().person
    AddressFactory(person=child, line_1="12 Synthetic Road", postcode="LU4 9ZZ", valid_to=None)
    school = worker_with_role(Role.PARTNER, agency_name="Synthetic Academy")
    AllocationFactory(person=child, worker=school, purpose="Designated safeguarding lead")
    Episode.objects.filter(pk=episode.pk).update(what_the_family_wants="Help with the rent.")
    assessment = _start(practitioner, episode)

    page = _page(client.get(_url(assessment)))

    for member in episode.members.select_related("person"):
        assert member.person.full_name in page
    assert episode.household.name in page
    assert "12 Synthetic Road" in page and "LU4 9ZZ" in page
    assert "Designated safeguarding lead" in page and school.get_full_name() in page
    assert "Help with the rent." in page


def test_a_partner_leading_early_help_is_told_a_refuge_address_is_withheld_not_where(
    client, sign_in
):
    school = sign_in(Role.PARTNER)
    episode = open_episode(school, now=timezone.now())
    child = episode.members.filter(role="child").first().person
    AddressFactory(person=child, line_1="7 Sanctuary Lane", postcode="LU2 7AA", valid_to=None,
                   withheld="refuge")  # fmt: skip
    assessment = _start(school, episode)

    page = _page(client.get(_url(assessment)))

    assert child.full_name in page
    assert "Withheld: a refuge (only council staff may see it)" in page
    assert "Sanctuary" not in page and "LU2 7AA" not in page


def test_the_page_shows_what_the_front_door_heard(client, practitioner, episode):
    contact = submit(worker_with_role(Role.PARTNER), now=timezone.now())
    contact.handover_summary = "Known to the school nurse since September."
    contact.save(update_fields=["handover_summary"])
    Episode.objects.filter(pk=episode.pk).update(contact=contact)
    assessment = _start(practitioner, episode)

    page = _page(client.get(_url(assessment)))

    assert contact.what_happened in page
    assert "Known to the school nurse since September." in page


# --- Drafts -----------------------------------------------------------------------------------


def test_a_draft_saves_and_keeps_what_was_typed(client, practitioner, episode):
    assessment = _start(practitioner, episode)

    response = client.post(
        _url(assessment),
        _answers(assessment.version, action="save", family_agreed=None, agreed_by=None),
    )

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.family_story == STORY
    assert assessment.factors.get(code="housing").evidence == EVIDENCE
    page = _page(client.get(_url(assessment)))
    assert STORY in page and EVIDENCE in page
    assert 'value="moderate" checked' in page
    saved = AuditEvent.objects.filter(object_id=str(assessment.pk), action="update").get()
    assert "family_story" in saved.detail["changed"]
    assert "housing.evidence" in saved.detail["changed"]
    assert STORY not in str(saved.detail) and EVIDENCE not in str(saved.detail)


def test_a_draft_refuses_an_answer_that_is_not_a_choice(practitioner, episode):
    assessment = _start(practitioner, episode)
    data = _form_data(assessment.version)
    data["factors"]["housing"]["severity"] = "catastrophic"

    with pytest.raises(DomainError):
        assessment_save_draft(
            assessment_id=assessment.pk,
            version=assessment.version,
            data=data,
            acting_user=practitioner,
            now=timezone.now(),
        )
    assert not assessment.factors.filter(code="housing", evidence=EVIDENCE).exists()


def test_autosave_saves_and_answers_with_the_new_version(client, practitioner, episode):
    assessment = _start(practitioner, episode)

    response = client.post(
        _url(assessment, "earlyhelp:assessment-autosave"),
        _answers(assessment.version),
        HTTP_X_REQUESTED_WITH="fetch",
    )

    assert response.status_code == 200
    assessment.refresh_from_db()
    assert response.json()["version"] == assessment.version == 2
    assert response.json()["saved_at"] == timezone.localtime(assessment.last_saved_at).strftime(
        "%H:%M"
    )
    assert assessment.family_story == STORY


def test_a_stale_autosave_gets_409_and_changes_nothing(client, practitioner, episode):
    assessment = _start(practitioner, episode)
    colleague = worker_with_role(Role.EARLY_HELP)
    assessment_save_draft(
        assessment_id=assessment.pk,
        version=assessment.version,
        data={"family_story": "Typed by a colleague."},
        acting_user=colleague,
        now=timezone.now(),
    )

    response = client.post(
        _url(assessment, "earlyhelp:assessment-autosave"), _answers(assessment.version)
    )

    assert response.status_code == 409
    assert "someone else saved" in response.json()["message"]
    assessment.refresh_from_db()
    assert assessment.family_story == "Typed by a colleague."
    assert assessment.last_saved_by == colleague
    assert not assessment.factors.filter(code="housing").exists()


def test_a_stale_save_keeps_what_was_typed_on_the_page(client, practitioner, episode):
    assessment = _start(practitioner, episode)
    assessment_save_draft(
        assessment_id=assessment.pk,
        version=assessment.version,
        data={"family_story": "Typed by a colleague."},
        acting_user=worker_with_role(Role.EARLY_HELP),
        now=timezone.now(),
    )

    response = client.post(_url(assessment), _answers(assessment.version, action="save"))

    page = _page(response)
    assert response.status_code == 200
    assert "Someone else changed this assessment" in page
    assert STORY in page
    assessment.refresh_from_db()
    assert f'name="version" value="{assessment.version}"' in page


def test_starting_twice_gives_the_draft_already_open(practitioner, episode):
    first = _start(practitioner, episode)
    second = _start(worker_with_role(Role.EARLY_HELP), episode)

    assert second == first
    assert episode.assessments.count() == 1


# --- Completion -------------------------------------------------------------------------------


def test_completion_is_refused_with_every_problem_at_once(client, practitioner, episode):
    Episode.objects.filter(pk=episode.pk).update(
        consent_given_by="", consent_given_on=None, lead_professional=None
    )
    assessment = _start(practitioner, episode)

    response = client.post(
        _url(assessment),
        _answers(
            assessment.version,
            action="complete",
            family_agreed=None,
            agreed_by=None,
            **{"housing-severity": None, "housing-practitioner_score": None},
        ),
    )

    page = _page(response)
    assert response.status_code == 200
    assert "Record the family's consent to early help" in page
    assert "Name a lead professional" in page
    assert "Record that the family agrees" in page
    assert "Say how serious “Unstable or unsuitable housing” is." in page
    assert "Give your score for “Unstable or unsuitable housing” at the start" in page
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    # What was typed is kept as the draft, and the page carries the version it made.
    assert assessment.family_story == STORY
    assert f'name="version" value="{assessment.version}"' in page
    assert not Score.objects.filter(episode=episode).exists()


def test_completion_names_a_missing_consent_and_lead_professional(practitioner, episode):
    Episode.objects.filter(pk=episode.pk).update(
        consent_given_by="", consent_given_on=None, lead_professional=None
    )
    assessment = _start(practitioner, episode)

    with pytest.raises(CompletionRefused) as refused:
        assessment_complete(
            assessment_id=assessment.pk,
            version=assessment.version,
            data=_form_data(assessment.version),
            start_scores={"housing": (4, 3)},
            acting_user=practitioner,
            now=timezone.now(),
        )

    assert set(refused.value.problems) == {"consent", "lead_professional"}
    assert "Record consent" in refused.value.problems["consent"]
    assert "Change lead professional" in refused.value.problems["lead_professional"]


def test_completion_records_start_scores_and_the_next_review(client, practitioner, episode):
    assessment = _start(practitioner, episode)

    response = client.post(_url(assessment), _answers(assessment.version, action="complete"))

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETE
    assert assessment.completed_by == practitioner
    score = Score.objects.get(episode=episode)
    assert (score.need, score.review, score.family_score, score.practitioner_score) == (
        "housing",
        None,
        4,
        3,
    )
    today = today_in_london(timezone.now())
    episode.refresh_from_db()
    assert episode.next_review_on == today + timedelta(weeks=episode.review_every_weeks)
    assert (
        ChronologyEntry.objects.filter(
            summary="Early help assessment completed: 1 need, 1 strength"
        ).count()
        == episode.members.count()
    )


def test_a_completed_assessment_cannot_be_changed(client, practitioner, episode):
    assessment = _start(practitioner, episode)
    client.post(_url(assessment), _answers(assessment.version, action="complete"))
    assessment.refresh_from_db()

    with pytest.raises(DomainError):
        assessment_save_draft(
            assessment_id=assessment.pk,
            version=assessment.version,
            data={"family_story": "Changed afterwards."},
            acting_user=practitioner,
            now=timezone.now(),
        )
    posted = client.post(
        _url(assessment), _answers(assessment.version, action="save", family_story="Changed.")
    )
    autosaved = client.post(
        _url(assessment, "earlyhelp:assessment-autosave"),
        _answers(assessment.version, family_story="Changed."),
    )

    assert posted.status_code == 302
    assert autosaved.status_code == 409
    assessment.refresh_from_db()
    assert assessment.family_story == STORY
    page = _page(client.get(_url(assessment)))
    assert "Completed on" in page and "cannot be changed" in page
    assert "<textarea" not in page


def test_a_reassessment_starts_from_the_latest_completed_one(client, practitioner, episode):
    first = _start(practitioner, episode)
    client.post(_url(first), _answers(first.version, action="complete"))

    again = _start(practitioner, episode, now=timezone.now() + timedelta(days=90))

    assert again != first
    housing = again.factors.get(code="housing")
    assert (housing.presence, housing.severity, housing.evidence) == ("yes", "moderate", EVIDENCE)
    assert again.factors.get(code="bullying").presence == "no"
    assert again.family_story == ""
    assert prefill_factors(episode)["housing"] == "yes"
    page = _page(client.get(_url(again)))
    assert "start from the assessment completed on" in page
    # Housing was scored when the episode began: distance travelled keeps that start.
    assert "Scored at the start on" in page
    assert 'name="housing-practitioner_score"' not in page


# --- Access -----------------------------------------------------------------------------------


def test_a_partner_from_another_agency_gets_404(client, practitioner, episode):
    assessment = _start(practitioner, episode)
    outsider = worker_with_role(Role.PARTNER, agency_name="Another Synthetic School")
    client.force_login(outsider)

    assert client.get(_url(assessment)).status_code == 404
    assert client.post(_url(assessment), _answers(1, action="save")).status_code == 404
    assert (
        client.post(_url(assessment, "earlyhelp:assessment-autosave"), _answers(1)).status_code
        == 404
    )
    start = reverse("earlyhelp:assessment-start", args=[episode.pk])
    assert client.post(start, {"form_token": new_form_token()}).status_code == 404
    assessment.refresh_from_db()
    assert assessment.version == 1


def test_the_partner_working_with_the_family_completes_it(client, sign_in):
    school = sign_in(Role.PARTNER)
    episode = open_episode(school, now=timezone.now())
    start = reverse("earlyhelp:assessment-start", args=[episode.pk])

    response = client.post(start, {"form_token": new_form_token()})
    assessment = episode.assessments.get()
    assert response.url == _url(assessment)
    response = client.post(_url(assessment), _answers(assessment.version, action="complete"))

    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.COMPLETE


def test_an_assessment_of_another_episode_is_not_found(client, practitioner, episode):
    other = open_episode(practitioner, now=timezone.now())
    assessment = _start(practitioner, other)

    url = reverse("earlyhelp:assessment", args=[episode.pk, assessment.pk])

    assert client.get(url).status_code == 404


# --- The page itself --------------------------------------------------------------------------


class _Markup(HTMLParser):
    """Collects the form controls, labels, and the radios outside a fieldset with a legend."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.loose_radios = [], set(), []
        self.fieldsets = []  # one [has legend] per open fieldset

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self.fieldsets.append([False])
        elif tag == "legend" and self.fieldsets:
            self.fieldsets[-1][0] = True
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit"):
                return
            self.controls.append(attrs.get("id"))
            if attrs.get("type") == "radio" and not (self.fieldsets and self.fieldsets[-1][0]):
                self.loose_radios.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()


def test_the_form_labels_every_answer_and_groups_every_set_of_radios(client, practitioner, episode):
    assessment = _start(practitioner, episode)

    response = client.get(_url(assessment))

    assert response.status_code == 200
    markup = _Markup()
    markup.feed(response.content.decode())
    assert len(markup.controls) > 100
    assert None not in markup.controls
    assert [c for c in markup.controls if c not in markup.labels] == []
    assert markup.loose_radios == []
    page = response.content.decode()
    assert "onestory/autosave.mjs" in page and "<script>" not in page and "style=" not in page


def _section(worker, episode) -> str:
    now = timezone.now()
    access = access_episode_by_id(worker, episode.pk, now=now)
    return unescape(
        render_to_string(
            "earlyhelp/includes/assessment_section.html",
            {
                "access": access,
                "episode": access.episode,
                "user": worker,
                "today": today_in_london(now),
                "members": visible_members(worker, episode, now=now),
            },
        )
    )


def test_the_episode_page_section_offers_only_what_the_worker_may_do(client, practitioner, episode):
    assert "Start the assessment" in _section(practitioner, episode)

    assessment = _start(practitioner, episode)
    section = _section(practitioner, episode)
    assert "Continue the assessment" in section and "Start the" not in section

    client.post(_url(assessment), _answers(assessment.version, action="complete"))
    section = _section(practitioner, episode)
    assert "View the assessment" in section
    assert "Unstable or unsuitable housing" in section
    assert "Moderate" in section
    assert "Start a new assessment" in section

    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.CLOSED)
    section = _section(practitioner, episode)
    assert "View the assessment" in section and "Start a new" not in section


def test_a_stale_complete_in_the_action_raises_stale_edit(practitioner, episode):
    assessment = _start(practitioner, episode)

    with pytest.raises(StaleEdit):
        assessment_complete(
            assessment_id=assessment.pk,
            version=assessment.version + 1,
            data=_form_data(assessment.version),
            start_scores={"housing": (4, 3)},
            acting_user=practitioner,
            now=timezone.now(),
        )


def test_a_worker_who_sees_the_family_but_does_not_work_with_it_reads_the_draft(
    client, practitioner, episode
):
    assessment = _start(practitioner, episode)
    assessment_save_draft(
        assessment_id=assessment.pk,
        version=assessment.version,
        data={"family_story": STORY},
        acting_user=practitioner,
        now=timezone.now(),
    )
    social_worker = worker_with_role(Role.SOCIAL_WORKER)
    for member in episode.members.all():
        AllocationFactory(person=member.person, worker=social_worker)
    client.force_login(social_worker)

    page = _page(client.get(_url(assessment)))

    assert STORY in page and "<textarea" not in page
    assert client.post(_url(assessment), _answers(2, action="save")).status_code == 404
    assert "Start the assessment" not in _section(social_worker, episode)


def test_a_childs_pathway_flag_starts_the_assessment_as_a_local_risk():
    at = timezone.now()
    school = worker_with_role(Role.PARTNER)
    episode = open_episode(school, now=at)
    child = episode.members.get(role="child").person
    PathwayFlag.objects.create(
        person=child,
        pathway="exploitation",
        raised_on=today_in_london(at) - timedelta(days=3),
        raised_by=worker_with_role(Role.SOCIAL_WORKER),
        reason="Seen with older men at the station.",
    )
    assessment = _start(school, episode, now=at)
    factor = assessment.factors.get(code="exploitation")
    assert factor.presence == "yes" and factor.person == child
    assert "flag on the record since" in factor.evidence
