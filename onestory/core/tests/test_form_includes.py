import re

from django import forms
from django.template.loader import render_to_string

from onestory.core.forms import GovukFormMixin


class _ActiveForm(GovukFormMixin, forms.Form):
    is_active = forms.BooleanField(label="Active", required=False)
    team = forms.ChoiceField(label="Team", choices=[("", "Choose"), ("a", "A")])

    def clean(self):
        self.add_error("is_active", "You cannot deactivate your own account")
        return super().clean()


def test_a_checkbox_shows_its_error_beside_it_and_links_it_for_screen_readers():
    form = _ActiveForm({"is_active": ""})
    form.is_valid()
    html = render_to_string("includes/field.html", {"field": form["is_active"]})
    assert "You cannot deactivate your own account" in html
    described_by = re.search(r'aria-describedby="([^"]*)"', html).group(1).split()
    assert described_by == ["id_is_active-error-1"]
    assert 'id="id_is_active-error-1"' in html


def test_a_select_with_an_error_is_drawn_in_the_error_style():
    form = _ActiveForm({"team": ""})
    form.is_valid()
    assert "govuk-select--error" in str(form["team"])
