from django.contrib import admin

from overview.models import PortalPage


@admin.register(PortalPage)
class PortalPageAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_nl", "updated_at"]
