"""Form helpers that give every field the GOV.UK Design System's classes and error wiring."""

from django import forms

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y"]
DATE_HINT = "For example, 27/03/2015"


class GovukDateField(forms.DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
        )
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = (
            "Enter a real date in the format day/month/year, for example 27/03/2015."
        )


class GovukRadios(forms.RadioSelect):
    """Radios whose first input carries the field's id, so the error summary can link to it."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else f"{id_}-{index}"


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose first input carries the field's id, so the error summary links to it."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else f"{id_}-{index}"


class GovukTimeField(forms.TimeField):
    """A time of day typed as HH:MM on the 24-hour clock."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M", "%H%M"])
        kwargs.setdefault("widget", forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}))
        kwargs.setdefault("help_text", "On the 24-hour clock, for example 14:30")
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = "Enter a real time on the 24-hour clock, like 14:30."


class GovukFormMixin:
    """Adds GOV.UK classes, error states and hint/error ids to every widget."""

    widths = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = {
                forms.Select: "govuk-select",
                forms.Textarea: "govuk-textarea",
                forms.SelectMultiple: "govuk-select",
            }.get(type(widget), "govuk-input")
            if isinstance(field, forms.DateField):
                css += " govuk-input--width-10"
            elif name in self.widths:
                css += f" govuk-input--width-{self.widths[name]}"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self._field_id(name)}-hint"

    # An action's name for a detail, where the form's field has another name.
    action_field_names: dict = {}

    def field_for_problem(self, name: str | None) -> str | None:
        """The field an action's problem with `name` is shown beside (None: above the form)."""
        name = self.action_field_names.get(name, name)
        return name if name in self.fields else None

    def add_domain_error(self, error) -> None:
        """Show an action's refusal (a DomainError) beside the fields it is about."""
        problems = getattr(error, "problems", None) or {error.field: error.message}
        for name, message in problems.items():
            self.add_error(self.field_for_problem(name), message)

    def _field_id(self, name: str) -> str:
        return f"id_{self.add_prefix(name)}"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                for base in ("govuk-input", "govuk-select", "govuk-textarea"):
                    if base in widget.attrs.get("class", "").split():
                        widget.attrs["class"] += f" {base}--error"
                ids = [
                    f"{self._field_id(name)}-error-{i + 1}" for i in range(len(self.errors[name]))
                ]
                if self.fields[name].help_text:
                    ids.insert(0, f"{self._field_id(name)}-hint")
                widget.attrs["aria-describedby"] = " ".join(ids)
