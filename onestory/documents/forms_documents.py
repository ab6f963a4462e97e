"""Forms for adding a document to a record, taking one off, and searching notes and documents."""

from django import forms

from onestory.core.forms import GovukCheckboxes, GovukDateField, GovukFormMixin, GovukRadios

from . import actions_documents as actions
from .checks import ACCEPTED_HINT
from .models import Document


class UploadForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Choose the file to upload.", "empty": "The file is empty."},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What the document is, for example 'Letter from the school about attendance'",
        error_messages={"required": "Enter a title for the document."},
    )
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=Document.Kind.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose what kind of document it is."},
    )
    dated = GovukDateField(
        label="Date on the document",
        error_messages={"required": "Enter the date on the document, for example 27/03/2026."},
    )
    visibility = forms.ChoiceField(
        label="Who may see it?",
        choices=Document.Visibility.choices,
        widget=GovukRadios,
        initial=Document.Visibility.RECORD,
        error_messages={"required": "Choose who may see the document."},
    )
    people = forms.MultipleChoiceField(
        label="Who is the document about?",
        widget=GovukCheckboxes,
        help_text="It is shown on the record of each person you choose",
        error_messages={"required": actions.NO_PEOPLE, "invalid_choice": actions.NOT_OPEN},
    )

    def __init__(self, *args, offered=(), max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(str(o.person.pk), o.label) for o in offered]
        size = f"{max_bytes // (1024 * 1024)} MB"
        self.fields["file"].help_text = f"{ACCEPTED_HINT}, smaller than {size}"
        self.fields["file"].widget.attrs["class"] = "govuk-file-upload"


class RemoveForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why are you taking it off the record?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example 'Added to the wrong child's record'. The file is kept for the "
        "audit trail",
        error_messages={"required": actions.NO_REASON},
    )


class SearchForm(GovukFormMixin, forms.Form):
    """Sent by POST so that the words searched for (often a name) never appear in a URL."""

    q = forms.CharField(
        label="Search case notes and documents",
        max_length=200,
        help_text="Words in a note or a document, for example 'attendance officer'",
        error_messages={"required": "Enter the words to search for."},
    )
    page = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
