"""Forms for case notes and supervision. While a note is a draft nothing is required: what
makes it complete is checked when it is submitted (rules.submission_problems)."""

from datetime import datetime

from django import forms

from onestory.core.clock import LONDON
from onestory.core.forms import (
    GovukCheckboxes,
    GovukDateField,
    GovukFormMixin,
    GovukRadios,
    GovukTimeField,
)

from . import rules
from .actions import notes as actions
from .rules import NoteKind


class NeededToSubmit:
    """A field the note needs before it is submitted, so not marked optional, that a draft may
    still leave empty (the action checks it on submit, with a message saying what to fix)."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class DraftDateField(NeededToSubmit, GovukDateField):
    pass


class DraftTimeField(NeededToSubmit, GovukTimeField):
    pass


class DraftTextField(NeededToSubmit, forms.CharField):
    pass


class DraftChoices(NeededToSubmit, forms.MultipleChoiceField):
    pass


SEEN_CHOICES = [(s.value, label) for s, label in rules.SEEN_LABELS.items()]


def _text(label: str, *, rows: int = 5, **kwargs):
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), required=False, **kwargs
    )


class NoteForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="What kind of note is this?",
        choices=[(k.value, rules.NOTE_KIND_LABELS[k]) for k in rules.WRITTEN_KINDS],
        widget=GovukRadios,
        required=False,
        error_messages={"invalid_choice": actions.BAD_KIND},
    )
    occurred_on = DraftDateField(label="Date it happened")
    occurred_time = DraftTimeField(label="Time it happened")
    present = _text(
        "Who was present?",
        rows=2,
        help_text="Names and roles, for example mother (Jo), health visitor",
    )
    subjects = DraftChoices(
        label="Who is this note about?",
        widget=GovukCheckboxes,
        help_text="The note is kept once and shown on the record of each person you choose",
        error_messages={"invalid_choice": actions.NOT_OPEN},
    )
    text = DraftTextField(
        label="The note",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What happened, what was said and what you saw",
    )
    decision = DraftTextField(
        label="The decision",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What is to happen next, who will do it, by when, and why",
    )
    significant = forms.BooleanField(
        label="This is a significant event",
        required=False,
        help_text="It will show in the summary of each person's chronology",
    )
    widths = {"occurred_time": 5}

    def __init__(self, *args, note, offers, **kwargs):
        self.note = note
        self.offers = offers
        if not args or args[0] is None:
            kwargs.setdefault("initial", self._initial(note))
        super().__init__(*args, **kwargs)
        self.fields["subjects"].choices = [(str(o.person.pk), o.person.full_name) for o in offers]
        if note.kind == NoteKind.MANAGEMENT_OVERSIGHT:
            del self.fields["kind"]
            self.fields["text"] = _text(
                "What you considered", help_text="What you read and who you spoke to"
            )
        else:
            del self.fields["decision"]
        for offer in self.children:
            self.fields[offer.seen_field] = forms.ChoiceField(
                label=f"Was {offer.person.full_name} seen?",
                choices=SEEN_CHOICES,
                widget=GovukRadios,
                required=False,
                error_messages={"invalid_choice": actions.BAD_SEEN},
            )
            if not args or args[0] is None:
                self.initial[offer.seen_field] = self._seen.get(offer.person.pk, "")

    @property
    def children(self):
        return [o for o in self.offers if o.is_child]

    def seen_fields(self):
        return [(o, self[o.seen_field]) for o in self.children]

    def _initial(self, note) -> dict:
        self._seen = dict(note.subjects.values_list("person_id", "seen"))
        local = note.occurred_at.astimezone(LONDON)
        return {
            "version": note.version,
            "kind": note.kind,
            "occurred_on": local.date(),
            "occurred_time": local.time().replace(second=0, microsecond=0),
            "present": note.present,
            "subjects": [str(pk) for pk in self._seen],
            "text": note.text,
            "decision": note.decision,
            "significant": note.significant,
        }

    def with_version(self, version: int) -> None:
        """Carry the version the draft was saved at, so the next save is not refused."""
        data = self.data.copy()
        data["version"] = str(version)
        self.data = data

    def note_data(self) -> dict:
        """What the draft is to hold, in the shape the actions take."""
        data = self.cleaned_data
        day, moment = data.get("occurred_on"), data.get("occurred_time")
        chosen = set(data.get("subjects") or [])
        subjects = {}
        for offer in self.offers:
            key = str(offer.person.pk)
            if key in chosen:
                subjects[key] = data.get(offer.seen_field, "") if offer.is_child else ""
        result = {
            "occurred_at": datetime.combine(day, moment, LONDON) if day and moment else None,
            "present": data.get("present", ""),
            "text": data.get("text", ""),
            "significant": data.get("significant", False),
            "subjects": subjects,
        }
        if "kind" in self.fields and data.get("kind"):
            result["kind"] = data["kind"]
        if "decision" in self.fields:
            result["decision"] = data.get("decision", "")
        return result

    def errors_for_json(self) -> dict:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}

    def field_for_problem(self, name):
        if name == "occurred_at":
            name = "occurred_on"
        return super().field_for_problem(name)


class AddendumForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="Add to this note",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The note stays as it was. What you add is shown beneath it with your name and "
        "the time, and in the chronology of everyone it is about.",
        error_messages={"required": actions.EMPTY_ADDENDUM},
    )


class ChooseSuperviseeForm(GovukFormMixin, forms.Form):
    worker = forms.ChoiceField(
        label="Who are you supervising?",
        widget=GovukRadios,
        error_messages={
            "required": "Choose the worker you are supervising.",
            "invalid_choice": "Choose a worker in a team you manage.",
        },
    )

    def __init__(self, *args, supervisees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [(str(w.pk), w.get_full_name()) for w in supervisees]


class SupervisionForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    held_on = GovukDateField(
        label="Date it was held",
        error_messages={"required": "Enter the date the supervision was held."},
    )
    discussion = _text(
        "Wellbeing, workload and learning",
        rows=6,
        help_text="Seen only by the worker, you and their team's managers",
    )

    def __init__(self, *args, caseload, **kwargs):
        super().__init__(*args, **kwargs)
        self.caseload = list(caseload)
        for index, person in enumerate(self.caseload):
            self.fields[f"discussed_{index}"] = _text(
                f"What was discussed about {person.full_name}", rows=3
            )
            self.fields[f"decision_{index}"] = _text(f"Decision for {person.full_name}", rows=3)

    def case_rows(self):
        return [
            (person, self[f"discussed_{i}"], self[f"decision_{i}"])
            for i, person in enumerate(self.caseload)
        ]

    def cases(self) -> list[dict]:
        """The children discussed: those with anything written about them."""
        data = self.cleaned_data
        return [
            {
                "person_id": person.pk,
                "discussed": data.get(f"discussed_{i}", ""),
                "decision": data.get(f"decision_{i}", ""),
            }
            for i, person in enumerate(self.caseload)
            if (data.get(f"discussed_{i}") or "").strip()
            or (data.get(f"decision_{i}") or "").strip()
        ]

    def field_for_problem(self, name):
        # Problems with a case come back as case_<n> of the cases sent: map to the row's field.
        if name and name.startswith("case_"):
            sent = self.cases()
            person_id = sent[int(name.removeprefix("case_"))]["person_id"]
            index = next(i for i, p in enumerate(self.caseload) if p.pk == person_id)
            return f"discussed_{index}"
        return super().field_for_problem(name)
