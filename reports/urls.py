from django.urls import path

from reports import improvements, opendata, questions, views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("meldingen.json", opendata.reports_json, name="opendata_json"),
    path("meldingen.geojson", opendata.reports_geojson, name="opendata_geojson"),
    path("meldingen.csv", opendata.reports_csv, name="opendata_csv"),
    path("melden/", views.report_create, name="create"),
    path("jij-zei-wij-deden/", improvements.you_said_we_did, name="improvements"),
    path("bevestigen/", views.confirm, name="confirm"),
    path("bevestigen/<str:token>/", views.confirm_link, name="confirm_link"),
    path("tevredenheid/", views.feedback, name="feedback"),
    path("tevredenheid/bedankt/", views.feedback_thanks, name="feedback_thanks"),
    path("tevredenheid/heropenen/", views.feedback_reopen, name="feedback_reopen"),
    path("tevredenheid/<str:token>/", views.feedback_link, name="feedback_link"),
    path("foto/<str:token>/", views.photo, name="photo"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/ook-gezien/", views.report_support, name="support"),
    # Questions to the municipality (webcare).
    path("vragen/", questions.question_list, name="questions"),
    path("vragen/stellen/", questions.question_create, name="question_create"),
    path("vragen/<int:pk>/", questions.question_detail, name="question"),
]
