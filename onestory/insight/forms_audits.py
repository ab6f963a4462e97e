"""Forms for case audits: drawing a sample, and grading a case against the template."""

from django import forms

from onestory.core.forms import GovukCheckboxes, GovukDateField, GovukFormMixin, GovukRadios

from .rules import GRADES, THEMES
from .rules_audits import KINDS, METHODS, PER_TEAM


class SampleForm(GovukFormMixin, forms.Form):
    method = forms.ChoiceField(
        label="How should the cases be chosen?",
        choices=list(METHODS.items()),
        initial=PER_TEAM,
        widget=GovukRadios,
        error_messages={"required": "Choose how to draw the sample."},
    )
    size = forms.IntegerField(
        label="How many cases?",
        help_text="From each team, or in all, as chosen above",
        min_value=1,
        max_value=50,
        initial=2,
        error_messages={
            "required": "Enter how many cases to audit.",
            "invalid": "Enter the number of cases as a whole number, like 2.",
            "min_value": "Enter a number of cases from 1 to 50.",
            "max_value": "Enter a number of cases from 1 to 50.",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of case",
        choices=[("", "Any open case"), *KINDS.items()],
        required=False,
    )
    teams = forms.MultipleChoiceField(
        label="Teams",
        help_text="Leave them all unticked to draw from every team holding open cases",
        required=False,
        widget=GovukCheckboxes,
    )
    auditors = forms.MultipleChoiceField(
        label="Auditors",
        help_text=(
            "Team managers who will grade the cases. Nobody audits their own team's cases: "
            "each case goes to a manager from another team"
        ),
        widget=GovukCheckboxes,
        error_messages={"required": "Choose at least one auditor."},
    )
    due_on = GovukDateField(
        label="Audits due by",
        error_messages={"required": "Enter the date the audits are due."},
    )
    template = forms.ChoiceField(label="Audit template")
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    widths = {"size": 3}

    def __init__(self, *args, teams, auditors, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].choices = teams
        self.fields["auditors"].choices = auditors
        self.fields["template"].choices = templates


class GradeForm(GovukFormMixin, forms.Form):
    """One radio question per template question (`grade_<key>`), then the overall grade, the
    themes and the findings. Nothing is required here: saving keeps a half-graded audit, and
    completing it is checked by the action, which names each missing grade."""

    overall_grade = forms.ChoiceField(
        label="Overall grade for the case",
        choices=list(GRADES.items()),
        required=False,
        widget=GovukRadios,
    )
    themes = forms.MultipleChoiceField(
        label="Themes",
        help_text="What this case shows, good or bad, for the council to learn from",
        choices=list(THEMES.items()),
        required=False,
        widget=GovukCheckboxes,
    )
    strengths = forms.CharField(
        label="What the work with this child does well",
        help_text="Needed to complete the audit",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    improvements = forms.CharField(
        label="What must improve",
        help_text="Needed to complete the audit: actions for the team, with who and by when",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        graded = {}
        for number, question in enumerate(questions, start=1):
            graded[f"grade_{question['key']}"] = forms.ChoiceField(
                label=f"{number}. {question['text']}",
                choices=list(GRADES.items()),
                required=False,
                widget=GovukRadios,
            )
        # The questions come first, in the template's order.
        self.fields = {**graded, **self.fields}
        self.question_names = list(graded)

    @property
    def question_fields(self):
        return [self[name] for name in self.question_names]

    def grades(self) -> dict:
        data = self.cleaned_data
        return {
            name.removeprefix("grade_"): data[name] for name in self.question_names if data[name]
        }
