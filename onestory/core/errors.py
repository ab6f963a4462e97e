"""Errors a user can read. Actions raise these; views turn them into form errors."""


class DomainError(Exception):
    """A rule of the service refused the change. The message is shown to the user as it is."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class StaleEdit(DomainError):
    """Someone else saved the record after this form was opened."""

    def __init__(self, what: str = "record"):
        super().__init__(
            f"Someone else changed this {what} after you opened it. Your changes have not been "
            f"saved: they are still in the form below. Check the current {what}, then save again."
        )


class DetailsRefused(DomainError):
    """One or more details break a rule; `problems` maps each field (or None) to its message."""

    def __init__(self, problems: dict[str | None, str]):
        field, message = next(iter(problems.items()))
        super().__init__(message, field=field)
        self.problems = problems


def full_clean_or_refuse(instance, refusal=DetailsRefused, **kwargs) -> None:
    """Run the model's own validation; every problem it finds becomes one `refusal`."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        problems = {
            (None if field == "__all__" else field): " ".join(messages)
            for field, messages in error.message_dict.items()
        }
        raise refusal(problems) from error
