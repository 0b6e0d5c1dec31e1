from django.urls import path

from participation import feeds, views

app_name = "participation"

urlpatterns = [
    path("", views.process_list, name="processes"),
    path("opgaveteams/", views.team_list, name="teams"),
    path("opgaveteams/<int:pk>/", views.team_detail, name="team"),
    path("opgaveteams/<int:pk>/aanmelden/", views.team_apply, name="team_apply"),
    path("opgaveteams/<int:pk>/voortgang/", views.team_log, name="team_log"),
    path("raadsvragen/", views.council_list, name="council"),
    path("raadsvragen/nieuw/", views.council_ask, name="council_ask"),
    path("raadsvragen/<int:pk>/", views.council_question, name="council_question"),
    path("besluiten/", views.decision_list, name="decisions"),
    path("besluiten/volgen/", views.decision_follow, name="decision_follow"),
    path("besluiten/rss/", feeds.DecisionsFeed(), name="decisions_rss"),
    path("besluiten/atom/", feeds.DecisionsAtomFeed(), name="decisions_atom"),
    path("besluiten/<int:pk>/", views.decision_detail, name="decision"),
    path("<slug:slug>/", views.process_detail, name="process"),
    path("<slug:slug>/volgen/", views.process_follow, name="process_follow"),
]
