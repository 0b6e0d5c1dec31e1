"""A resident deletes their own account."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from privacy.registry import erasure_options


def add_erasure_option_fields(form: forms.Form, *, staff: bool = False) -> None:
    """One tick box per choice the apps offer a person whose account is erased (for
        example withdrawing their open initiatives), placed before the form's last field; staff
    erasing on a request by letter read them about the person."""
    fields = list(form.fields.items())
    options = [
        (
            option.key,
            forms.BooleanField(
                label=option.staff_label if staff else option.label,
                help_text="" if staff else option.help_text,
                required=False,
            ),
        )
        for option in erasure_options()
    ]
    form.fields = dict(fields[:-1] + options + fields[-1:])


def chosen_erasure_options(form: forms.Form) -> set[str]:
    """The keys of the erasure options ticked on a valid form."""
    return {option.key for option in erasure_options() if form.cleaned_data.get(option.key)}


class DeleteAccountForm(forms.Form):
    """The resident confirms, with their password, that their account goes for good."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone"),
        error_messages={"required": _("Tick this box to confirm.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        add_erasure_option_fields(self)

    def chosen_options(self) -> set[str]:
        return chosen_erasure_options(self)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password
