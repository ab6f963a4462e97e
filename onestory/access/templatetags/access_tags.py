"""Template helpers for the access links shown beside a record."""

from django import template
from django.urls import reverse

from onestory.workforce.rules import (
    MAY_BREAK_THE_GLASS,
    MAY_GRANT_ACCESS,
    MAY_READ_ACCESS_LOG,
    MAY_RECORD_CONSENT,
    MAY_RESTRICT_RECORDS,
)

register = template.Library()


@register.simple_tag
def access_links(person, user) -> list[dict]:
    """The access pages this worker's role may use for this record, as label/url pairs.

    Each page checks access again itself; this only decides which links are worth showing.
    """
    if person is None or not getattr(user, "is_authenticated", False):
        return []
    role = user.role
    links = []
    if role in MAY_RECORD_CONSENT:
        links.append(("Consent to share", "access:consent"))
    if role in MAY_GRANT_ACCESS:
        links.append(("Give someone access", "access:grant-access"))
    if role in MAY_RESTRICT_RECORDS:
        links.append(("Restrict this record", "access:restriction"))
    if role in MAY_READ_ACCESS_LOG:
        links.append(("Access log", "access:person-access-log"))
    return [{"label": label, "url": reverse(name, args=[person.pk])} for label, name in links]


@register.simple_tag
def may_break_the_glass(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in MAY_BREAK_THE_GLASS
