from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("panel/", views.panel, name="panel"),
    path("panel/verlaten/", views.panel_leave_confirm, name="panel_leave_confirm"),
    path("panel/verlaten/<str:token>/", views.panel_leave, name="panel_leave"),
    path("uitnodiging/<str:token>/", views.invitation, name="invitation"),
    path("indicatoren/", views.indicator_list, name="indicators"),
    path("indicatoren/<slug:slug>/", views.indicator_detail, name="indicator"),
    path("<slug:slug>/", views.survey_start, name="start"),
    path("<slug:slug>/pagina/<int:page>/", views.survey_page, name="page"),
    path("<slug:slug>/bedankt/", views.survey_thanks, name="thanks"),
    path("<slug:slug>/resultaten/", views.survey_results_view, name="results"),
    path("<slug:slug>/resultaten.csv", views.survey_results_csv, name="results_csv"),
]
