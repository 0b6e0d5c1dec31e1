from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import opendata, views

portal_patterns = [
    path("meldingen/", views.notification_list, name="notifications"),
    path("meldingen/<int:pk>/gelezen/", views.notification_mark_read, name="notification_read"),
    path("meldingen/alles-gelezen/", views.notification_mark_all_read, name="notifications_read"),
    path(
        "meldingen/instellingen/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path("uitschrijven/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("pagina/<slug:slug>/", views.portal_page, name="page"),
    path("zoeken/", views.search_view, name="search"),
    path("cijfers/", views.dashboard_view, name="dashboard"),
    path("cijfers.csv", views.dashboard_csv, name="dashboard_csv"),
    path("open-data/", opendata.open_data_page, name="open_data"),
    path("api/v1/initiatives.json", opendata.initiatives, name="api_initiatives"),
    path("api/v1/agenda-items.json", opendata.agenda_items, name="api_agenda_items"),
    path("api/v1/programmes.json", opendata.programmes, name="api_programmes"),
    path("api/v1/events.json", opendata.events, name="api_events"),
    path("api/v1/survey-results.json", opendata.surveys, name="api_surveys"),
    path(
        "api/v1/survey-results/<slug:slug>.json",
        opendata.survey_result,
        name="api_survey_results",
    ),
    path("api/v1/indicators.json", opendata.indicators, name="api_indicators"),
    path(
        "api/v1/neighbourhoods.geojson",
        opendata.neighbourhoods_geojson,
        name="api_neighbourhoods_geojson",
    ),
    path(
        "api/v1/initiatives.geojson",
        opendata.initiatives_geojson,
        name="api_initiatives_geojson",
    ),
    path("mijn/", views.my_page_view, name="my_page"),
    path("mijn/gegevens/", views.my_data, name="my_data"),
    path("mijn/gegevens.json", views.my_data_download, name="my_data_download"),
    path("mijn/account-verwijderen/", views.delete_account, name="delete_account"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("taal/", views.switch_language, name="set_language"),
    path("account/", include("allauth.urls")),
    path(f"{settings.PORTAL_ADMIN_PATH}/", admin.site.urls),
    path("", include((portal_patterns, "portal"))),
    path("wijken/", include("neighbourhoods.urls")),
    path("initiatieven/", include("initiatives.urls")),
    path("enquetes/", include("surveys.urls")),
    path("inkoop/", include("procurement.urls")),
    path("participatie/", include("participation.urls")),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("_bench/baseline/", views.bench_baseline))

handler500 = "portal.views.server_error"
