"""Strings of Django and django-allauth that the portal translates itself.

Our catalogue comes first (``LOCALE_PATHS``), so our Dutch wins over the libraries' own:
Django 6.1's Dutch catalogue lacks some back-office strings ("Filter by", "Search",
"Pagination"), its success messages put "De" before every name ("De initiatief"), and
its password hints say "Uw" where the portal says "je". Listing the strings here keeps
them in the catalogue when ``make messages`` runs. Nothing imports this module."""

from django.utils.translation import gettext_noop, ngettext_lazy

OVERRIDDEN = [
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Logout"),
    gettext_noop("Forgotten your login credentials?"),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", 1),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of the following related items will be deleted:"
    ),
    gettext_noop("- Select an option -"),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their related items will be deleted:"
    ),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. Would you like to login to a different account?"
    ),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop(
        "Items must be selected in order to perform actions on them. No items have been changed."
    ),
    gettext_noop("No action selected."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        1,
    ),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
]
