"""Referrals to services for tests: an early help family, a front-door contact decided as early
help, and referrals made through the actions a practitioner would use."""

from datetime import date, timedelta

from onestory.core.idempotency import new_form_token
from onestory.earlyhelp.tests.factories import open_episode
from onestory.familyhubs.actions import referrals as actions
from onestory.frontdoor import actions as frontdoor
from onestory.frontdoor.tests.factories import submit
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.models import Team
from onestory.workforce.tests.factories import TeamFactory

REASON = "Mum would like help with bedtimes and tantrums; she asked for a parenting group."


def early_help_family(lead, *, now, children: int = 2):
    """An open episode led by `lead` for a family of `children` children and one parent."""
    return open_episode(lead, now=now - timedelta(hours=1), children=children)


def children_of(episode):
    return [m.person for m in episode.members.filter(role="child").select_related("person")]


def decided_contact(screener, referrer, *, now, outcome: str = "early_help"):
    """A contact from `referrer` naming a child and a parent, both linked to records, decided by
    `screener` as early help (final at once) unless told otherwise."""
    contact = submit(referrer, now=now - timedelta(hours=3))
    child = PersonFactory(given_name="Amara", family_name="Okafor", date_of_birth=date(2019, 5, 4))
    parent = PersonFactory(given_name="Grace", family_name="Okafor", date_of_birth=date(1990, 1, 2))
    for named, person in zip(contact.people.order_by("position"), (child, parent), strict=True):
        frontdoor.contact_person_link(
            contact_person_id=named.pk,
            person_id=person.pk,
            acting_user=screener,
            now=now - timedelta(hours=2),
        )
    contact.refresh_from_db()
    values = {"outcome": outcome, "level": 2}
    if outcome == "early_help":
        values["early_help_team"] = TeamFactory(kind=Team.Kind.EARLY_HELP)
    else:
        values.update(level=1, signposting="Family hub stay and play")
    frontdoor.contact_decide(
        contact_id=contact.pk,
        version=contact.version,
        rationale="Parents asked for help with routines; no sign of significant harm.",
        referrer_message="The family will be offered help.",
        acting_user=screener,
        now=now - timedelta(hours=1),
        **values,
    )
    contact.refresh_from_db()
    return contact, child, parent


def refer(worker, service, *, now, episode=None, contact=None, people=None, **changes):
    """A referral made by `worker` from an episode or a contact (its children unless told)."""
    if people is None:
        people = (
            children_of(episode)
            if episode is not None
            else [n.person for n in contact.people.filter(role="child")]
        )
    values = {
        "service_id": service.pk,
        "people_ids": [p.pk for p in people],
        "reason": REASON,
        "episode_id": episode.pk if episode is not None else None,
        "contact_id": contact.pk if contact is not None else None,
        "form_token": new_form_token(),
        "acting_user": worker,
        "now": now,
    }
    values.update(changes)
    return actions.referral_create(**values)
