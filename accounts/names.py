"""Names the back office shows that Django stores or builds in English: the roles (auth
groups, named by their English key), the permissions (their names are written to the
database once, in English) and the tables that link two others (``Decision-neighbourhood
relationship``). Each is shown in the reader's language instead; nothing stored changes.
The libraries' apps get names of their own, so the back office does not show allauth's
"Accounts" above ours, nor an English "MFA"."""

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accounts.models import Role

_ACTIONS = {
    "add": gettext_lazy("Can add %(name)s"),
    "change": gettext_lazy("Can change %(name)s"),
    "delete": gettext_lazy("Can delete %(name)s"),
    "view": gettext_lazy("Can view %(name)s"),
}


def role_name(group: Group) -> str:
    """A role by its name in the reader's language; another group by its own name."""
    if group.name in Role.values:
        return str(Role(group.name).label)
    return group.name


def permission_name(permission: Permission) -> str:
    """``app | model | what it allows``, each part in the reader's language."""
    model = permission.content_type.model_class()
    if model is None:
        return f"{permission.content_type} | {permission.name}"
    opts = model._meta
    action, _sep, rest = permission.codename.partition("_")
    name: Any = permission.name
    if action in _ACTIONS and rest == opts.model_name:
        name = _ACTIONS[action] % {"name": opts.verbose_name}
    else:
        for codename, label in opts.permissions:
            if codename == permission.codename:
                name = label
    return f"{apps.get_app_config(opts.app_label).verbose_name} | {opts.verbose_name} | {name}"


def in_the_readers_language() -> None:
    """Called once from ``AccountsConfig.ready``."""
    Group.__str__ = role_name  # type: ignore[method-assign, assignment]
    Permission.__str__ = permission_name  # type: ignore[method-assign, assignment]
    _LIBRARY_NAMES = {
        "account": gettext_lazy("Email addresses and sign-in"),
        "mfa": gettext_lazy("Two-step verification"),
    }
    for label, name in _LIBRARY_NAMES.items():
        if apps.is_installed(f"allauth.{label}"):
            apps.get_app_config(label).verbose_name = name
    if apps.is_installed("allauth.mfa"):
        authenticator = apps.get_model("mfa", "Authenticator")._meta
        authenticator.verbose_name = gettext_lazy("sign-in code app")
        authenticator.verbose_name_plural = gettext_lazy("sign-in code apps")
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if isinstance(through, type) and through._meta.auto_created:
                _name_link_table(through, model, field)


def _name_link_table(through: type[models.Model], model: type[models.Model], field: Any) -> None:
    target = field.remote_field.model._meta
    through._meta.verbose_name = format_lazy(
        "{} \N{EN DASH} {}", model._meta.verbose_name, target.verbose_name
    )
    through._meta.verbose_name_plural = format_lazy(
        "{} \N{EN DASH} {}", model._meta.verbose_name, target.verbose_name_plural
    )
    one, other = field.m2m_field_name(), field.m2m_reverse_field_name()

    def link_name(link: models.Model) -> str:
        return f"{getattr(link, one)} \N{EN DASH} {getattr(link, other)}"

    through.__str__ = link_name  # type: ignore[method-assign, assignment]
