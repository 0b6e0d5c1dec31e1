from django.contrib import admin

from neighbourhoods.models import Neighbourhood


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code", "population", "area_manager"]
    list_select_related = ["area_manager"]
    search_fields = ["name", "cbs_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area_manager"]
