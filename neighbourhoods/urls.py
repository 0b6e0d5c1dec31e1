from django.urls import path

from neighbourhoods import views

app_name = "neighbourhoods"

urlpatterns = [
    path("", views.neighbourhood_list, name="list"),
    path("zoeken/", views.find_neighbourhood, name="find"),
    path("monitor.csv", views.monitor_csv, name="monitor_csv"),
    path("monitor/", views.area_monitor_view, name="area_monitor"),
    path("monitor/cijfers.csv", views.area_monitor_csv, name="area_monitor_csv"),
    path("activiteiten/", views.event_list, name="events"),
    path("activiteiten/<int:pk>/", views.event_detail, name="event"),
    path("activiteiten/<int:pk>/aanmelden/", views.event_rsvp, name="event_rsvp"),
    path("activiteiten/<int:pk>/agenda.ics", views.event_ics, name="event_ics"),
    path("projectfoto/<str:token>/", views.project_photo, name="project_photo"),
    path("<slug:slug>/", views.neighbourhood_detail, name="detail"),
    path("<slug:slug>/volgen/", views.neighbourhood_follow, name="follow"),
    path("<slug:slug>/agenda/", views.agenda, name="agenda"),
    path("<slug:slug>/agenda/nieuw/", views.agenda_propose, name="agenda_propose"),
    path("<slug:slug>/agenda/<int:pk>/", views.agenda_item, name="agenda_item"),
    path("<slug:slug>/agenda/<int:pk>/bewerken/", views.agenda_edit, name="agenda_edit"),
    path("<slug:slug>/agenda/<int:pk>/stem/", views.agenda_vote, name="agenda_vote"),
    path("<slug:slug>/programma/<int:year>/", views.programme_detail, name="programme"),
    path("<slug:slug>/programma/<int:year>/<int:pk>/", views.project_detail, name="project"),
    path(
        "<slug:slug>/programma/<int:year>/<int:pk>/volgen/",
        views.project_follow,
        name="project_follow",
    ),
    path("<slug:slug>/monitor/", views.monitor_view, name="monitor"),
]
