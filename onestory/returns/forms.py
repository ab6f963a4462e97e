"""Forms of the return readiness page: choosing the collection year, and checking a return now."""

from django import forms

from onestory.core.forms import GovukFormMixin


def year_label(year: int) -> str:
    """2026 -> '2025 to 2026' (the collection year ending 31 March 2026)."""
    return f"{year - 1} to {year}"


class YearForm(GovukFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="Collection year", coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, year_label(y)) for y in years]


class CheckNowForm(forms.Form):
    """Hidden fields only: the year to check and the form's one-time token."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
