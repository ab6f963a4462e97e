from django import forms

from onestory.core.forms import GovukFormMixin


class SignInForm(GovukFormMixin, forms.Form):
    username = forms.CharField(label="Username", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}))
    password = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    widths = {"username": 20, "password": 20}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class SecondFactorForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your backup codes",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )
    widths = {"token": 10}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].error_messages["required"] = "Enter the security code"


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you need to open this record?",
        help_text="Your reason is recorded and the record's team manager is told.",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why you need to open this record",
            "min_length": "Give a fuller reason (at least 10 characters) so a manager can understand it",
        },
    )
