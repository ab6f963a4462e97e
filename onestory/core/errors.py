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

