"""Template helpers for the front door's links on other pages: step up and step down on a
child's record, and the strategy discussion on the contact page."""

from django import template
from django.urls import reverse

from onestory.core.clock import today_in_london
from onestory.frontdoor import actions, rules, selectors_steps

register = template.Library()


@register.simple_tag
def step_links(person, user, today=None) -> list[dict]:
    """Step up and step down, for a living child's record and the roles that may use them.

    Each page checks access again itself; this only decides which links are worth showing.
    """
    if person is None or not getattr(user, "is_authenticated", False):
        return []
    if person.date_of_death or not selectors_steps.is_child(person, today or today_in_london()):
        return []
    links = []
    if user.role in actions.STEP_UP_ROLES:
        links.append(("Step up to the front door", "frontdoor:step-up"))
    if user.role in actions.STEP_DOWN_ROLES:
        links.append(("Step down to early help", "frontdoor:step-down"))
    return [{"label": label, "url": reverse(name, args=[person.pk])} for label, name in links]


@register.simple_tag
def may_record_strategy_discussion(user, discussion, view) -> bool:
    return discussion is not None and selectors_steps.may_record_strategy_discussion(
        user, discussion, view
    )


@register.filter
def strategy_outcome(discussion) -> str:
    return rules.STRATEGY_OUTCOMES.get(discussion.outcome, discussion.outcome)


@register.filter
def strategy_agencies(discussion) -> str:
    return ", ".join(rules.STRATEGY_AGENCIES.get(a, a) for a in discussion.agencies_present)
