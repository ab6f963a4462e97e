"""The performance pages' period: the year ending a day, or any days from one to another."""

from datetime import date

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin

from .rules import Period

# The record's measures start with the first returns a council could import; earlier days are
# almost certainly mistyped years.
EARLIEST = date(2000, 1, 1)


class PeriodForm(GovukFormMixin, forms.Form):
    """Two dates from the query string (?start=&end=). With no start, the year ending `end`.

    Bound only when the page was asked for a period (see period_form)."""

    start = GovukDateField(
        label="First day",
        required=False,
        help_text="Leave it empty for the year ending on the last day. For example, 01/04/2022",
    )
    end = GovukDateField(
        label="Last day",
        help_text="For example, 31/03/2023",
        error_messages={"required": "Enter the last day of the period."},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["start"].error_messages["invalid"] = (
            "Enter the first day as a real date, like 01/04/2022."
        )
        self.fields["end"].error_messages["invalid"] = (
            "Enter the last day as a real date, like 31/03/2023."
        )

    def clean_end(self):
        end = self.cleaned_data["end"]
        if end > self.today:
            raise forms.ValidationError("The last day must be today or earlier.")
        if end < EARLIEST:
            raise forms.ValidationError("The last day must be in 2000 or later.")
        return end

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start is not None and start < EARLIEST:
            raise forms.ValidationError("The first day must be in 2000 or later.")
        return start

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and start > end:
            self.add_error("start", "The first day must be on or before the last day.")
        return data

    def period(self) -> Period:
        """The period chosen (call after is_valid())."""
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        return Period(start, end) if start else Period.year_ending(end)


def period_form(query, *, today: date) -> tuple[PeriodForm, Period | None]:
    """(form, period) from the query string. With no day in it, the year ending today. When the
    days are wrong, the form keeps what was typed and says what is wrong, and period is None;
    when they are right, the form shows them as day/month/year."""
    if not (query.get("start") or query.get("end")):
        return PeriodForm(initial={"end": today}, today=today), Period.year_ending(today)
    form = PeriodForm({"start": query.get("start", ""), "end": query.get("end", "")}, today=today)
    if not form.is_valid():
        return form, None
    chosen = form.period()
    initial = {"start": form.cleaned_data["start"], "end": chosen.end}
    return PeriodForm(initial=initial, today=today), chosen


class MeasureChoiceForm(GovukFormMixin, forms.Form):
    """Which measure a breakdown shows (?measure=id), among those that count children."""

    measure = forms.ChoiceField(label="Measure")

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = choices
