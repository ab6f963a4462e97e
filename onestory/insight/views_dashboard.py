"""The performance hub's dashboards. For performance analysts and team managers."""

from django.shortcuts import render

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.workforce.rules import Role

from . import measures
from .rules import Period

ROLES = (Role.ANALYST, Role.TEAM_MANAGER)
RULE = "roles:" + ",".join(r.value for r in ROLES)


@access_rule(RULE)
def dashboard(request):
    """The headline measures for the year ending today."""
    period = Period.year_ending(today_in_london(now()))
    return render(
        request,
        "insight/dashboard.html",
        {"period": period, "results": measures.compute(period)},
    )
