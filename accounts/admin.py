"""allauth's list of authenticator apps in the back office, with its columns named in the
reader's language (allauth's fields have no names of their own, so Django showed
"CREATED AT" on Dutch pages)."""

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

LABELS = {
    "user": _("user"),
    "type": _("type"),
    "created_at": _("created at"),
    "last_used_at": _("last used at"),
}


class AuthenticatorForm(forms.ModelForm):  # type: ignore[type-arg]  # allauth ships no types
    class Meta:
        model = Authenticator
        fields = ("user", "type", "data", "created_at", "last_used_at")
        labels = LABELS


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class PortalAuthenticatorAdmin(AuthenticatorAdmin):  # type: ignore[misc]  # allauth: untyped
    form = AuthenticatorForm
    list_display = ("user", "authenticator_type", "created", "last_used")
    list_filter = ("type",)

    @admin.display(description=LABELS["type"], ordering="type")
    def authenticator_type(self, obj: Authenticator) -> str:
        return str(obj.get_type_display())

    @admin.display(description=LABELS["created_at"], ordering="created_at")
    def created(self, obj: Authenticator) -> object:
        return obj.created_at

    @admin.display(description=LABELS["last_used_at"], ordering="last_used_at")
    def last_used(self, obj: Authenticator) -> object:
        return obj.last_used_at
