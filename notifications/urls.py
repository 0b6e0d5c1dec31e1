from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("meldingen/", views.notification_list, name="list"),
    path("meldingen/<int:pk>/gelezen/", views.notification_mark_read, name="read"),
    path("meldingen/<int:pk>/openen/", views.notification_open, name="open"),
    path("meldingen/alles-gelezen/", views.notification_mark_all_read, name="read_all"),
    path("meldingen/instellingen/", views.notification_preferences, name="preferences"),
    path("uitschrijven/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
