"""The family hubs' reach page: the children and families who came to the hubs' sessions in a
period, by site, activity, ward (against the child population), age group and ethnic group,
first-time against returning, and families known to early help or social care. For performance
analysts and team managers, like the other performance pages; aggregates only."""

from onestory.access.decorators import access_rule
from onestory.core.clock import now

from . import selectors_reach
from .views_dashboard import RULE, _download, _page, _period


@access_rule(RULE)
def reach(request):
    """Family hubs' reach for the period (the year ending today unless asked), every table
    downloadable."""
    at = now()
    form, period = _period(request, at)
    if period is None:
        return _page(request, "insight/reach.html", form, None)
    page = selectors_reach.reach_page(period)
    download = _download(request, page.tables, at=at, period=period, page="family hubs' reach")
    if download is not None:
        return download
    return _page(request, "insight/reach.html", form, period, page=page.draw())
