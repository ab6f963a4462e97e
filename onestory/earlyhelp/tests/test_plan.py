"""The Team Around the Family, the action plan, reviews with distance travelled, overdue
reminders and the council's review cadence — as the practitioners and managers using them."""

import io
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent, Notification
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.earlyhelp import actions as episodes
from onestory.earlyhelp.actions import plan
from onestory.earlyhelp.models import (
    Episode,
    Meeting,
    MeetingInvitee,
    PlanAction,
    Review,
    ReviewCadence,
    Score,
)
from onestory.earlyhelp.selectors import access_episode_by_id, visible_members
from onestory.earlyhelp.selectors_plan import overdue_for_lead
from onestory.people.models import ChronologyEntry
from onestory.workforce.models import Agency, Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import AgencyFactory, TeamFactory, worker_with_role

from .factories import open_episode

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return unescape(response.content.decode())


def _today():
    return today_in_london(timezone.now())


def _date(day) -> str:
    return day.strftime("%d/%m/%Y")


def _action(episode, worker, **changes) -> PlanAction:
    fields = {
        "episode_id": episode.pk,
        "need": "education",
        "action": "Walk to school together every morning",
        "success_looks_like": "Attendance above 95% for four weeks",
        "owner_worker": worker,
        "due_on": _today() + timedelta(days=14),
        "acting_user": worker,
        "now": timezone.now(),
    }
    fields.update(changes)
    return plan.action_add(**fields)


def _overdue(plan_action: PlanAction, days: int = 3) -> None:
    """Let time pass: the action's due date is `days` ago."""
    PlanAction.objects.filter(pk=plan_action.pk).update(due_on=_today() - timedelta(days=days))


# --- Team Around the Family meetings ---------------------------------------------------------


def test_a_meeting_is_recorded_with_attendance_by_agency(client, sign_in):
    practitioner = sign_in(Role.PARTNER)
    episode = open_episode(practitioner, now=timezone.now() - timedelta(hours=1))
    child, parent = (m.person for m in episode.members.order_by("role"))
    police = AgencyFactory(name="Bedfordshire Police")
    held_on = _today() - timedelta(days=1)

    response = client.post(
        reverse("earlyhelp:meeting-add", args=[episode.pk]),
        {
            "form_token": new_form_token(),
            "held_on": _date(held_on),
            "held_time": "10:00",
            "place": "The school",
            f"attendance_p{child.pk.hex}": "absent",
            f"attendance_p{parent.pk.hex}": "attended",
            f"attendance_w{practitioner.pk}": "attended",
            "others-TOTAL_FORMS": "2",
            "others-INITIAL_FORMS": "0",
            "others-0-name": "PC Dana Holt",
            "others-0-agency": str(police.pk),
            "others-0-attendance": "apologies",
            "others-1-name": "Sam Reed",
            "others-1-role": "Tenancy officer",
            "others-1-agency_name": "Leagrave Housing Co-operative",
            "others-1-attendance": "attended",
            "decisions": "Mother to attend the parenting course; school to set up a soft start.",
            "minutes": "Everyone agreed mornings are the hardest part of the day.",
        },
    )

    meeting = Meeting.objects.get(episode=episode)
    assert response.status_code == 302
    assert response["Location"] == reverse("earlyhelp:meeting", args=[episode.pk, meeting.pk])
    assert meeting.invitees.count() == 5
    typed = meeting.invitees.get(name="Sam Reed")
    assert typed.agency is None and "Leagrave Housing Co-operative" in typed.role
    assert not Agency.objects.filter(name__icontains="Leagrave").exists()
    for person in (child, parent):
        assert ChronologyEntry.objects.filter(
            person=person, source_type="earlyhelp.meeting", summary__contains="3 of 5"
        ).exists()
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), action="create").exists()

    page = _page(client.get(response["Location"]))
    assert "Attendance by agency" in page
    assert "Bedfordshire Police" in page and "Synthetic Primary School" in page
    assert "Mother to attend the parenting course" in page
    by_agency = page.split("Attendance by agency")[1].split("Who was invited")[0]
    assert by_agency.index("Family") < by_agency.index("Bedfordshire Police")


def test_a_meeting_with_no_decisions_is_refused_and_keeps_what_was_typed(client, sign_in):
    practitioner = sign_in(Role.PARTNER)
    episode = open_episode(practitioner, now=timezone.now() - timedelta(hours=1))

    response = client.post(
        reverse("earlyhelp:meeting-add", args=[episode.pk]),
        {
            "form_token": new_form_token(),
            "held_on": _date(_today()),
            "held_time": "09:00",
            f"attendance_w{practitioner.pk}": "attended",
            "others-TOTAL_FORMS": "2",
            "others-INITIAL_FORMS": "0",
            "decisions": "",
            "minutes": "Long discussion about bedtimes.",
        },
    )

    assert response.status_code == 200
    page = _page(response)
    assert "There is a problem" in page
    assert "Record what the meeting decided" in page
    assert "Long discussion about bedtimes." in page
    assert not Meeting.objects.exists()
    with pytest.raises(DetailsRefused) as refused:
        plan.meeting_record(
            episode_id=episode.pk,
            held_at=timezone.now() + timedelta(days=1),
            place="",
            decisions=" ",
            minutes="",
            invitees=[{"worker": practitioner.pk, "attendance": "apologies"}],
            acting_user=practitioner,
            now=timezone.now(),
        )
    assert set(refused.value.problems) == {"held_at", "decisions", "invitees"}


# --- The action plan -------------------------------------------------------------------------


def test_a_smart_action_is_refused_without_an_owner_or_a_due_date(client, sign_in):
    practitioner = sign_in(Role.PARTNER)
    episode = open_episode(practitioner, now=timezone.now() - timedelta(hours=1))

    with pytest.raises(DetailsRefused) as refused:
        _action(episode, practitioner, owner_worker=None, due_on=None)
    assert set(refused.value.problems) == {"owner", "due_on"}
    with pytest.raises(DetailsRefused) as refused:
        plan.action_add(
            episode_id=episode.pk,
            need="education",
            action="Read together at bedtime",
            success_looks_like="",
            owner_worker=practitioner,
            owner_agency=AgencyFactory(name="Bedfordshire Police"),
            due_on=_today() - timedelta(days=1),
            acting_user=practitioner,
            now=timezone.now(),
        )
    assert set(refused.value.problems) == {"owner", "due_on", "success_looks_like"}

    response = client.post(
        reverse("earlyhelp:action-add", args=[episode.pk]),
        {
            "form_token": new_form_token(),
            "need": "education",
            "action": "Walk to school together every morning",
            "success_looks_like": "Attendance above 95% for four weeks",
            "due_on": "",
        },
    )
    page = _page(response)
    assert response.status_code == 200
    assert "Enter the date the action is due." in page
    assert "Walk to school together every morning" in page
    assert not PlanAction.objects.exists()

    response = client.post(
        reverse("earlyhelp:action-add", args=[episode.pk]),
        {
            "form_token": new_form_token(),
            "need": "education",
            "action": "Walk to school together every morning",
            "success_looks_like": "Attendance above 95% for four weeks",
            "due_on": _date(_today() + timedelta(days=7)),
        },
    )
    assert "Choose who owns the action" in _page(response)

    response = client.post(
        reverse("earlyhelp:action-add", args=[episode.pk]),
        {
            "form_token": new_form_token(),
            "need": "education",
            "action": "Walk to school together every morning",
            "success_looks_like": "Attendance above 95% for four weeks",
            "owner_family_member": str(episode.members.filter(role="adult").get().person_id),
            "due_on": _date(_today() + timedelta(days=7)),
        },
    )
    assert response.status_code == 302
    added = PlanAction.objects.get()
    assert added.owner_family_member_id and added.status == PlanAction.Status.NOT_STARTED


def test_an_action_update_on_top_of_someone_elses_is_refused_and_keeps_the_input(client, sign_in):
    practitioner = sign_in(Role.PARTNER)
    episode = open_episode(practitioner, now=timezone.now() - timedelta(hours=1))
    item = _action(episode, practitioner)
    opened_at_version = item.version
    plan.action_update(
        action_id=item.pk,
        version=item.version,
        status="in_progress",
        due_on=item.due_on,
        acting_user=practitioner,
        now=timezone.now(),
    )

    with pytest.raises(StaleEdit):
        plan.action_update(
            action_id=item.pk,
            version=opened_at_version,
            status="done",
            due_on=item.due_on,
            acting_user=practitioner,
            now=timezone.now(),
        )
    response = client.post(
        reverse("earlyhelp:action-edit", args=[episode.pk, item.pk]),
        {
            "version": opened_at_version,
            "status": "done",
            "due_on": _date(item.due_on),
            "note": "Finished early: mum walked him in every day.",
        },
    )

    page = _page(response)
    assert response.status_code == 200
    assert "Someone else changed this action" in page
    assert "Finished early: mum walked him in every day." in page
    item.refresh_from_db()
    assert item.status == PlanAction.Status.IN_PROGRESS
    assert f'name="version" value="{item.version}"' in page  # a second save goes ahead

    response = client.post(
        reverse("earlyhelp:action-edit", args=[episode.pk, item.pk]),
        {"version": item.version, "status": "done", "due_on": _date(item.due_on), "note": ""},
    )
    item.refresh_from_db()
    assert response.status_code == 302
    assert item.status == PlanAction.Status.DONE and item.done_on == _today()


# --- Reviews and distance travelled ----------------------------------------------------------


def test_a_review_updates_the_plan_in_place_scores_needs_and_sets_the_next_review(client, sign_in):
    practitioner = sign_in(Role.PARTNER)
    opened = timezone.now() - timedelta(days=40)
    ReviewCadence.objects.create(weeks=4, valid_from=today_in_london(opened) - timedelta(days=1))
    episode = open_episode(practitioner, now=opened)
    assert episode.review_every_weeks == 4
    for need, family, score in (("education", 3, 2), ("housing", None, 4)):
        Score.objects.create(
            episode=episode,
            need=need,
            family_score=family,
            practitioner_score=score,
            scored_on=today_in_london(opened),
            recorded_by=practitioner,
        )
    walking = _action(
        episode, practitioner, now=opened, due_on=today_in_london(opened) + timedelta(days=10)
    )
    bidding = _action(
        episode,
        practitioner,
        need="housing",
        action="Register with the council's housing register",
        now=opened,
        due_on=today_in_london(opened) + timedelta(days=20),
    )
    episode.refresh_from_db()
    held_on = _today() - timedelta(days=1)
    new_due = _today() + timedelta(days=21)

    response = client.post(
        reverse("earlyhelp:review-add", args=[episode.pk]),
        {
            "version": episode.version,
            "form_token": new_form_token(),
            "held_on": _date(held_on),
            "what_has_changed": "Attendance is up; the housing application is in.",
            "family_views": "Mum says mornings are calmer.",
            "practitioner_education": "6",
            "family_education": "7",
            "practitioner_housing": "5",
            "family_housing": "",
            f"status_{walking.pk}": "done",
            f"due_on_{walking.pk}": _date(walking.due_on),
            f"version_{walking.pk}": walking.version,
            f"status_{bidding.pk}": "in_progress",
            f"due_on_{bidding.pk}": _date(new_due),
            f"version_{bidding.pk}": bidding.version,
            "next_review_on": "",
        },
    )

    assert response.status_code == 302, _page(response)
    review = Review.objects.get(episode=episode)
    episode.refresh_from_db()
    walking.refresh_from_db()
    bidding.refresh_from_db()
    assert walking.status == PlanAction.Status.DONE and walking.done_on == held_on
    assert bidding.status == PlanAction.Status.IN_PROGRESS and bidding.due_on == new_due
    assert PlanAction.objects.filter(episode=episode).count() == 2  # updated, not copied
    assert dict(review.scores.values_list("need", "practitioner_score")) == {
        "education": 6,
        "housing": 5,
    }
    expected_next = held_on + timedelta(weeks=4)
    assert review.next_review_on == episode.next_review_on == expected_next

    access = access_episode_by_id(practitioner, episode.pk, now=timezone.now())
    section = unescape(
        render_to_string(
            "earlyhelp/includes/plan_section.html",
            {
                "access": access,
                "episode": episode,
                "user": practitioner,
                "today": _today(),
                "members": visible_members(practitioner, episode, now=timezone.now()),
            },
        )
    )
    assert "Distance travelled" in section
    assert 'role="img"' in section and "<title" in section and "style=" not in section
    assert "Scores for engagement in education" in section
    assert "practitioner +4; family +4" in section
    assert "Overdue" not in section


def test_a_review_needs_the_practitioners_score_for_every_need(sign_in):
    practitioner = sign_in(Role.PARTNER)
    episode = open_episode(practitioner, now=timezone.now() - timedelta(days=1))
    with pytest.raises(DetailsRefused) as refused:
        plan.review_record(
            episode_id=episode.pk,
            version=episode.version,
            held_on=_today() + timedelta(days=1),
            what_has_changed="",
            scores={"education": (5, None), "housing": (11, 4)},
            action_updates={},
            acting_user=practitioner,
            now=timezone.now(),
        )
    assert {"held_on", "what_has_changed", "practitioner_education", "family_housing"} <= set(
        refused.value.problems
    )


# --- The council's review cadence ------------------------------------------------------------


def test_the_council_changes_the_cadence_and_a_new_episode_takes_it(client):
    manager = worker_with_role(Role.TEAM_MANAGER, team=TeamFactory(kind=Team.Kind.EARLY_HELP))
    client.force_login(manager)
    before = open_episode(worker_with_role(Role.EARLY_HELP), now=timezone.now())

    assert client.get(reverse("earlyhelp:settings")).status_code == 200
    response = client.post(
        reverse("earlyhelp:settings"), {"weeks": "4", "valid_from": _date(_today())}
    )

    assert response.status_code == 302
    cadence = ReviewCadence.objects.get(changed_by=manager)
    assert (cadence.weeks, cadence.valid_from) == (4, _today())
    assert AuditEvent.objects.filter(actor=manager, object_id=str(cadence.pk)).exists()
    after = open_episode(worker_with_role(Role.EARLY_HELP), now=timezone.now())
    assert after.review_every_weeks == 4
    before.refresh_from_db()
    assert before.review_every_weeks == 6
    assert "Every 4 weeks" in _page(client.get(reverse("earlyhelp:settings")))


def test_only_managers_of_early_help_change_the_cadence(client):
    social_work_manager = worker_with_role(Role.TEAM_MANAGER)
    client.force_login(social_work_manager)
    assert client.get(reverse("earlyhelp:settings")).status_code == 404
    client.force_login(worker_with_role(Role.EARLY_HELP))
    assert client.get(reverse("earlyhelp:settings")).status_code == 404
    with pytest.raises(DomainError):
        plan.cadence_change(
            weeks=4, valid_from=_today(), acting_user=social_work_manager, now=timezone.now()
        )
    assert not ReviewCadence.objects.filter(changed_by__isnull=False).exists()


# --- Overdue ---------------------------------------------------------------------------------


def test_reminders_tell_the_lead_professional_once_per_overdue_action(sign_in):
    lead = sign_in(Role.PARTNER)
    episode = open_episode(lead, now=timezone.now() - timedelta(days=30), given_name="Zebedee")
    late = [_action(episode, lead), _action(episode, lead, action="Book the GP appointment")]
    _action(episode, lead, due_on=_today() + timedelta(days=3))  # not due yet
    for item in late:
        _overdue(item)

    out = io.StringIO()
    call_command("earlyhelp_reminders", stdout=out)
    call_command("earlyhelp_reminders", stdout=io.StringIO())

    notes = Notification.objects.filter(recipient=lead)
    assert notes.count() == 2
    assert "Overdue actions notified: 2" in out.getvalue()
    assert all(episode.reference in n.message and "Zebedee" not in n.message for n in notes)
    assert overdue_for_lead(lead, _today()).actions == 2

    # A new due date that slips too is a new reminder.
    item = PlanAction.objects.get(pk=late[0].pk)
    plan.action_update(
        action_id=item.pk,
        version=item.version,
        status="in_progress",
        due_on=_today() + timedelta(days=2),
        acting_user=lead,
        now=timezone.now(),
    )
    sent = plan.overdue_reminders_send(now=timezone.now() + timedelta(days=5))
    assert sent.actions == 2  # the rescheduled one, and the third now past due
    assert Notification.objects.filter(recipient=lead).count() == 4


def test_an_overdue_review_is_flagged_and_told_once(sign_in):
    lead = sign_in(Role.PARTNER)
    episode = open_episode(lead, now=timezone.now() - timedelta(days=60))
    Episode.objects.filter(pk=episode.pk).update(next_review_on=_today() - timedelta(days=2))
    episode.refresh_from_db()

    first = plan.overdue_reminders_send(now=timezone.now())
    again = plan.overdue_reminders_send(now=timezone.now())

    assert (first.reviews, again.reviews) == (1, 0)
    assert overdue_for_lead(lead, _today()).reviews == 1
    access = access_episode_by_id(lead, episode.pk, now=timezone.now())
    section = render_to_string(
        "earlyhelp/includes/plan_section.html",
        {"access": access, "episode": episode, "user": lead, "today": _today(), "members": []},
    )
    assert "govuk-tag--red" in section and "Overdue" in section


# --- Who may see and change ------------------------------------------------------------------


def test_someone_from_another_agency_gets_404_on_every_page(client, sign_in):
    practitioner = worker_with_role(Role.PARTNER)
    episode = open_episode(practitioner, now=timezone.now() - timedelta(hours=1))
    item = _action(episode, practitioner)
    meeting = plan.meeting_record(
        episode_id=episode.pk,
        held_at=timezone.now() - timedelta(minutes=5),
        place="",
        decisions="Carry on with the plan.",
        minutes="",
        invitees=[{"worker": practitioner.pk, "attendance": "attended"}],
        acting_user=practitioner,
        now=timezone.now(),
    )
    sign_in(Role.PARTNER, agency_name="Another school")

    urls = [
        reverse("earlyhelp:meeting-add", args=[episode.pk]),
        reverse("earlyhelp:meeting", args=[episode.pk, meeting.pk]),
        reverse("earlyhelp:action-add", args=[episode.pk]),
        reverse("earlyhelp:action-edit", args=[episode.pk, item.pk]),
        reverse("earlyhelp:review-add", args=[episode.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert PlanAction.objects.count() == 1 and Meeting.objects.count() == 1


def test_a_closed_episode_cannot_change(client, sign_in):
    practitioner = sign_in(Role.EARLY_HELP)
    episode = open_episode(practitioner, now=timezone.now() - timedelta(hours=1))
    item = _action(episode, practitioner)
    episode.refresh_from_db()
    episodes.close_episode(
        episode_id=episode.pk,
        version=episode.version,
        reason="needs_met",
        summary="Attendance is back to normal and the family feel settled.",
        acting_user=practitioner,
        now=timezone.now(),
    )

    with pytest.raises(DomainError, match="closed"):
        _action(episode, practitioner)
    with pytest.raises(DomainError, match="closed"):
        plan.action_update(
            action_id=item.pk,
            version=item.version,
            status="done",
            due_on=item.due_on,
            acting_user=practitioner,
            now=timezone.now(),
        )
    response = client.get(reverse("earlyhelp:review-add", args=[episode.pk]))
    assert response.status_code == 302
    assert client.post(reverse("earlyhelp:action-add", args=[episode.pk]), {}).status_code == 302
    assert MeetingInvitee.objects.count() == 0 and PlanAction.objects.count() == 1
