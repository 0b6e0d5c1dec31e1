from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.admin_tools import short_date
from notifications import kinds
from notifications.models import Notification, NotificationPreference

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
    list_display = ["created", "recipient", "kind_name", "message", "email_state", "read"]
    created = short_date("created_at", _("created"), with_time=True)
    read = short_date("read_at", _("read"))
    list_filter = [KindFilter, "email_state"]
    list_select_related = ["recipient"]
    search_fields = ["message"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    date_hierarchy = "created_at"

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
