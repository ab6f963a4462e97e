"""Input shape and messages for the workforce administration pages."""

from django import forms

from onestory.core.forms import GovukFormMixin

from .actions import TEAM_NOT_IN_AGENCY, WORKER_CHANGEABLE
from .models import Agency, Team
from .rules import ROLE_LABELS, Role

STALE_PAGE = "This page is out of date. Open it again from the list, then make your change."
ROLE_CHOICES = [("", "Choose a role")] + [(r.value, ROLE_LABELS[r]) for r in Role]


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return f"{team.name} ({team.agency.name})"


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, worker):
        return f"{worker.get_full_name() or worker.username} ({worker.username})"


class WorkforceForm(GovukFormMixin, forms.Form):
    """A workforce form: an action's refusal is shown with `add_domain_error`."""


def _agency_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.order_by("name"), empty_label="Choose an agency",
        error_messages={"required": "Choose the worker's agency.",
                        "invalid_choice": "Choose an agency from the list."},
    )


def _team_field() -> TeamChoiceField:
    return TeamChoiceField(
        label="Team",
        queryset=Team.objects.select_related("agency").order_by("agency__name", "name"),
        required=False, empty_label="No team",
        help_text="The team must belong to the agency chosen above.",
        error_messages={"invalid_choice": "Choose a team from the list."},
    )


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role", choices=ROLE_CHOICES,
        help_text="The role decides which pages and records the worker can open.",
        error_messages={"required": "Choose the worker's role.",
                        "invalid_choice": "Choose a role from the list."},
    )


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE}
    )


class WorkerCreateForm(WorkforceForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    username = forms.CharField(
        label="Username", max_length=150,
        help_text="What they type to sign in. Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter a username."},
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name."}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name."}
    )
    email = forms.EmailField(
        label="Email address", required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address like name@example.gov.uk."},
    )
    agency = _agency_field()
    team = _team_field()
    role = _role_field()
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    is_agency_staff = forms.BooleanField(
        label="Agency staff", required=False,
        help_text="Engaged through an employment agency rather than employed by the council.",
    )

    widths = {"username": 20}

    def clean(self):
        data = super().clean()
        team, agency = data.get("team"), data.get("agency")
        if team is not None and agency is not None and team.agency_id != agency.pk:
            self.add_error("team", TEAM_NOT_IN_AGENCY)
        return data

    def worker_values(self) -> dict:
        data = self.cleaned_data
        names = ("username", "first_name", "last_name", "email", "agency", "team", "role",
                 "job_title", "is_agency_staff")
        return {name: data[name] for name in names}


class WorkerChangeForm(WorkforceForm):
    version = _version_field()
    role = _role_field()
    agency = _agency_field()
    team = _team_field()
    is_agency_staff = forms.BooleanField(
        label="Agency staff", required=False,
        help_text="Engaged through an employment agency rather than employed by the council.",
    )
    is_active = forms.BooleanField(
        label="Active: they can sign in", required=False,
        help_text="Untick to stop them signing in. Their records and history are kept.",
    )

    @staticmethod
    def initial_for(worker) -> dict:
        return {
            "version": worker.version,
            "role": worker.role,
            "agency": worker.agency_id,
            "team": worker.team_id,
            "is_agency_staff": worker.is_agency_staff,
            "is_active": worker.is_active,
        }

    def clean(self):
        data = super().clean()
        team, agency = data.get("team"), data.get("agency")
        if team is not None and agency is not None and team.agency_id != agency.pk:
            self.add_error("team", TEAM_NOT_IN_AGENCY)
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in WORKER_CHANGEABLE}

    def with_version(self, version: int) -> "WorkerChangeForm":
        """The same input, now carrying the worker's latest version (after a stale save)."""
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data)
        fresh.is_valid()
        return fresh


class TeamChangeForm(WorkforceForm):
    version = _version_field()
    name = forms.CharField(
        label="Team name", max_length=200, error_messages={"required": "Enter the team's name."}
    )
    manager = WorkerChoiceField(
        label="Manager", queryset=None, required=False, empty_label="No manager",
        help_text="Only active members of the team are listed. To make someone else the manager, "
        "move them into the team first.",
        error_messages={"invalid_choice": "Choose a manager from the team's members."},
    )

    def __init__(self, *args, members, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = members

    @staticmethod
    def initial_for(team) -> dict:
        return {"version": team.version, "name": team.name, "manager": team.manager_id}

    def changes(self) -> dict:
        return {"name": self.cleaned_data["name"], "manager": self.cleaned_data["manager"]}

    def with_version(self, version: int) -> "TeamChangeForm":
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data, members=self.members)
        fresh.is_valid()
        return fresh
