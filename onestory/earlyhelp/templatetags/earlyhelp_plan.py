"""The plan section of the episode page: Team Around the Family meetings, the action plan,
reviews and distance travelled, drawn as a small chart with the same figures in a table."""

from dataclasses import dataclass

from django import template

from onestory.earlyhelp import selectors_plan
from onestory.earlyhelp.models import Episode, PlanAction

register = template.Library()

# The chart's drawing area, in the SVG's own units (it scales to the column's width).
WIDTH, HEIGHT = 400, 225
LEFT, RIGHT, TOP, BOTTOM = 34, 16, 12, 160
# Room either side of the first and last marks for the dates written under them.
INSET = 24
LOWEST, HIGHEST = 1, 10
STATUS_TAGS = {
    PlanAction.Status.NOT_STARTED: "govuk-tag--grey",
    PlanAction.Status.IN_PROGRESS: "govuk-tag--blue",
    PlanAction.Status.DONE: "govuk-tag--green",
    PlanAction.Status.STOPPED: "govuk-tag--grey",
}


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass
class Mark:
    x: float
    y: float
    score: int
    label: str

    @property
    def cx(self) -> str:
        return _n(self.x)

    @property
    def cy(self) -> str:
        return _n(self.y)

    @property
    def corner_x(self) -> str:
        return _n(self.x - 5)

    @property
    def corner_y(self) -> str:
        return _n(self.y - 5)


@dataclass
class Chart:
    """A chart's marks and lines, every number ready to write into the SVG."""

    slug: str
    title: str
    summary: str
    ticks: list  # (y, score)
    columns: list  # (x, label)
    practitioner: list[Mark]
    family: list[Mark]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    tick_x: int = LEFT - 8
    label_y: int = BOTTOM + 18
    key_y: int = HEIGHT - 14
    key_text_y: int = HEIGHT - 10

    @property
    def practitioner_line(self) -> str:
        return " ".join(f"{m.cx},{m.cy}" for m in self.practitioner)

    @property
    def family_line(self) -> str:
        return " ".join(f"{m.cx},{m.cy}" for m in self.family)

    @property
    def key(self) -> dict:
        """Where the key to the two lines sits, under the chart."""
        return {
            "practitioner": (LEFT, LEFT + 24, LEFT + 30),
            "family": (LEFT + 130, LEFT + 154, LEFT + 160),
        }


def _y(score: int) -> float:
    return TOP + (HIGHEST - score) * (BOTTOM - TOP) / (HIGHEST - LOWEST)


def _x(index: int, count: int) -> float:
    inner = WIDTH - RIGHT - LEFT - 2 * INSET
    if count <= 1:
        return LEFT + INSET + inner / 2
    return LEFT + INSET + index * inner / (count - 1)


def _when(point) -> str:
    return "the start" if point.label == "Start" else f"the review of {point.day:%-d %B %Y}"


def _said(points, attribute: str, whose: str) -> str:
    scored = [(_when(p), getattr(p, attribute)) for p in points if getattr(p, attribute)]
    if not scored:
        return f"No score from {whose}."
    return f"Scores from {whose}: " + ", ".join(f"{s} at {w}" for w, s in scored) + "."


def chart_of(need: selectors_plan.NeedDistance) -> Chart:
    """Where each score sits on a 1 to 10 chart, start on the left, latest review on the right,
    and the same in words for people who cannot see it."""
    count = len(need.points)
    columns, practitioner, family = [], [], []
    for index, point in enumerate(need.points):
        x = _x(index, count)
        short = "Start" if point.label == "Start" else f"{point.day:%-d %b}"
        columns.append((_n(x), short))
        when = _when(point)
        practitioner.append(Mark(x, _y(point.practitioner), point.practitioner, when))
        if point.family:
            family.append(Mark(x, _y(point.family), point.family, when))
    summary = " ".join(
        [
            f"Distance travelled on {need.label}, scored from 1 (worst) to 10 (best).",
            _said(need.points, "practitioner", "the practitioner"),
            _said(need.points, "family", "the family"),
        ]
    )
    return Chart(
        slug=need.code.replace("_", "-"),
        title=f"Distance travelled: {need.label}",
        summary=summary,
        ticks=[(_n(_y(s)), s) for s in (1, 5, 10)],
        columns=columns,
        practitioner=practitioner,
        family=family,
    )


@register.inclusion_tag("earlyhelp/plan/section.html")
def plan_section(access, episode: Episode, user, today, members):
    """Everything the plan section shows, and which buttons this worker may use."""
    visible = {p.pk for p in members}
    distance = selectors_plan.distance_travelled(episode)
    return {
        "episode": episode,
        "today": today,
        "may_change": bool(access.may_work_on) and episode.status == Episode.Status.OPEN,
        "meetings": selectors_plan.meetings_of(episode),
        "rows": selectors_plan.plan_rows(episode, today, visible_people=visible),
        "reviews": selectors_plan.reviews_of(episode),
        "review_overdue": selectors_plan.review_overdue(episode, today),
        "distance": [(need, chart_of(need)) for need in distance],
    }


@register.filter
def status_tag(plan_action: PlanAction) -> str:
    return STATUS_TAGS.get(plan_action.status, "govuk-tag--grey")


@register.filter
def signed(value) -> str:
    """A change in points, with its sign: +2, 0, -1 (and "not scored" without two scores)."""
    if value is None:
        return "not scored"
    return f"+{value}" if value > 0 else str(value)
