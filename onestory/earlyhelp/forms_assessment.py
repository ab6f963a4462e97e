"""The early help assessment form: the family's voice in their own sections, and each line of
the needs framework (present or not, how serious, the evidence, whose view), with the start
scores asked for when the assessment is completed."""

from dataclasses import dataclass

from django import forms

from onestory.core.forms import GovukFormMixin, GovukRadios

from . import rules
from .actions.assessment import TEXT_FIELDS
from .models import Assessment

PRESENCE_CHOICES = [
    (rules.Presence.YES.value, "Yes"),
    (rules.Presence.NO.value, "No"),
    (rules.Presence.NOT_KNOWN.value, "Not known yet"),
]
SEVERITY_CHOICES = [(s.value, rules.SEVERITY_LABELS[s]) for s in rules.Severity]
VIEW_CHOICES = [("", "Not said")] + [(v.value, rules.VIEW_LABELS[v]) for v in rules.View]
SCORE_CHOICES = [("", "Not scored")] + [(str(n), str(n)) for n in rules.SCORE_RANGE]
# How an action names a detail of one line of the framework, and the form's field for it.
FACTOR_SUFFIXES = {
    "presence": "presence",
    "severity": "severity",
    "evidence": "evidence",
    "view": "view",
    "person_id": "person",
    "family_score": "family_score",
    "practitioner_score": "practitioner_score",
}
HIDDEN_PERSON = "A family member whose record you cannot open"


def _text(label: str, *, rows: int = 5, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _choice(label: str, choices, *, radios: bool = False, what: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=GovukRadios if radios else forms.Select,
        error_messages={"invalid_choice": f"Choose {what or 'one of the options'}."},
    )


@dataclass
class FactorFields:
    """The bound fields of one line of the framework, for the template."""

    factor: rules.Factor
    presence: object
    severity: object | None
    evidence: object
    view: object
    person: object
    family_score: object | None
    practitioner_score: object | None
    score: object | None  # the start score the episode already has for this need

    @property
    def has_errors(self) -> bool:
        return any(
            f is not None and f.errors
            for f in (
                self.presence,
                self.severity,
                self.evidence,
                self.view,
                self.person,
                self.family_score,
                self.practitioner_score,
            )
        )


class AssessmentForm(GovukFormMixin, forms.Form):
    """Every answer of the assessment. Nothing is required here: a draft keeps whatever has been
    typed, and completion is checked by the action, which names everything missing at once."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    family_story = _text(
        "What the family says is happening",
        rows=6,
        help_text="In the family's own words: what is going on, what worries them, and what "
        "they would like to change",
    )
    child_words = _text(
        "The child's own words",
        rows=6,
        help_text="What each child or young person says about their life, in their words. Say "
        "where and how you heard it",
    )
    parent_views = _text(
        "The parents' and carers' views",
        rows=6,
        help_text="What the parents or carers think is happening and what would help",
    )
    strengths = _text(
        "Strengths: what is going well",
        help_text="What the family does well, and the people and places that help them",
    )
    analysis = _text(
        "Analysis: what needs to change, and why",
        rows=8,
        help_text="How the needs and strengths fit together, and what help would make the "
        "difference",
    )
    family_agreed = forms.BooleanField(
        label="The family agrees with what this assessment says",
        required=False,
    )
    agreed_by = forms.CharField(
        label="Who in the family agreed",
        max_length=200,
        required=False,
        help_text="For example “Mother, Amina”",
        error_messages={"max_length": "Who agreed must be 200 characters or fewer."},
    )
    widths = {"agreed_by": 20}

    def __init__(self, data=None, *, assessment: Assessment, people, scores=None, **kwargs):
        """`people` are the family members this worker may open (offered as "which family
        member"); `scores` the episode's start scores by need (needs without one are scored
        when the assessment is completed)."""
        self.assessment = assessment
        self.scores = scores or {}
        rows = {f.code: f for f in assessment.factors.all()}
        members = [(str(p.pk), p.full_name) for p in people]
        known = {value for value, _ in members}
        hidden = {str(r.person_id) for r in rows.values() if r.person_id} - known
        person_choices = [("", "Nobody in particular"), *members]
        person_choices += [(value, HIDDEN_PERSON) for value in sorted(hidden)]
        fields = dict(type(self).base_fields)
        ordered = {name: fields.pop(name) for name in ("version", *TEXT_FIELDS[:3])}
        for factor in rules.FRAMEWORK:
            ordered.update(self._factor_fields(factor, person_choices))
        ordered.update(fields)
        # The form's own fields, with this assessment's lines of the framework among them (in
        # page order, so that the error summary follows the page).
        self.base_fields = ordered
        initial = {
            "version": assessment.version,
            **{name: getattr(assessment, name) for name in TEXT_FIELDS},
            "family_agreed": assessment.family_agreed,
            "agreed_by": assessment.agreed_by,
        }
        for code, row in rows.items():
            initial.update(
                {
                    f"{code}-presence": row.presence,
                    f"{code}-severity": row.severity,
                    f"{code}-evidence": row.evidence,
                    f"{code}-view": row.view,
                    f"{code}-person": str(row.person_id) if row.person_id else "",
                }
            )
        super().__init__(data, initial=initial, **kwargs)

    def _factor_fields(self, factor: rules.Factor, person_choices) -> dict:
        code, label = factor.code, factor.label
        fields = {
            f"{code}-presence": _choice(
                label,
                PRESENCE_CHOICES,
                radios=True,
                what=f"yes, no or not known yet for “{label}”",
            )
        }
        if not factor.is_strength:
            fields[f"{code}-severity"] = _choice(
                "How serious is it?",
                SEVERITY_CHOICES,
                radios=True,
                what=f"how serious “{label}” is",
            )
        fields[f"{code}-evidence"] = _text("Evidence", rows=3)
        fields[f"{code}-view"] = _choice("Whose view is this?", VIEW_CHOICES)
        fields[f"{code}-person"] = _choice(
            "Which family member is it about?", person_choices, what="a member of this family"
        )
        if not factor.is_strength and code not in self.scores:
            fields[f"{code}-family_score"] = _choice(
                "The family's score", SCORE_CHOICES, what="a score from 1 to 10"
            )
            fields[f"{code}-practitioner_score"] = _choice(
                "Your score", SCORE_CHOICES, what="a score from 1 to 10"
            )
        return fields

    # --- For the template -------------------------------------------------------------------

    def sections(self) -> list[tuple[str, list[FactorFields]]]:
        """The framework section by section, each line with its bound fields."""

        def bound(name):
            return self[name] if name in self.fields else None

        sections = []
        for section in rules.SECTIONS:
            lines = []
            for factor in rules.FRAMEWORK:
                if factor.section != section:
                    continue
                code = factor.code
                lines.append(
                    FactorFields(
                        factor=factor,
                        presence=self[f"{code}-presence"],
                        severity=bound(f"{code}-severity"),
                        evidence=self[f"{code}-evidence"],
                        view=self[f"{code}-view"],
                        person=self[f"{code}-person"],
                        family_score=bound(f"{code}-family_score"),
                        practitioner_score=bound(f"{code}-practitioner_score"),
                        score=self.scores.get(code),
                    )
                )
            sections.append((section, lines))
        return sections

    # --- For the actions --------------------------------------------------------------------

    def assessment_data(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in TEXT_FIELDS},
            "family_agreed": data["family_agreed"],
            "agreed_by": data["agreed_by"],
            "factors": {
                f.code: {
                    "presence": data[f"{f.code}-presence"],
                    "severity": data.get(f"{f.code}-severity", ""),
                    "evidence": data[f"{f.code}-evidence"],
                    "view": data[f"{f.code}-view"],
                    "person_id": data[f"{f.code}-person"] or None,
                }
                for f in rules.FRAMEWORK
            },
        }

    def start_scores(self) -> dict:
        """{need code: (family score, practitioner score)}, each a number or None."""
        data = self.cleaned_data

        def number(name):
            value = data.get(name)
            return int(value) if value else None

        return {
            f.code: (number(f"{f.code}-family_score"), number(f"{f.code}-practitioner_score"))
            for f in rules.NEEDS
            if f"{f.code}-practitioner_score" in self.fields
        }

    def field_for_problem(self, name):
        for suffix, field in FACTOR_SUFFIXES.items():
            code = (name or "").removesuffix(f"_{suffix}")
            if code != name and code in rules.FACTORS:
                name = f"{code}-{field}"
                break
        return super().field_for_problem(name)

    def errors_for_json(self) -> dict:
        return {name: [str(m) for m in messages] for name, messages in self.errors.items()}

    def with_version(self, version: int) -> None:
        """Keep what was typed, carrying the assessment's latest version."""
        self.data = self.data.copy()
        self.data["version"] = str(version)
