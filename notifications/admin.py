from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.admin_tools import short_date
from notifications.models import Notification, NotificationPreference

# ModelAdmin is generic only in the stubs (at runtime it is not subscriptable).
if TYPE_CHECKING:
    NotificationAdminBase = admin.ModelAdmin[Notification]
    NotificationPreferenceAdminBase = admin.ModelAdmin[NotificationPreference]
else:
    NotificationAdminBase = NotificationPreferenceAdminBase = admin.ModelAdmin


@admin.register(Notification)
class NotificationAdmin(NotificationAdminBase):
    list_display = ["created", "recipient", "kind", "message", "email_state", "read"]
    created = short_date("created_at", _("created"), with_time=True)
    read = short_date("read_at", _("read"))
    list_filter = ["kind", "email_state"]
    list_select_related = ["recipient"]
    search_fields = ["message"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(NotificationPreferenceAdminBase):
    list_display = ["user", "kind", "email", "in_app"]
    list_filter = ["kind", "email"]
    list_select_related = ["user"]
