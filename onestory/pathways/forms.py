"""The pathways forms: what a flag, a panel referral, its decision and reviews, a missing
episode and a context ask, with messages that say what to do."""

from datetime import datetime

from django import forms

from onestory.core.clock import LONDON
from onestory.core.forms import GovukDateField, GovukFormMixin, GovukRadios, GovukTimeField

from . import rules
from .models import Context

BLANK = [("", "Choose…")]


def _token() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False)


def _version() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "This page is out of date. Open it again and try again."},
    )


def _text(label: str, required: str | None, *, rows: int = 5, help_text: str = ""):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required is not None,
        error_messages={"required": required} if required else {},
        help_text=help_text,
    )


def _at(day, time):
    return datetime.combine(day, time, tzinfo=LONDON) if day and time else None


class FlagRaiseForm(GovukFormMixin, forms.Form):
    form_token = _token()
    pathway = forms.ChoiceField(
        label="Which pathway is this flag for?",
        choices=[(p.value, p.label) for p in rules.Pathway],
        widget=GovukRadios,
        error_messages={"required": "Choose the pathway this flag is for."},
    )
    raised_on = GovukDateField(
        label="Date the concern was raised",
        error_messages={"required": "Enter the date the concern was raised."},
    )
    reason = _text(
        "Why are you raising this flag?",
        "Say why you are raising this flag: what has been seen or heard, when and by whom.",
        help_text="What has been seen or heard, when, and by whom. Use the child's own words "
        "if you can.",
    )


class FlagEndForm(GovukFormMixin, forms.Form):
    version = _version()
    ended_on = GovukDateField(
        label="Date the flag ends", error_messages={"required": "Enter the date the flag ends."}
    )
    end_reason = _text(
        "Why is the flag ending?",
        "Say why the flag is ending, for example what has changed for the child.",
        rows=4,
    )


class PanelReferForm(GovukFormMixin, forms.Form):
    form_token = _token()
    referred_on = GovukDateField(
        label="Date of the referral", error_messages={"required": "Enter the date of the referral."}
    )
    reason = _text(
        "What are you asking the panel for, and why?",
        "Say what you are asking the panel for and why.",
        help_text="The worries, what has been tried, and what the child and family think",
    )


class PanelDecideForm(GovukFormMixin, forms.Form):
    version = _version()
    decision = forms.ChoiceField(
        label="What did the panel decide?",
        choices=[(d.value, d.label) for d in rules.Decision],
        widget=GovukRadios,
        error_messages={"required": "Choose what the panel decided."},
    )
    decided_on = GovukDateField(
        label="Date the panel decided",
        error_messages={"required": "Enter the date the panel decided."},
    )
    decision_notes = _text(
        "What the panel decided and why",
        "Say what the panel decided and why: the support offered, or where the child will get "
        "support instead.",
        help_text="The support offered and who gives it, or where the child will get support "
        "instead",
    )
    next_review_on = GovukDateField(
        label="Date of the next review",
        required=False,
        help_text=f"Only for a case the panel accepted. Leave blank for "
        f"{rules.DEFAULT_REVIEW_MONTHS} months after the decision. For example, 27/03/2027",
    )


class PanelReviewForm(GovukFormMixin, forms.Form):
    form_token = _token()
    version = _version()
    held_on = GovukDateField(
        label="Date of the review",
        error_messages={"required": "Enter the date the panel reviewed the case."},
    )
    outcome = _text(
        "What did the panel find, and what happens next?",
        "Say what the panel found at the review and what happens next.",
    )
    closes_case = forms.BooleanField(
        label="The panel closed the case at this review",
        required=False,
        help_text="The child's flag stays until you end it",
    )
    next_review_on = GovukDateField(
        label="Date of the next review",
        required=False,
        help_text=f"Leave blank for {rules.DEFAULT_REVIEW_MONTHS} months after this review, or "
        "when the panel closed the case. For example, 27/03/2027",
    )


class MissingEpisodeForm(GovukFormMixin, forms.Form):
    action_field_names = {"went_missing_at": "went_missing_on", "returned_at": "returned_on"}

    form_token = _token()
    went_missing_on = GovukDateField(
        label="Date the child went missing",
        error_messages={"required": "Enter the date the child went missing."},
    )
    went_missing_time = GovukTimeField(
        label="Time the child went missing",
        error_messages={"required": "Enter the time the child went missing, as best known."},
    )
    returned_on = GovukDateField(
        label="Date the child returned",
        required=False,
        help_text="Leave blank if the child has not returned yet. For example, 27/03/2027",
    )
    returned_time = GovukTimeField(label="Time the child returned", required=False)
    notes = _text(
        "What is known about where they went and who with",
        None,
        rows=4,
        help_text="Places, people and how they travelled, if known",
    )
    widths = {"went_missing_time": 5, "returned_time": 5}

    def clean(self):
        data = super().clean()
        returned_without_time = data.get("returned_on") and not data.get("returned_time")
        if returned_without_time and "returned_time" not in self.errors:
            self.add_error("returned_time", "Enter the time the child returned.")
        return data

    def went_missing_at(self):
        return _at(self.cleaned_data["went_missing_on"], self.cleaned_data["went_missing_time"])

    def returned_at(self):
        return _at(self.cleaned_data.get("returned_on"), self.cleaned_data.get("returned_time"))


class MissingReturnForm(GovukFormMixin, forms.Form):
    action_field_names = {"returned_at": "returned_on"}

    version = _version()
    returned_on = GovukDateField(
        label="Date the child returned",
        error_messages={"required": "Enter the date the child returned."},
    )
    returned_time = GovukTimeField(
        label="Time the child returned",
        error_messages={"required": "Enter the time the child returned."},
    )
    interview_offered_on = GovukDateField(
        label="Date a return interview was offered",
        required=False,
        help_text=f"A return interview is offered within {rules.RETURN_INTERVIEW_HOURS} hours "
        "of the child returning. For example, 27/03/2027",
    )
    interview_held_on = GovukDateField(label="Date the return interview was held", required=False)
    widths = {"returned_time": 5}

    def returned_at(self):
        return _at(self.cleaned_data["returned_on"], self.cleaned_data["returned_time"])


class ContextLinkForm(GovukFormMixin, forms.Form):
    form_token = _token()
    context = forms.ChoiceField(
        label="Which context is the child linked to?",
        error_messages={
            "required": "Choose a context to link the child to.",
            "invalid_choice": "Choose a context to link the child to.",
        },
    )
    linked_on = GovukDateField(
        label="Date of the link",
        error_messages={"required": "Enter the date the child was linked to the context."},
    )
    reason = _text(
        "How is the child connected to this context?",
        "Say how the child is connected to this context.",
        rows=4,
    )

    def __init__(self, *args, contexts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["context"].choices = BLANK + [
            (str(c.pk), f"{c.name} ({c.kind_label.lower()})") for c in contexts
        ]


class ContextUnlinkForm(GovukFormMixin, forms.Form):
    version = _version()
    ended_on = GovukDateField(
        label="Date the link ends", error_messages={"required": "Enter the date the link ends."}
    )
    end_reason = _text(
        "Why is the child no longer linked?",
        "Say why the child is no longer linked to this context.",
        rows=4,
    )


class ContextForm(GovukFormMixin, forms.Form):
    form_token = _token()
    kind = forms.ChoiceField(
        label="What kind of context is it?",
        choices=[(k.value, k.label) for k in rules.ContextKind],
        widget=GovukRadios,
        error_messages={"required": "Choose what kind of context this is."},
    )
    name = forms.CharField(
        label="Name",
        max_length=rules.CONTEXT_NAME_MAX,
        error_messages={
            "required": "Enter a name for the context, for example the park, the group or the app."
        },
        help_text="For example “Wardown Park skate area” or “Year 9 group chat”",
    )
    description = _text(
        "Description",
        None,
        help_text="What the place, group or space is and what worries people about it. Do not "
        "name children here: link them from their records instead.",
    )
    team = forms.ChoiceField(
        label="Team that looks after it",
        error_messages={
            "required": "Choose the team that looks after this context.",
            "invalid_choice": "Choose the team that looks after this context.",
        },
    )

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {str(t.pk): t for t in teams}
        self.fields["team"].choices = BLANK + [(pk, str(t)) for pk, t in self.teams.items()]

    def chosen_team(self):
        return self.teams.get(self.cleaned_data.get("team") or "")


class ContextChangeForm(ContextForm):
    form_token = None
    version = _version()
    status = forms.ChoiceField(
        label="Is the context open?",
        choices=[
            (Context.Status.OPEN, "Open: children can be linked and the plan is worked on"),
            (Context.Status.CLOSED, "Closed: the risk here has gone or is held elsewhere"),
        ],
        widget=GovukRadios,
        error_messages={"required": "Say whether the context is open or closed."},
    )


class ContextNoteForm(GovukFormMixin, forms.Form):
    form_token = _token()
    text = _text(
        "Note",
        "Enter the note.",
        rows=6,
        help_text="What was seen, heard or agreed about this context. Name children only if "
        "you must: anyone who can see the context reads its notes.",
    )


class ContextActionForm(GovukFormMixin, forms.Form):
    action_field_names = {"owner": "owner_worker"}

    form_token = _token()
    action = _text("What will be done", "Say what will be done.", rows=3)
    owner_worker = forms.ChoiceField(label="Worker", required=False)
    owner_agency = forms.ChoiceField(label="Or an agency", required=False)
    owner_text = forms.CharField(
        label="Or someone else",
        max_length=200,
        required=False,
        help_text="For example “Community safety team” or “Park wardens”",
    )
    due_on = GovukDateField(label="Date it is due", required=False)

    def __init__(self, *args, workers=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.workers = {str(w.pk): w for w in workers}
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["owner_worker"].choices = BLANK + [
            (pk, w.get_full_name() or w.username) for pk, w in self.workers.items()
        ]
        self.fields["owner_agency"].choices = BLANK + [
            (pk, str(a)) for pk, a in self.agencies.items()
        ]

    def owners(self) -> dict:
        data = self.cleaned_data
        return {
            "owner_worker": self.workers.get(data.get("owner_worker") or ""),
            "owner_agency": self.agencies.get(data.get("owner_agency") or ""),
            "owner_text": data.get("owner_text", ""),
        }


class ContextActionChangeForm(GovukFormMixin, forms.Form):
    version = _version()
    status = forms.ChoiceField(
        label="How far has it got?",
        choices=[(s.value, s.label) for s in rules.ActionStatus],
        widget=GovukRadios,
        error_messages={"required": "Choose how far the action has got."},
    )
    due_on = GovukDateField(label="Date it is due", required=False)
