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
    path("contracten/", views.contracts, name="contracts"),
    path("contracten.csv", views.contracts_csv, name="contracts_csv"),
    path("cijfers/", views.figures_page, name="figures"),
    path("cijfers.csv", views.figures_csv, name="figures_csv"),
    path("contractdocument/<int:pk>/", views.contract_document, name="contract_document"),
    path("bewijs/<int:pk>/", views.evidence, name="evidence"),
    path("leverancier/contracten/", views.supplier_contracts, name="supplier_contracts"),
    path("leverancier/contracten/<int:pk>/", views.supplier_contract, name="supplier_contract"),
    path("leverancier/activiteit/<int:pk>/", views.activity_answer, name="activity_answer"),
    path("leverancier/prestatiemeting/<int:pk>/", views.kpi_response, name="kpi_response"),
    path("leverancier/", views.profile, name="profile"),
    path("leverancier/kalenderlink/", views.renew_feed, name="renew_feed"),
    path("leverancier/aanmelden/", views.register, name="register"),
    path("leverancier/team/", views.team_invite, name="team_invite"),
    path("leverancier/team/<str:token>/", views.team_accept, name="team_accept"),
]
