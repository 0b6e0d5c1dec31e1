from django.urls import path

from overview import opendata, views

app_name = "overview"

urlpatterns = [
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
    path("api/v1/area-figures.json", opendata.area_figures, name="api_area_figures"),
    path("api/v1/area-figures.csv", opendata.area_figures_csv, name="api_area_figures_csv"),
    path("mijn/", views.my_page_view, name="my_page"),
]
