from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import views

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
]
