"""Forms for the Team Around the Family, the action plan, reviews and the review cadence."""

from dataclasses import dataclass

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin, GovukRadios, GovukTimeField
from onestory.workforce.models import Agency

from . import rules
from .actions.plan import MAX_REVIEW_WEEKS
from .models import EpisodeMember, MeetingInvitee, PlanAction

NOT_INVITED = ""
ATTENDANCE_CHOICES = [(NOT_INVITED, "Not invited"), *MeetingInvitee.Attendance.choices]
SCORE_CHOICES = [("", "–"), *[(n, str(n)) for n in rules.SCORE_RANGE]]


def _text(label: str, *, required_message: str | None = None, rows: int = 4, **kwargs):
    if required_message:
        kwargs["error_messages"] = {"required": required_message}
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required_message is not None,
        **kwargs,
    )


# --- Team Around the Family meetings ---------------------------------------------------------


@dataclass(frozen=True)
class Offered:
    """Someone a meeting form offers by name: a family member or a practitioner."""

    key: str
    name: str
    role: str
    agency: str
    family_member: object = None
    worker: object = None

    @property
    def field_name(self) -> str:
        return f"attendance_{self.key}"


def offered_invitees(members, roles: dict, practitioners) -> list[Offered]:
    """The family (as far as the worker may open their records), then the practitioners."""
    family = [
        Offered(
            key=f"p{person.pk.hex}",
            name=person.full_name,
            role=EpisodeMember.Role(roles[person.pk]).label if person.pk in roles else "",
            agency="Family",
            family_member=person.pk,
        )
        for person in members
    ]
    workers = [
        Offered(
            key=f"w{worker.pk}",
            name=worker.get_full_name() or worker.username,
            role=worker.job_title or worker.get_role_display(),
            agency=str(worker.agency or ""),
            worker=worker.pk,
        )
        for worker in practitioners
    ]
    return family + workers


class MeetingForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    held_on = GovukDateField(
        label="Date of the meeting",
        error_messages={"required": "Enter the date the meeting was held."},
    )
    held_time = GovukTimeField(
        label="Time it started",
        error_messages={"required": "Enter the time the meeting started."},
    )
    place = forms.CharField(
        label="Where it was held",
        max_length=200,
        required=False,
        help_text="For example the school, the family's home or a family hub",
    )
    decisions = _text(
        "What did the meeting decide?",
        required_message="Record what the meeting decided: the actions agreed, who will do "
        "them and by when.",
        rows=6,
        help_text="The actions agreed, who will do them and by when. Add them to the plan "
        "afterwards.",
    )
    minutes = _text("Minutes", rows=8, help_text="What each person said, in brief")
    widths = {"held_time": 5, "place": 20}

    def __init__(self, *args, offered: list[Offered], **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = offered
        for person in offered:
            self.fields[person.field_name] = forms.ChoiceField(
                label=f"{person.name}, {person.role}"
                + (f" ({person.agency})" if person.agency and person.agency != "Family" else ""),
                choices=ATTENDANCE_CHOICES,
                required=False,
            )
            self.fields[person.field_name].widget.attrs["class"] = "govuk-select"
        first = offered[0].field_name if offered else None
        self.action_field_names = {"held_at": "held_on", "invitees": first}

    def attendance_rows(self):
        return [(person, self[person.field_name]) for person in self.offered]

    def invitees(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "name": person.name,
                "role": person.role,
                "family_member": person.family_member,
                "worker": person.worker,
                "attendance": data[person.field_name],
            }
            for person in self.offered
            if data.get(person.field_name)
        ]


class OtherInviteeForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    role = forms.CharField(
        label="Role", max_length=150, required=False, help_text="For example housing officer"
    )
    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.all(), required=False, empty_label="Choose…"
    )
    agency_name = forms.CharField(
        label="Or type the agency's name",
        max_length=150,
        required=False,
        help_text="If it is not on the list",
    )
    attendance = forms.ChoiceField(label="Attendance", choices=ATTENDANCE_CHOICES, required=False)
    widths = {"name": 20, "role": 20, "agency_name": 20}

    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return any(data.get(f) for f in ("name", "role", "agency", "agency_name", "attendance"))

    def clean(self):
        data = super().clean()
        if self.has_content():
            if not (data.get("name") or "").strip():
                self.add_error("name", "Enter the name of the person invited.")
            if not data.get("attendance"):
                self.add_error(
                    "attendance", "Say whether they attended, sent apologies or did not come."
                )
        return data

    def invitee(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "role": data["role"],
            "agency": data["agency"],
            "agency_name": data["agency_name"],
            "attendance": data["attendance"],
        }


OtherInviteesFormSet = forms.formset_factory(OtherInviteeForm, extra=2, max_num=20, absolute_max=20)


def other_invitees_formset(data=None, *, add_one: bool = False):
    if data is not None and add_one:
        data = data.copy()
        key = "others-TOTAL_FORMS"
        data[key] = str(min(int(data.get(key) or 0) + 1, 20))
    return OtherInviteesFormSet(data, prefix="others")


# --- The action plan -------------------------------------------------------------------------


def need_choices(assessed: list[str]) -> list:
    """The needs to choose from: those in the family's assessment first."""
    theirs = [(f.code, f.label) for f in rules.NEEDS if f.code in assessed]
    others = [(f.code, f.label) for f in rules.NEEDS if f.code not in assessed]
    choices = [("", "The whole family")]
    if theirs:
        choices.append(("In the family's assessment", theirs))
        choices.append(("Other needs", others))
    else:
        choices += others
    return choices


class ActionAddForm(GovukFormMixin, forms.Form):
    action_field_names = {"owner": "owner_worker"}

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    need = forms.ChoiceField(label="Which need is it for?", required=False)
    action = _text(
        "What will be done?",
        required_message="Say specifically what will be done.",
        help_text="Specific and realistic: for example “Take Sam to the school nurse drop-in "
        "every Tuesday”",
    )
    success_looks_like = _text(
        "How will everyone know it has worked?",
        required_message="Say how everyone will know it has worked: something the family and "
        "you can see or count.",
        rows=3,
        help_text="Something you can see or count: for example “Attendance above 95% for 4 weeks”",
    )
    owner_worker = forms.ModelChoiceField(
        label="A practitioner", queryset=None, required=False, empty_label="Choose…"
    )
    owner_agency = forms.ModelChoiceField(
        label="Or an agency", queryset=Agency.objects.all(), required=False, empty_label="Choose…"
    )
    owner_family_member = forms.ChoiceField(label="Or a member of the family", required=False)
    due_on = GovukDateField(
        label="When is it due?",
        error_messages={"required": "Enter the date the action is due."},
        help_text="For example, 27/03/2027",
    )

    def __init__(self, *args, workers, members, assessed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = need_choices(assessed)
        self.fields["owner_worker"].queryset = workers
        self.fields["owner_family_member"].choices = [("", "Choose…")] + [
            (str(p.pk), p.full_name) for p in members
        ]
        self.members = {str(p.pk): p for p in members}

    def family_member(self):
        return self.members.get(self.cleaned_data.get("owner_family_member") or "")


STATUS_CHOICES = PlanAction.Status.choices


class ActionEditForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="Status",
        choices=STATUS_CHOICES,
        widget=GovukRadios,
        error_messages={"required": "Choose the action's status."},
    )
    due_on = GovukDateField(
        label="Due date", error_messages={"required": "Enter the date the action is due."}
    )
    note = _text(
        "Note", rows=3, help_text="What has happened: it goes into each family member's chronology"
    )

    def with_version(self, version: int) -> "ActionEditForm":
        """The same input, carrying the action's latest version (after a stale save)."""
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data)
        fresh.is_valid()
        return fresh


# --- Reviews ---------------------------------------------------------------------------------


@dataclass
class NeedRow:
    code: str
    label: str
    required: bool
    history: object  # the need's selectors_plan.NeedDistance, or None
    family: object = None
    practitioner: object = None


class ReviewForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    held_on = GovukDateField(
        label="Date of the review",
        error_messages={"required": "Enter the date the review was held."},
    )
    what_has_changed = _text(
        "What has changed for the family?",
        required_message="Say what has changed for the family since the plan was made or last "
        "reviewed.",
        rows=6,
    )
    family_views = _text(
        "What does the family say?",
        rows=4,
        help_text="In their words if you can: the children's too",
    )
    next_review_on = GovukDateField(label="Next review", required=False)

    def __init__(self, *args, needs: list[str], history: dict, actions: list, weeks: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_review_on"].help_text = (
            f"Leave it blank for {weeks} weeks after this review, the council's cadence for "
            "this family. For example, 27/03/2027"
        )
        self.need_codes = list(needs)
        others = [f.code for f in rules.NEEDS if f.code not in needs]
        self.need_rows = []
        for code in [*needs, *others]:
            row = NeedRow(
                code=code,
                label=rules.FACTORS[code].label,
                required=code in needs,
                history=history.get(code),
            )
            for view, label in (
                ("practitioner", "Your score"),
                ("family", "The family's score"),
            ):
                name = f"{view}_{code}"
                self.fields[name] = forms.TypedChoiceField(
                    label=label,
                    choices=SCORE_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
                self.fields[name].widget.attrs["class"] = "govuk-select"
            self.need_rows.append(row)
        self.action_rows = actions
        for row in actions:
            pk = row.action.pk
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=f"Status of “{row.action.action[:60]}”",
                choices=STATUS_CHOICES,
                error_messages={
                    "required": f"Choose the status of “{row.action.action[:60]}”.",
                },
            )
            self.fields[f"status_{pk}"].widget.attrs["class"] = "govuk-select"
            self.fields[f"due_on_{pk}"] = GovukDateField(
                label=f"Due date of “{row.action.action[:60]}”",
                error_messages={
                    "required": f"Enter the date “{row.action.action[:60]}” is due.",
                },
                help_text="",
            )
            self.fields[f"due_on_{pk}"].widget.attrs.update(
                {"class": "govuk-input govuk-input--width-10"}
            )
            self.fields[f"due_on_{pk}"].widget.attrs.pop("aria-describedby", None)
            self.fields[f"version_{pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False
            )
        first = f"practitioner_{needs[0]}" if needs else f"practitioner_{others[0]}"
        self.action_field_names = {"scores": first}

    def bound_need_rows(self) -> list[NeedRow]:
        for row in self.need_rows:
            row.practitioner = self[f"practitioner_{row.code}"]
            row.family = self[f"family_{row.code}"]
        return self.need_rows

    def bound_action_rows(self) -> list[tuple]:
        return [
            (
                row,
                self[f"status_{row.action.pk}"],
                self[f"due_on_{row.action.pk}"],
                self[f"version_{row.action.pk}"],
            )
            for row in self.action_rows
        ]

    def scores(self) -> dict:
        """Every need the review must score, and any other need given a score."""
        data = self.cleaned_data
        scores = {}
        for row in self.need_rows:
            family = data.get(f"family_{row.code}")
            practitioner = data.get(f"practitioner_{row.code}")
            if row.required or family is not None or practitioner is not None:
                scores[row.code] = (family, practitioner)
        return scores

    def action_updates(self) -> dict:
        data = self.cleaned_data
        return {
            row.action.pk: (
                data[f"status_{row.action.pk}"],
                data[f"due_on_{row.action.pk}"],
                data[f"version_{row.action.pk}"],
            )
            for row in self.action_rows
        }

    def with_version(self, version: int, **kwargs) -> "ReviewForm":
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data, **kwargs)
        fresh.is_valid()
        return fresh


# --- The review cadence ----------------------------------------------------------------------


class CadenceForm(GovukFormMixin, forms.Form):
    weeks = forms.IntegerField(
        label="Review plans every (weeks)",
        min_value=1,
        max_value=MAX_REVIEW_WEEKS,
        error_messages={
            "required": "Enter how many weeks there are between reviews.",
            "invalid": "Enter the number of weeks as a whole number, like 6.",
            "min_value": f"Reviews must be between 1 and {MAX_REVIEW_WEEKS} weeks apart.",
            "max_value": f"Reviews must be between 1 and {MAX_REVIEW_WEEKS} weeks apart.",
        },
    )
    valid_from = GovukDateField(
        label="From",
        error_messages={"required": "Enter the date the change starts from."},
        help_text="Episodes opened from this day take the new cadence. For example, 27/03/2027",
    )
    widths = {"weeks": 3}
