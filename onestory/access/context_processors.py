"""The navigation a worker sees depends on their role."""

from django.urls import reverse

from onestory.workforce.rules import (
    CASE_ROLES,
    MAY_CREATE_PEOPLE,
    MAY_RESOLVE_DUPLICATES,
    SEES_IDENTIFYING_DETAILS_OF_ALL,
    Role,
)

from .middleware import current_route_name, needs_second_factor


def navigation(request):
    """Links to the pages this worker's role may use; none until a needed second factor is in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or needs_second_factor(request):
        return {"nav_items": []}
    items = [("Home", "access:home")]
    if user.role in (Role.FRONT_DOOR, Role.TEAM_MANAGER):
        items.append(("Front door", "frontdoor:queue"))
    if user.role == Role.FRONT_DOOR:
        items.append(("Record a contact", "frontdoor:request"))
    if user.role in (Role.PARTNER, Role.EARLY_HELP, Role.TEAM_MANAGER):
        items.append(("Early help", "earlyhelp:families"))
    if user.role in (Role.FAMILY_HUB, Role.TEAM_MANAGER):
        items.append(("Family hubs", "familyhubs:home"))
    if user.role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER):
        items.append(("My work", "socialcare:my-work"))
    if user.role == Role.TEAM_MANAGER:
        items.append(("Caseloads", "socialcare:caseloads"))
    if user.role in CASE_ROLES:
        items.append(("Contexts", "pathways:contexts"))
        items.append(("Service directory", "familyhubs:directory"))
        items.append(("Search notes and documents", "documents:search"))
    if user.role in (Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.TEAM_MANAGER):
        items.append(("Supervision", "recording:supervisions"))
    if user.role in (Role.FRONT_DOOR, Role.EARLY_HELP, Role.SOCIAL_WORKER, Role.TEAM_MANAGER):
        items.append(("Letters to approve", "documents:letter-approvals"))
    if user.role in (Role.TEAM_MANAGER, Role.ADMIN):
        items.append(("Letter templates", "documents:template-list"))
    if user.role in (Role.FRONT_DOOR, Role.EARLY_HELP, Role.PARTNER, Role.TEAM_MANAGER):
        items.append(("Referrals to services", "familyhubs:referrals"))
    if user.role in (Role.ANALYST, Role.TEAM_MANAGER):
        items.append(("Supporting Families", "earlyhelp:supporting-families"))
        items.append(("Returns", "returns:index"))
        items.append(("Performance", "insight:dashboard"))
    if user.role in (Role.PARTNER, Role.EARLY_HELP):
        items.append(("Request support", "frontdoor:request"))
        items.append(("My requests", "frontdoor:my-requests"))
    if user.role in CASE_ROLES or user.role in SEES_IDENTIFYING_DETAILS_OF_ALL:
        items.append(("Known to us?", "people:search"))
    if user.role in MAY_CREATE_PEOPLE:
        items.append(("Add a person", "people:person-create"))
    if user.role in MAY_RESOLVE_DUPLICATES:
        items.append(("Possible duplicates", "people:duplicates"))
    if user.role == Role.DATA_PROTECTION_OFFICER:
        items.append(("Unusual access", "access:unusual-access"))
        items.append(("Retention", "retention:schedule"))
        items.append(("Subject access requests", "sar:list"))
    if user.role == Role.ADMIN:
        items.append(("Workforce", "workforce:workers"))
    here = current_route_name(request)
    return {
        "nav_items": [
            {"label": label, "url": reverse(name), "active": here == name} for label, name in items
        ]
    }
