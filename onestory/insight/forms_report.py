"""Forms of the board report pages: starting a report for a period, and writing its commentary."""

from datetime import date

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin

from . import actions
from .board_report import COMMENTARY_MAX

SECTION_PREFIX = "section_"


def last_year_to_march(today: date) -> tuple[date, date]:
    """The latest financial year (1 April to 31 March) that has ended by today: the year most
    board reports cover."""
    end_year = today.year if (today.month, today.day) >= (3, 31) else today.year - 1
    return date(end_year - 1, 4, 1), date(end_year, 3, 31)


class BoardReportCreateForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=actions.TITLE_MAX,
        help_text="What the board will see on the front page, for example "
        "“Early help strategy group, June 2023”",
        error_messages={"required": actions.NO_TITLE, "max_length": actions.TITLE_TOO_LONG},
    )
    period_start = GovukDateField(
        label="First day of the period",
        help_text="For example, 01/04/2022",
        error_messages={"required": actions.NO_START},
    )
    period_end = GovukDateField(
        label="Last day of the period",
        help_text="For example, 31/03/2023. Children in need, on a plan or in care are "
        "counted on this day.",
        error_messages={"required": actions.NO_END},
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].error_messages["invalid"] = (
            "Enter the first day of the period as a real date, like 01/04/2022."
        )
        self.fields["period_end"].error_messages["invalid"] = (
            "Enter the last day of the period as a real date, like 31/03/2023."
        )


class BoardReportEditForm(GovukFormMixin, forms.Form):
    """The report's title and one commentary box for each of its sections."""

    title = forms.CharField(
        label="Title",
        max_length=actions.TITLE_MAX,
        error_messages={"required": actions.NO_TITLE, "max_length": actions.TITLE_TOO_LONG},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self._sections = sections
        self.section_titles = {}
        for heading in sections:
            name = SECTION_PREFIX + heading.key
            self.section_titles[name] = heading.title
            self.fields[name] = forms.CharField(
                label="Summary for the board"
                if heading.key == "summary"
                else f"Commentary: {heading.title}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=f"Up to {COMMENTARY_MAX:,} characters. Leave a blank line between "
                "paragraphs.",
            )
            # The mixin styled the fields it found; these boxes are added after it.
            self.fields[name].widget.attrs.update(
                {"class": "govuk-textarea", "aria-describedby": f"id_{name}-hint"}
            )

    def field_for_problem(self, name):
        if name and name.startswith("commentary:"):
            return SECTION_PREFIX + name.removeprefix("commentary:")
        return super().field_for_problem(name)

    def commentary(self) -> dict:
        """{section key: text} from the boxes (call after is_valid())."""
        return {
            name.removeprefix(SECTION_PREFIX): self.cleaned_data.get(name) or ""
            for name in self.section_titles
        }

    def section_field(self, key: str):
        return self[SECTION_PREFIX + key]

    def with_version(self, version: int) -> "BoardReportEditForm":
        """The same input, carrying the report's latest version (after a stale save)."""
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data, sections=self._sections)
        fresh.is_valid()
        return fresh
