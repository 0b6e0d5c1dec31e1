from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from neighbourhoods.models import Event, Neighbourhood


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code", "population", "area_manager"]
    list_select_related = ["area_manager"]
    search_fields = ["name", "cbs_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area_manager"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "neighbourhood", "starts_at", "location", "rsvp_count"]
    list_filter = ["kind", "neighbourhood"]
    list_select_related = ["neighbourhood"]
    search_fields = ["title", "location"]
    date_hierarchy = "starts_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rsvp_total=Count("rsvps"))

    @admin.display(description=_("coming"), ordering="rsvp_total")
    def rsvp_count(self, obj: Event) -> int:
        return obj.rsvp_total
