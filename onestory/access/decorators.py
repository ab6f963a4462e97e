"""Every view declares who may reach it. A URL whose view declares nothing fails the test suite.

Rules:
- "public": anyone, signed in or not (sign-in page only).
- "signed_in": any signed-in worker; the view shows only what selectors scope to them.
- "person": the view opens one person's record through access_person_by_id (404 otherwise).
- "household": the view opens one household through access_household_by_id.
- "roles:<a>,<b>": only workers with one of these roles; anyone else gets 404.
"""

from functools import wraps

from django.http import Http404

from onestory.workforce.rules import Role


def access_rule(rule: str):
    def decorate(view):
        if rule.startswith("roles:"):
            allowed = {Role(r) for r in rule.removeprefix("roles:").split(",")}

            @wraps(view)
            def guarded(request, *args, **kwargs):
                if not request.user.is_authenticated or request.user.role not in allowed:
                    raise Http404("No page found")
                return view(request, *args, **kwargs)

            guarded.access_rule = rule
            guarded.allowed_roles = allowed
            return guarded
        view.access_rule = rule
        return view

    return decorate


def rule_of(view) -> str | None:
    target = getattr(view, "view_class", None) or view
    return getattr(view, "access_rule", None) or getattr(target, "access_rule", None)
