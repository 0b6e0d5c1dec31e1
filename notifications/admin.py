from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from common.admin_tools import short_date
from notifications import kinds
from notifications.models import Notification, NotificationPreference, portal_languages

# ModelAdmin is generic only in the stubs (at runtime it is not subscriptable).
if TYPE_CHECKING:
    NotificationAdminBase = admin.ModelAdmin[Notification]
    NotificationPreferenceAdminBase = admin.ModelAdmin[NotificationPreference]
else:
    NotificationAdminBase = NotificationPreferenceAdminBase = admin.ModelAdmin


def kind_label(key: str) -> str:
    """A kind by its name on the settings page, not its key (``initiative_update``)."""
    try:
        return str(kinds.get_kind(key).label)
    except ValueError:  # a kind no app registers any more
        return key


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(kind.key, kind.label) for kind in kinds.kinds()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(NotificationAdminBase):
    list_display = ["created", "recipient", "kind_name", "text", "email_state", "read"]
    created = short_date("created_at", _("created"), with_time=True)
    read = short_date("read_at", _("read"))
    list_filter = [KindFilter, "email_state"]
    list_select_related = ["recipient"]
    # The text in each language (a key of the JSON field each, so accents match too).
    search_fields = [f"messages__{code}" for code in portal_languages()]
    # Nothing is edited; the texts are shown each in its language instead of as JSON.
    exclude = ["messages"]
    readonly_fields = [
        *(field.name for field in Notification._meta.fields if field.name != "messages"),
        "text_in_each_language",
    ]
    date_hierarchy = "created_at"

    @admin.display(description=_("message"))
    def text(self, obj: Notification) -> str:
        """In the list: the text in the language the back office is read in."""
        return obj.message

    @admin.display(description=_("message"))
    def text_in_each_language(self, obj: Notification) -> SafeString:
        """On the notification's page: the text in every language, each named."""
        names = dict(settings.LANGUAGES)
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                '<dt>{}</dt><dd lang="{}">{}</dd>',
                (
                    (names.get(code, code), code, text)
                    for code, text in (obj.messages or {}).items()
                ),
            ),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, obj: Notification) -> str:
        return kind_label(obj.kind)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(NotificationPreferenceAdminBase):
    list_display = ["user", "kind_name", "email", "in_app"]
    list_filter = [KindFilter, "email"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, obj: NotificationPreference) -> str:
        return kind_label(obj.kind)

    list_select_related = ["user"]
