"""The portal's addresses: each app's own under its Dutch path."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import switch_language
from common.views import health
from overview.views import home

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("taal/", switch_language, name="set_language"),
    path("account/", include("allauth.urls")),
    path(f"{settings.PORTAL_ADMIN_PATH}/", admin.site.urls),
    path("", include("notifications.urls")),
    path("", include("privacy.urls")),
    path("", include("overview.urls")),
    path("wijken/", include("neighbourhoods.urls")),
    path("mijn/woonplaats/", include("neighbourhoods.verification_urls")),
    path("initiatieven/", include("initiatives.urls")),
    path("enquetes/", include("surveys.urls")),
    path("inkoop/", include("procurement.urls")),
    path("participatie/", include("participation.urls")),
    path("samen/", include("community.urls")),
    path("buurtradar/", include("radar.urls")),
    path("buurtbudget/", include("budgets.urls")),
    path("", include("budgets.opendata_urls")),
    path("openbare-ruimte/", include("reports.urls")),
    path("open311/", include("reports.open311_urls")),
    path("wat-leeft-er/", include("mood.urls")),
    path("", include("citydata.urls")),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("", include("bench.urls")))

handler500 = "common.views.server_error"
