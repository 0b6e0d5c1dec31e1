"""The neighbourhood budget's open data, beside the portal's other open data under
/api/v1/: rounds, their checked plans, the anonymous tally and the winners."""

from django.urls import path

from budgets import views

app_name = "budgets_opendata"

urlpatterns = [
    path("api/v1/budget-rounds.json", views.open_data_json, name="json"),
    path("api/v1/budget-rounds.csv", views.open_data_csv, name="csv"),
]
