"""Family hubs' pure rules for sites and sessions: opening times, age ranges, the weeks of a
timetable and the dates of a weekly series of sessions. No Django here."""

import re
from datetime import date, timedelta

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# A weekly series runs for at most a year (hand-set: hub programmes are planned term by term;
# a longer run is almost certainly a typing mistake and would fill the timetable).
MAX_SERIES_WEEKS = 52
# The most places a session may offer (hand-set: the largest hub hall holds about 100 people).
MAX_CAPACITY = 200

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def normalise_time(value: str) -> str | None:
    """'9:00', '0900', '09.00' or '09:00' -> '09:00'; None when it is not a time of day."""
    text = (value or "").strip().replace(".", ":")
    if re.fullmatch(r"\d{3,4}", text):
        text = f"{text[:-2]}:{text[-2:]}"
    if re.fullmatch(r"\d:\d\d", text):
        text = "0" + text
    return text if _TIME.match(text) else None


def opening_times_problems(rows: dict[int, tuple[str, str]]) -> dict[int, str]:
    """Problems with opening times typed per weekday ({day: (opens, closes)}, blank = closed):
    {day: message}. Both times are needed, each a real time, closing after opening."""
    problems = {}
    for day, (opens, closes) in sorted(rows.items()):
        name = WEEKDAYS[day]
        opens, closes = (opens or "").strip(), (closes or "").strip()
        if not opens and not closes:
            continue
        if not opens or not closes:
            missing = "opens" if not opens else "closes"
            problems[day] = (
                f"Enter the time the site {missing} on {name}, like 09:00, or leave both of "
                f"{name}'s times blank if it is closed."
            )
        elif normalise_time(opens) is None or normalise_time(closes) is None:
            problems[day] = f"Enter {name}'s times on the 24-hour clock, like 09:00 and 17:30."
        elif normalise_time(closes) <= normalise_time(opens):
            problems[day] = f"On {name} the site must close after it opens."
    return problems


def opening_times_from(rows: dict[int, tuple[str, str]]) -> list[dict]:
    """The stored form of opening times typed per weekday (call once they have no problems)."""
    stored = []
    for day, (opens, closes) in sorted(rows.items()):
        if (opens or "").strip() and (closes or "").strip():
            stored.append(
                {"day": day, "opens": normalise_time(opens), "closes": normalise_time(closes)}
            )
    return stored


def opening_week(opening_times: list[dict]) -> list[tuple[str, str | None]]:
    """Each weekday with its opening hours as shown ("09:00 to 17:00"), None when closed."""
    by_day = {row["day"]: row for row in opening_times or []}
    return [
        (
            name,
            f"{by_day[day]['opens']} to {by_day[day]['closes']}" if day in by_day else None,
        )
        for day, name in enumerate(WEEKDAYS)
    ]


def age_range_label(youngest_months: int | None, oldest_months: int | None) -> str:
    """An activity's age range for people: 'Any age', '0 to 12 months', '2 to 4 years'..."""
    if youngest_months is None and oldest_months is None:
        return "Any age"

    def age(months: int) -> str:
        if months < 24 or months % 12:
            return f"{months} month{'s' if months != 1 else ''}"
        return f"{months // 12} years"

    if youngest_months is None:
        return f"Up to {age(oldest_months)}"
    if oldest_months is None:
        return f"From {age(youngest_months)}"
    # Whole years either side read as years: 24 to 59 months is "2 to 4 years".
    if youngest_months % 12 == 0 and (oldest_months + 1) % 12 == 0 and oldest_months >= 23:
        return f"{youngest_months // 12} to {(oldest_months + 1) // 12 - 1} years"
    return f"{youngest_months} to {oldest_months} months"


def age_range_problem(youngest_months: int | None, oldest_months: int | None) -> str | None:
    both = youngest_months is not None and oldest_months is not None
    if both and oldest_months < youngest_months:
        return "The oldest age must be the same as or more than the youngest age."
    return None


def months_old(born: date, on: date) -> int:
    """Whole months from `born` to `on` (a child born on 31 January is one month old on the
    last day of February, when no 31st comes)."""
    months = (on.year - born.year) * 12 + on.month - born.month
    last_day = (date(on.year + on.month // 12, on.month % 12 + 1, 1) - timedelta(days=1)).day
    if on.day < min(born.day, last_day):
        months -= 1
    return months


def within_ages(months: int, youngest_months: int | None, oldest_months: int | None) -> bool:
    """Whether a child `months` old is in an activity's age range (a blank end is open)."""
    if youngest_months is not None and months < youngest_months:
        return False
    return oldest_months is None or months <= oldest_months


def age_words(months: int) -> str:
    """A child's age as people say it: 'under a month', '1 month', '7 months', '3 years'."""
    if months < 1:
        return "under a month"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


def outside_ages_message(
    activity: str, youngest_months: int | None, oldest_months: int | None, children: list
) -> str:
    """Why a booking was refused: the activity's ages and each child outside them, as
    (name, months old) pairs."""
    who = "; ".join(f"{name} is {age_words(months)} old" for name, months in children)
    ages = age_range_label(youngest_months, oldest_months)
    return (
        f"{activity} is for children aged {ages[0].lower()}{ages[1:]}"
        f" (on the day of this session {who}): nobody has been booked. Book only children in "
        "that age range, with their carers, or choose another activity."
    )


def week_of(day: date) -> date:
    """The Monday of the week `day` falls in (timetables run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def series_dates(
    first: date, weeks: int, *, bank_holidays: frozenset[date] | set[date] = frozenset()
) -> tuple[list[date], list[date]]:
    """The days of a weekly series starting on `first` and running for `weeks` weeks: (the days
    it meets, the bank holidays it skips). A skipped week is not added at the end: "every Tuesday
    for 12 weeks" ends on the twelfth Tuesday whatever holidays fall between."""
    meets, skipped = [], []
    for week in range(weeks):
        day = first + timedelta(weeks=week)
        (skipped if day in bank_holidays else meets).append(day)
    return meets, skipped
