"""Family hub things shown on other services' pages, which may not import family hubs: the
referrals to services made from an early help episode or a front-door contact, with the link to
make one. `{% load familyhubs %}` in the template, then the tag."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from onestory.core.clock import now
from onestory.earlyhelp.actions.common import may_work_on
from onestory.earlyhelp.models import Episode
from onestory.frontdoor.actions import may_screen

from .. import selectors_referrals as selectors

register = template.Library()


def _create_url(**query) -> str:
    return f"{reverse('familyhubs:referral-create')}?{urlencode(query)}"


@register.inclusion_tag("familyhubs/referrals/episode_section.html")
def episode_service_referrals(episode: Episode, user):
    """An early help episode's referrals to services, and "Refer to a service" for those who
    may work on the open episode. The episode page has already audited its members."""
    may_refer = (
        getattr(user, "role", None) in selectors.REFERRING_ROLES
        and episode.status == Episode.Status.OPEN
        and may_work_on(user, episode)
    )
    return {
        "rows": selectors.referrals_from_episode(user, episode, now=now()),
        "create_url": _create_url(episode=str(episode.pk)) if may_refer else "",
    }


@register.inclusion_tag("familyhubs/referrals/contact_section.html")
def contact_service_referrals(contact, user):
    """A front-door contact's referrals to services, and "Refer to a service" for screeners once
    the contact is decided as no further action (signposting) or early help."""
    may_refer = may_screen(user) and selectors.refers_from_contact(contact)
    rows = selectors.referrals_from_contact(user, contact, now=now())
    return {
        "rows": rows,
        "shown": bool(rows) or may_refer,
        "create_url": _create_url(contact=str(contact.pk)) if may_refer else "",
    }
