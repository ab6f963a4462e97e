"""Charts as SVG, drawn on the server (altair's Vega-Lite, rendered by vl-convert without a
browser): the same SVG goes in a page and in the board report's PDF.

Every chart is a picture of numbers shown beside it in a table (and downloadable), so the SVG is
marked as an image with a short description for screen readers; the table is the accessible
version.
"""

import re

import altair as alt
import vl_convert

# GOV.UK Design System colours: blue for the council's figures, dark grey for comparators,
# orange for what is highlighted (target wards).
BLUE = "#1d70b8"
GREY = "#505a5f"
ORANGE = "#f47738"
FONT = "Arial"
WIDTH = 560


def _svg(chart: alt.Chart, description: str) -> str:
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    head, sep, rest = vl_convert.vegalite_to_svg(spec).partition(">")
    # Vega's roles and labels on the marks inside are dropped: inside role="img" they are never
    # read, and an empty group of marks is labelled with nothing, which accessibility checkers
    # report. The chart is said once, to screen readers; the numbers are in the table beside it.
    rest = re.sub(r'\s(role|aria-roledescription|aria-label)="[^"]*"', "", rest)
    head = head.replace("<svg ", f'<svg role="img" aria-label="{_escape(description)}" ', 1)
    return head + sep + rest


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def line(
    points: list[tuple[str, float | None]], *, title: str, y_title: str, series: str = ""
) -> str:
    """A trend: one value per period label, in order. Periods with no value leave a gap."""
    values = [
        {"period": label, "value": value, "order": i, "series": series or title}
        for i, (label, value) in enumerate(points)
    ]
    chart = (
        alt.Chart(alt.Data(values=values), title=title, width=WIDTH, height=220)
        .mark_line(point=True, color=BLUE)
        .encode(
            x=alt.X(
                "period:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("value:Q", title=y_title),
        )
    )
    return _svg(chart, f"Line chart: {title}")


def bars(
    rows: list[tuple[str, float | None]],
    *,
    title: str,
    x_title: str,
    highlight: frozenset[str] = frozenset(),
    highlight_label: str = "",
) -> str:
    """Horizontal bars, one per label, in the order given. Highlighted labels are orange."""
    values = [
        {"label": label, "value": value or 0, "order": i, "marked": label in highlight}
        for i, (label, value) in enumerate(rows)
    ]
    colour = alt.Color(
        "marked:N",
        scale=alt.Scale(domain=[False, True], range=[BLUE, ORANGE]),
        legend=alt.Legend(title=None, labelExpr=f"datum.value ? '{highlight_label}' : 'Other'")
        if highlight
        else None,
    )
    chart = (
        alt.Chart(alt.Data(values=values), title=title, width=WIDTH - 160, height=18 * len(rows))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=alt.SortField("order"), title=None),
            x=alt.X("value:Q", title=x_title),
            color=colour,
        )
    )
    return _svg(chart, f"Bar chart: {title}")
