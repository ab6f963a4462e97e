"""Forms of the sites, activities, sessions and bookings pages. Every error says what is wrong
and how to put it right; the actions check the rules again."""

from django import forms

from onestory.core.clock import LONDON
from onestory.core.forms import (
    GovukCheckboxes,
    GovukDateField,
    GovukFormMixin,
    GovukRadios,
    GovukTimeField,
)

from . import rules_sites
from .actions import sessions as session_actions
from .models import Activity, Site


def _version():
    return forms.IntegerField(widget=forms.HiddenInput)


def _token():
    return forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class SiteForm(GovukFormMixin, forms.Form):
    """A site's details and its opening times, typed per weekday ("09:00"; blank: closed)."""

    widths = {"postcode": 10, "phone": 20, "town": 20}

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the site's name, for example “Marsh Farm Family Hub”."},
    )
    kind = forms.ChoiceField(
        label="What kind of site is it?",
        choices=Site.Kind.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose what kind of site it is."},
    )
    hub = forms.ModelChoiceField(
        label="Belongs to",
        queryset=Site.objects.none(),
        required=False,
        empty_label="None: this is a family hub",
        help_text="The family hub a satellite site or outreach venue belongs to",
        error_messages={"invalid_choice": "Choose a family hub from the list."},
    )
    line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={"required": "Enter the first line of the site's address."},
    )
    line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        help_text="The ward is found from the postcode",
        error_messages={"required": "Enter the site's postcode, like LU1 2AB."},
    )
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    active = forms.BooleanField(
        label="In use",
        required=False,
        help_text="Untick to take the site out of use: it is kept, with its sessions, but no new "
        "sessions can be arranged there. Team managers only.",
    )

    action_field_names = {f"day_{d}": f"opens_{d}" for d in range(7)}

    def __init__(self, *args, hubs, may_deactivate: bool = False, editing: bool = False, **kw):
        super().__init__(*args, **kw)
        for day, name in enumerate(rules_sites.WEEKDAYS):
            for edge, word in (("opens", "Opens"), ("closes", "Closes")):
                self.fields[f"{edge}_{day}"] = forms.CharField(
                    label=f"{name}: {word.lower()}",
                    required=False,
                    max_length=5,
                    widget=forms.TextInput(
                        attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"}
                    ),
                )
        self.fields["hub"].queryset = hubs
        if editing:
            self.fields["version"] = _version()
        else:
            self.fields["form_token"] = _token()
        if not (editing and may_deactivate):
            del self.fields["active"]

    def day_rows(self):
        """(weekday name, opens field, closes field) for the opening times table."""
        return [
            (name, self[f"opens_{day}"], self[f"closes_{day}"])
            for day, name in enumerate(rules_sites.WEEKDAYS)
        ]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "hub": data.get("hub"),
            "line_1": data["line_1"],
            "line_2": data["line_2"],
            "town": data["town"],
            "postcode": data["postcode"],
            "phone": data["phone"],
            "opening_times": {
                day: (data.get(f"opens_{day}") or "", data.get(f"closes_{day}") or "")
                for day in range(7)
            },
        }

    @staticmethod
    def initial_of(site: Site) -> dict:
        initial = {
            "name": site.name,
            "kind": site.kind,
            "hub": site.hub_id,
            "line_1": site.line_1,
            "line_2": site.line_2,
            "town": site.town,
            "postcode": site.postcode,
            "phone": site.phone,
            "active": site.active,
            "version": site.version,
        }
        for row in site.opening_times or []:
            initial[f"opens_{row['day']}"] = row["opens"]
            initial[f"closes_{row['day']}"] = row["closes"]
        return initial


AGE_HELP = "In months: 0 to 59 is under-fives, 0 to 11 the first year. Leave blank for any age."


class ActivityForm(GovukFormMixin, forms.Form):
    widths = {"youngest_months": 4, "oldest_months": 4}

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the activity's name, for example “Stay and play”."},
    )
    kind = forms.ChoiceField(
        label="Kind of activity",
        choices=[("", "Choose a kind"), *Activity.Kind.choices],
        error_messages={"required": "Choose the kind of activity."},
    )
    audience = forms.ChoiceField(
        label="Who can come?",
        choices=Activity.Audience.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose who can come."},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What families can expect, as it would appear in a programme",
    )
    youngest_months = forms.IntegerField(
        label="Youngest age, in months",
        required=False,
        min_value=0,
        max_value=300,
        help_text=AGE_HELP,
        error_messages={
            "invalid": "Enter the youngest age as a whole number of months, like 0.",
            "min_value": "The youngest age cannot be less than 0 months.",
            "max_value": "Enter the youngest age in months (300 months is 25 years).",
        },
    )
    oldest_months = forms.IntegerField(
        label="Oldest age, in months",
        required=False,
        min_value=0,
        max_value=300,
        help_text="For example 59 for children under five",
        error_messages={
            "invalid": "Enter the oldest age as a whole number of months, like 59.",
            "min_value": "The oldest age cannot be less than 0 months.",
            "max_value": "Enter the oldest age in months (300 months is 25 years).",
        },
    )
    delivered_by = forms.ModelChoiceField(
        label="Delivered by",
        queryset=None,
        required=False,
        empty_label="The council's family hub staff",
        help_text="A partner agency that runs it, if not the council's staff",
        error_messages={"invalid_choice": "Choose an agency from the list."},
    )
    active = forms.BooleanField(
        label="In use",
        required=False,
        help_text="Untick to take the activity out of use: it is kept, with its sessions, but no "
        "new sessions can be arranged. Team managers only.",
    )

    def __init__(self, *args, agencies, may_deactivate: bool = False, editing: bool = False, **kw):
        super().__init__(*args, **kw)
        self.fields["delivered_by"].queryset = agencies
        if editing:
            self.fields["version"] = _version()
        else:
            self.fields["form_token"] = _token()
        if not (editing and may_deactivate):
            del self.fields["active"]

    def values(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in (
                "name",
                "kind",
                "audience",
                "description",
                "youngest_months",
                "oldest_months",
                "delivered_by",
            )
        }

    @staticmethod
    def initial_of(activity: Activity) -> dict:
        return {
            "name": activity.name,
            "kind": activity.kind,
            "audience": activity.audience,
            "description": activity.description,
            "youngest_months": activity.youngest_months,
            "oldest_months": activity.oldest_months,
            "delivered_by": activity.delivered_by_id,
            "active": activity.active,
            "version": activity.version,
        }


class _SessionFields(GovukFormMixin, forms.Form):
    widths = {"capacity": 3, "weeks": 3, "starts": 5, "ends": 5}

    site = forms.ModelChoiceField(
        label="Site",
        queryset=None,
        empty_label="Choose a site",
        error_messages={
            "required": session_actions.NO_SITE,
            "invalid_choice": "Choose a site from the list.",
        },
    )
    day = GovukDateField(
        label="Date",
        error_messages={"required": session_actions.NO_DATE},
    )
    starts = GovukTimeField(
        label="Starts at",
        error_messages={"required": session_actions.NO_START},
    )
    ends = GovukTimeField(
        label="Ends at",
        error_messages={"required": session_actions.NO_END},
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=rules_sites.MAX_CAPACITY,
        help_text="Each child or adult booked takes one place",
        error_messages={
            "required": session_actions.BAD_CAPACITY,
            "invalid": session_actions.BAD_CAPACITY,
            "min_value": session_actions.BAD_CAPACITY,
            "max_value": session_actions.BAD_CAPACITY,
        },
    )
    staff = forms.ModelMultipleChoiceField(
        label="Staff running it",
        queryset=None,
        required=False,
        widget=GovukCheckboxes,
        error_messages={"invalid_choice": "Choose staff from the list."},
    )
    partners = forms.ModelMultipleChoiceField(
        label="Partner agencies delivering it",
        queryset=None,
        required=False,
        widget=GovukCheckboxes,
        error_messages={"invalid_choice": "Choose partner agencies from the list."},
    )

    def __init__(self, *args, sites, staff, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda w: w.get_full_name() or w.username
        self.fields["partners"].queryset = agencies
        self.fields["day"].error_messages["invalid"] = (
            "Enter the session's date as a real date, like 14/01/2025."
        )
        self.fields["starts"].error_messages["invalid"] = (
            "Enter the time the session starts on the 24-hour clock, like 10:00."
        )
        self.fields["ends"].error_messages["invalid"] = (
            "Enter the time the session ends on the 24-hour clock, like 11:30."
        )


class SessionCreateForm(_SessionFields):
    """One session, or the same session every week for a number of weeks."""

    activity = forms.ModelChoiceField(
        label="Activity",
        queryset=None,
        empty_label="Choose an activity",
        error_messages={
            "required": session_actions.NO_ACTIVITY,
            "invalid_choice": "Choose an activity from the list.",
        },
    )
    weeks = forms.IntegerField(
        label="How many weeks?",
        min_value=1,
        max_value=rules_sites.MAX_SERIES_WEEKS,
        initial=1,
        help_text="1 for a single session. For more, the session is arranged on the same day and "
        "time every week, the first on the date above.",
        error_messages={
            "required": session_actions.BAD_WEEKS,
            "invalid": session_actions.BAD_WEEKS,
            "min_value": session_actions.BAD_WEEKS,
            "max_value": session_actions.BAD_WEEKS,
        },
    )
    skip_bank_holidays = forms.BooleanField(
        label="Skip bank holidays",
        required=False,
        initial=True,
        help_text="No session is arranged on a bank holiday (the series still ends on its last "
        "week)",
    )
    form_token = _token()

    field_order = [
        "activity",
        "site",
        "day",
        "starts",
        "ends",
        "weeks",
        "skip_bank_holidays",
        "capacity",
        "staff",
        "partners",
    ]

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class SessionEditForm(_SessionFields):
    version = _version()

    @staticmethod
    def initial_of(session) -> dict:
        starts, ends = session.starts_at.astimezone(LONDON), session.ends_at.astimezone(LONDON)
        return {
            "site": session.site_id,
            "day": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "capacity": session.capacity,
            "staff": list(session.staff.values_list("pk", flat=True)),
            "partners": list(session.partners.values_list("pk", flat=True)),
            "version": session.version,
        }


class SessionCancelForm(GovukFormMixin, forms.Form):
    version = _version()


class BookingSearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label="Find a registered family",
        required=False,
        max_length=100,
        help_text="Their family hub reference (like FH000123), or a name in the family",
    )


class BookingForm(GovukFormMixin, forms.Form):
    """Who in the chosen family to book."""

    people = forms.MultipleChoiceField(
        label="Who is coming?",
        widget=GovukCheckboxes,
        help_text="Each person ticked takes one place",
        error_messages={
            "required": "Choose at least one person to book a place for.",
            "invalid_choice": "Choose people from this family only.",
        },
    )
    form_token = _token()

    def __init__(self, *args, members, booked_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.person.pk): m.person for m in members}
        self.fields["people"].choices = [
            (
                str(m.person.pk),
                f"{m.person.shown_name} ({m.get_role_display().lower()})"
                + (" – already booked" if m.person.pk in booked_ids else ""),
            )
            for m in members
        ]

    def chosen_people(self) -> list:
        return [self.members[pk] for pk in self.cleaned_data["people"]]
