"""A decision that refers a child to social care warns the screener, after it is saved, when the
children in need census will query what the record holds about the child."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.frontdoor import actions
from onestory.frontdoor.models import Referral
from onestory.frontdoor.tests.factories import submit
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

pytestmark = pytest.mark.django_db


def _warnings(response) -> list[str]:
    return [m.message for m in response.context["messages"] if m.level_tag == "warning"]


def _refer(client, screener, child):
    contact = submit(
        worker_with_role(Role.PARTNER),
        now=timezone.now(),
        people=[
            {"role": "child", "given_name": child.given_name, "family_name": child.family_name}
        ],
    )
    actions.contact_person_link(
        contact_person_id=contact.people.get().pk,
        person_id=child.pk,
        acting_user=screener,
        now=timezone.now(),
    )
    contact.refresh_from_db()
    team = TeamFactory(kind=Team.Kind.SOCIAL_WORK)
    return client.post(
        reverse("frontdoor:contact-decide", args=[contact.pk]),
        {
            "version": contact.version,
            "outcome": "referral",
            "level": "4",
            "rationale": "Bruising seen at school twice this month; father's drinking is worse.",
            "referral_source": "2A",
            "primary_need": "N1",
            "social_work_team": str(team.pk),
        },
        follow=True,
    )


def test_referring_a_school_age_child_without_a_upn_warns_of_the_census_query(client, sign_in):
    screener = sign_in(Role.FRONT_DOOR)
    child = PersonFactory(given_name="Tilly", family_name="Brennan", date_of_birth=date(2015, 3, 2))
    child.upn = ""
    child.save()
    response = _refer(client, screener, child)
    assert Referral.objects.filter(person=child).exists()
    [warning] = _warnings(response)
    assert warning.startswith("Children in need census, Tilly Brennan: the child is of school age")
    assert "(rule 8770Q)" in warning


def test_referring_a_child_the_census_accepts_warns_of_nothing(client, sign_in):
    screener = sign_in(Role.FRONT_DOOR)
    child = PersonFactory(date_of_birth=date(2015, 3, 2), upn="H821201300012")
    response = _refer(client, screener, child)
    assert Referral.objects.filter(person=child).exists()
    assert _warnings(response) == []
