"""Forms of the service directory: searching it, entering or editing a service, and uploading an
Open Referral UK feed."""

from django import forms

from onestory.core.forms import GovukFormMixin
from onestory.people.rules import normalise_postcode

from .actions import directory as actions
from .openreferral import MAX_BYTES
from .selectors_directory import possible_owners, wards

AGE_MAX = 25  # hand-set: family hubs serve 0 to 19, and up to 25 with SEND (DfE guidance)


class LenientChoiceField(forms.ChoiceField):
    """A choice whose stale value (a ward or category gone since the link was made) is not an
    error: a saved search link keeps working and finds nothing."""

    def validate(self, value):
        return None


class DirectorySearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the service's name, who runs it or what it offers, like “parenting”",
    )
    category = LenientChoiceField(label="Category", required=False)
    age = forms.IntegerField(
        label="Child's age in years",
        required=False,
        min_value=0,
        max_value=AGE_MAX,
        help_text="Services for a child of this age (and services for any age)",
        error_messages={
            "invalid": "Enter the child's age as a whole number of years, like 4.",
            "min_value": "Enter an age of 0 or more (0 for a baby under one).",
            "max_value": f"Enter an age of {AGE_MAX} or less: family hubs serve children and "
            "young people.",
        },
    )
    ward = LenientChoiceField(label="Ward", required=False)
    near = forms.CharField(
        label="Near a postcode",
        required=False,
        max_length=8,
        help_text="Services within about two miles, nearest first, like LU1 2AB",
    )
    widths = {"age": 3, "near": 10}

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any category")] + [(c, c) for c in categories]
        self.fields["ward"].choices = [("", "Any ward")] + [(w.code, w.name) for w in wards()]

    def clean_near(self):
        text = (self.cleaned_data.get("near") or "").strip()
        if text and normalise_postcode(text) is None:
            raise forms.ValidationError("Enter a real postcode, like LU1 2AB, or leave it empty.")
        return normalise_postcode(text) if text else ""


class ServiceForm(GovukFormMixin, forms.Form):
    """A service's details. Edit forms carry the version they were opened at."""

    name = forms.CharField(
        label="Name of the service",
        max_length=300,
        error_messages={
            "required": actions.NO_NAME,
            "max_length": "The name must be 300 characters or fewer.",
        },
    )
    organisation = forms.CharField(
        label="Who runs it",
        max_length=300,
        help_text="The council team, charity, school or health service that delivers it",
        error_messages={
            "required": actions.NO_ORGANISATION,
            "max_length": "Who runs it must be 300 characters or fewer.",
        },
    )
    description = forms.CharField(
        label="What it offers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What a family gets from it, in plain words",
    )
    categories = forms.CharField(
        label="Categories",
        required=False,
        max_length=1000,
        help_text="Separate them with commas, like “Parenting, Mental health”",
    )
    youngest_years = forms.IntegerField(
        label="Youngest age served, in years",
        required=False,
        min_value=0,
        max_value=120,
        help_text="Leave empty if there is no youngest age (0 for babies)",
        error_messages={
            "invalid": "Enter the youngest age as a whole number of years, like 0 or 5.",
            "min_value": "Enter an age of 0 or more.",
            "max_value": "Enter an age of 120 or less, or leave it empty.",
        },
    )
    oldest_years = forms.IntegerField(
        label="Oldest age served, in years",
        required=False,
        min_value=0,
        max_value=120,
        help_text="Leave empty if there is no oldest age",
        error_messages={
            "invalid": "Enter the oldest age as a whole number of years, like 4 or 19.",
            "min_value": "Enter an age of 0 or more.",
            "max_value": "Enter an age of 120 or less, or leave it empty.",
        },
    )
    eligibility = forms.CharField(
        label="Who it is for",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything else a family must meet, like “Luton residents with a child under 5”",
    )
    cost = forms.CharField(
        label="Cost",
        required=False,
        max_length=300,
        help_text="Like “Free” or “£2 a session”",
        error_messages={"max_length": "The cost must be 300 characters or fewer."},
    )
    address = forms.CharField(
        label="Where it is delivered",
        required=False,
        max_length=300,
        help_text="The venue and street; leave empty if it is online or by phone",
        error_messages={"max_length": "Where it is delivered must be 300 characters or fewer."},
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        error_messages={"max_length": actions.BAD_POSTCODE},
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        error_messages={"max_length": "The phone number must be 40 characters or fewer."},
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={
            "invalid": "Enter an email address like name@example.org, or leave it empty."
        },
    )
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address like https://www.example.org, or leave it empty.",
            "max_length": "The web address must be 500 characters or fewer.",
        },
    )
    accepts_referrals = forms.BooleanField(
        label="Families can be referred to it through onestory",
        required=False,
        help_text="Leave unticked if practitioners can only signpost families to it",
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=possible_owners(),
        required=False,
        empty_label="Nobody yet",
        help_text="Who keeps this entry up to date: they are reminded when it has not been "
        "checked for six months",
        error_messages={"invalid_choice": actions.OWNER_CANNOT_EDIT},
    )
    active = forms.BooleanField(
        label="The service is running",
        required=False,
        help_text="Untick when it has ended: it leaves the search but referrals to it are kept",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    widths = {"postcode": 10, "youngest_years": 3, "oldest_years": 3, "phone": 20}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = possible_owners()
        self.fields["owner"].label_from_instance = lambda w: f"{w} ({w.role_enum.label})"

    def details(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("form_token", None)
        data["categories"] = [c for c in (data.get("categories") or "").split(",") if c.strip()]
        return data

    @staticmethod
    def initial_of(service) -> dict:
        initial = {key: getattr(service, key) for key in actions.EDITABLE}
        initial["categories"] = ", ".join(service.categories or [])
        initial["owner"] = service.owner_id
        initial["version"] = service.version
        return initial


class FeedUploadForm(GovukFormMixin, forms.Form):
    feed = forms.FileField(
        label="Open Referral UK feed",
        help_text="A .json file saved from the feed's /services address",
        error_messages={
            "required": "Choose the feed's .json file to upload.",
            "empty": "The file you chose is empty: choose the feed's .json file.",
        },
    )
    dry_run = forms.BooleanField(
        label="Check the feed only: load nothing",
        required=False,
        help_text="See what would be loaded and rejected first",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["feed"].widget
        widget.attrs["class"] = widget.attrs["class"].replace("govuk-input", "govuk-file-upload")
        widget.attrs["accept"] = ".json,application/json"

    def clean_feed(self):
        upload = self.cleaned_data["feed"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: a directory feed is "
                "much smaller. Check you chose the right file."
            )
        return upload
