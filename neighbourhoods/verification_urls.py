"""The page where a resident shows where they live (mounted at ``/mijn/woonplaats/``)."""

from django.urls import path

from neighbourhoods import verification_views

app_name = "verification"

urlpatterns = [
    path("", verification_views.start, name="start"),
    path("digid/", verification_views.digid_start, name="digid_start"),
    path("digid/terug/", verification_views.digid_callback, name="digid_callback"),
]
