"""Every view declares who may reach it. A URL whose view declares nothing fails the test suite.

Rules:
- "public": anyone, signed in or not (sign-in page only).
- "second_factor": a worker who has signed in with a password but not yet with their second
  factor (the second-factor page only; it sends everyone else to sign in).
- "signed_in": any signed-in worker; the view shows only what selectors scope to them.
- "person": the view opens one person's record through access_person_by_id (404 otherwise).
- "household": the view opens one household through access_household_by_id.
- "roles:<a>,<b>": only workers with one of these roles; anyone else gets 404.

"person" and "household" may also name roles (`access_rule("person", roles=...)`): workers with
other roles get the same 404 before the view runs, whatever record they ask for.
"""

from collections.abc import Iterable
from functools import wraps

from django.http import Http404

from onestory.workforce.rules import Role

RULES = frozenset({"public", "second_factor", "signed_in", "person", "household"})


def _guard(view, allowed: frozenset):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated or request.user.role not in allowed:
            raise Http404("No page found")
        return view(request, *args, **kwargs)

    return guarded


def access_rule(rule: str, *, roles: Iterable[Role] | None = None):
    """Declare the access rule of a view function or class (DRF views included)."""
    if rule.startswith("roles:"):
        if roles is not None:
            raise ValueError("Name the roles once: either 'roles:a,b' or roles=...")
        roles = [Role(r) for r in rule.removeprefix("roles:").split(",")]
    elif rule not in RULES:
        raise ValueError(f"Unknown access rule {rule!r}")
    allowed = frozenset(Role(r) for r in roles) if roles is not None else None

    def decorate(view):
        if isinstance(view, type):
            # A class-based view: the rule is read by rule_of; role guards belong in the class.
            if allowed is not None:
                raise ValueError("Use roles=... on view functions; guard classes themselves")
            view.access_rule = rule
            return view
        target = _guard(view, allowed) if allowed is not None else view
        target.access_rule = rule
        target.allowed_roles = allowed
        return target

    return decorate


def rule_of(view) -> str | None:
    """The rule a resolved view declared, or None. Understands Django and DRF class views."""
    if getattr(view, "access_rule", None):
        return view.access_rule
    for attribute in ("view_class", "cls"):
        target = getattr(view, attribute, None)
        if target is not None and getattr(target, "access_rule", None):
            return target.access_rule
    return None


def allowed_roles_of(view) -> frozenset | None:
    """The roles a view is limited to, or None when any signed-in role may reach it."""
    return getattr(view, "allowed_roles", None)
