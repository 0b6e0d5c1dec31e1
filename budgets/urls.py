from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/plan-indienen/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/stemmen/", views.ballot, name="ballot"),
    path("<int:pk>/uitslag/", views.results, name="results"),
    path("<int:pk>/uitslag.csv", views.results_csv, name="results_csv"),
    path("<int:pk>/voortgang/", views.progress, name="progress"),
]
