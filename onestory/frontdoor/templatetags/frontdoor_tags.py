"""How the front door shows its clocks."""

from datetime import timedelta

from django import template
from django.utils import dateformat

from onestory.core.rules import LONDON

register = template.Library()


@register.filter
def due_by(moment) -> str:
    """A due time in words: "15:30 on Monday 23 November 2026", or "the end of Monday 23
    November 2026" for a clock that runs out at midnight."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    if local.hour == 0 and local.minute == 0:
        return "the end of " + dateformat.format(local - timedelta(days=1), "l j F Y")
    return dateformat.format(local, "H:i") + " on " + dateformat.format(local, "l j F Y")
