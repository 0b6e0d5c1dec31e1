from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("berichten/", views.notification_list, name="list"),
    path("berichten/<int:pk>/gelezen/", views.notification_mark_read, name="read"),
    path("berichten/<int:pk>/openen/", views.notification_open, name="open"),
    path("berichten/alles-gelezen/", views.notification_mark_all_read, name="read_all"),
    path("berichten/instellingen/", views.notification_preferences, name="preferences"),
    path("uitschrijven/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # The pages were called "meldingen" before the public-space reports took that word;
    # links in emails and bookmarks from then still arrive here.
    path("meldingen/", views.old_address, {"rest": ""}, name="old_address_root"),
    path("meldingen/<path:rest>", views.old_address, name="old_address"),
]
