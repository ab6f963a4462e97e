"""The front door: requests for support received, those that became referrals to children's
social care, referrals (as the children in need census counts them), re-referrals and referrals
that ended with no further action.

Contacts are counted as requests for support, whoever they name; referrals are the census's
CINdetails episodes, one per child referred, on records not merged into another.
"""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q

from onestory.core.clock import london_days
from onestory.frontdoor import rules as frontdoor_rules
from onestory.frontdoor.models import Contact, ContactPerson, Referral

from .base import Context, Figure, Measure, Unit
from .need import NUMERATOR, distinct_ids

GROUP = "Front door"


# Contacts --------------------------------------------------------------------------------------


def contacts_in(context: Context):
    """Requests for support received in the period. Rows an import of another system's census
    made to hang its referrals on are not requests anyone made, so they are left out."""
    start, end = london_days(context.period.start, context.period.end)
    return Contact.objects.filter(received_at__gte=start, received_at__lt=end).exclude(
        channel=Contact.Channel.IMPORTED
    )


def _led_to_referral():
    return Exists(Referral.objects.filter(contact=OuterRef("pk"), person__merged_into__isnull=True))


def _contact_counts(context: Context) -> dict:
    return context.cached(
        "contacts",
        # The condition goes in the filter itself: Django 5.2 leaves out of the inner query an
        # annotation only a FILTER clause reads, and SQLite then reads its name as a string.
        lambda: contacts_in(context).aggregate(
            total=Count("pk"), referred=Count("pk", filter=Q(_led_to_referral()))
        ),
    )


def _contacts(context: Context) -> Figure:
    return Figure(numerator=_contact_counts(context)["total"])


def _contacts_to_referral(context: Context) -> Figure:
    counts = _contact_counts(context)
    return Figure(numerator=counts["referred"], denominator=counts["total"])


def contact_children(context: Context, part: str | None = None):
    """The children named in the period's contacts (linked to a record not merged away); with
    part "numerator", only those in contacts that led to a referral."""
    contacts = contacts_in(context)
    if part == NUMERATOR:
        contacts = contacts.filter(_led_to_referral())
    return distinct_ids(
        ContactPerson.objects.filter(
            contact__in=contacts,
            role=ContactPerson.Role.CHILD,
            person__isnull=False,
            person__merged_into__isnull=True,
        )
    )


# Referrals -------------------------------------------------------------------------------------


def referrals_in(context: Context):
    """Referrals (census CINdetails) with a referral date in the period."""
    period = context.period
    return Referral.objects.filter(
        referral_date__gte=period.start,
        referral_date__lte=period.end,
        person__merged_into__isnull=True,
    )


def _referral_counts(context: Context) -> dict:
    return context.cached(
        "referrals",
        lambda: referrals_in(context).aggregate(
            total=Count("pk"), nfa=Count("pk", filter=Q(no_further_action=True))
        ),
    )


def _referrals(context: Context) -> Figure:
    return Figure(numerator=_referral_counts(context)["total"])


def _nfa(context: Context) -> Figure:
    counts = _referral_counts(context)
    return Figure(numerator=counts["nfa"], denominator=counts["total"])


def re_referral_ids(context: Context) -> tuple[set, int]:
    """(ids of the period's referrals that came within 12 months of the same child's previous
    referral, how many referrals the period had). One query: every referral of the period's
    children from 12 months before its start."""

    def compute():
        period = context.period
        since = frontdoor_rules.months_before(period.start, frontdoor_rules.RE_REFERRAL_MONTHS)
        rows = (
            Referral.objects.filter(
                person__in=referrals_in(context).values("person_id"),
                referral_date__gte=since,
                referral_date__lte=period.end,
            )
            .order_by("person_id", "referral_date", "created_at", "pk")
            .values_list("pk", "person_id", "referral_date")
        )
        earlier: dict = defaultdict(list)
        found, total = set(), 0
        for pk, person_id, day in rows:
            if period.contains(day):
                total += 1
                if frontdoor_rules.is_re_referral(day, earlier[person_id]):
                    found.add(pk)
            earlier[person_id].append(day)
        return found, total

    return context.cached("re_referrals", compute)


def _re_referrals(context: Context) -> Figure:
    found, total = re_referral_ids(context)
    return Figure(numerator=len(found), denominator=total)


def referral_children(context: Context, part: str | None = None):
    referrals = referrals_in(context)
    if part == NUMERATOR:
        referrals = referrals.filter(no_further_action=True)
    return distinct_ids(referrals)


def re_referral_children(context: Context, part: str | None = None):
    if part != NUMERATOR:
        return referral_children(context)
    found, _ = re_referral_ids(context)
    return distinct_ids(Referral.objects.filter(pk__in=list(found)))


MEASURES = (
    Measure(
        id="contacts",
        name="Contacts received",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Requests for support (contacts) received at the front door in the period, by the "
            "day they arrived (London time), from any channel including step-ups from early help "
            "and step-downs from social care. Each contact counts once, however many children it "
            "names. Contacts made by importing another system's census are left out. The DfE "
            "does not collect contacts; Ofsted's Annex A list 1 lists them."
        ),
        compute=_contacts,
        source="contacts",
        children=contact_children,
    ),
    Measure(
        id="contacts_to_referral",
        name="Contacts that became referrals",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "Of the contacts received in the period, the share that led to a referral to "
            "children's social care for at least one child (whenever the referral was made). "
            "A contact about several children counts once."
        ),
        compute=_contacts_to_referral,
        source="contacts",
        children=contact_children,
    ),
    Measure(
        id="referrals",
        name="Referrals",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Referrals to children's social care with a referral date in the period: the "
            "children in need census's referrals (CINreferralDate in the year), one for each "
            "child referred. Records merged into another child's are left out, as in the census."
        ),
        compute=_referrals,
        source="referrals",
        children=referral_children,
    ),
    Measure(
        id="re_referrals_12_months",
        name="Re-referrals within 12 months",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "Of the referrals in the period, the share made within 12 months of the same child's "
            "previous referral (on or after the same day 12 months before), as the DfE counts "
            "re-referrals from the children in need census. Referrals before the period count "
            "as previous referrals."
        ),
        compute=_re_referrals,
        source="referrals",
        children=re_referral_children,
    ),
    Measure(
        id="referrals_nfa_share",
        name="Referrals with no further action",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "Of the referrals in the period, the share that ended with no further action (the "
            "census's ReferralNFA: after the referral, no assessment or service followed). A "
            "value from 0 to 1."
        ),
        compute=_nfa,
        source="referrals",
        children=referral_children,
    ),
)
