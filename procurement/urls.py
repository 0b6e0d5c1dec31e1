from django.urls import path

from procurement import views

app_name = "procurement"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("kalender.ics", views.calendar_ics, name="calendar_ics"),
    path("kalender.csv", views.calendar_csv, name="calendar_csv"),
    path("ocds.json", views.ocds, name="ocds"),
    path("kalender/<str:token>.ics", views.supplier_ics, name="supplier_ics"),
    path("aanbesteding/<int:pk>/", views.tender_detail, name="tender"),
    path("aanbesteding/<int:pk>/interesse/", views.tender_interest, name="interest"),
    path("cpv/", views.cpv_search, name="cpv_search"),
    path("leverancier/", views.profile, name="profile"),
    path("leverancier/kalenderlink/", views.renew_feed, name="renew_feed"),
    path("leverancier/aanmelden/", views.register, name="register"),
    path("leverancier/team/", views.team_invite, name="team_invite"),
    path("leverancier/team/<str:token>/", views.team_accept, name="team_accept"),
]
