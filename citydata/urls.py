from django.urls import path

from citydata import api, views

app_name = "citydata"

urlpatterns = [
    path("binnenstad/", views.dashboard_view, name="dashboard"),
    path("partners/", views.partner_home, name="partner_home"),
    path("partners/uploaden/", views.upload, name="upload"),
    path("partners/api/", views.api_docs, name="api_docs"),
    path(
        "api/v1/partners/datasets/<slug:slug>/observations",
        api.observations,
        name="api_observations",
    ),
    path("api/v1/datasets/<slug:slug>.json", views.dataset_json, name="dataset_json"),
    path("api/v1/datasets/<slug:slug>.csv", views.dataset_csv, name="dataset_csv"),
]
