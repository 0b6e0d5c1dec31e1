from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("nieuw/", views.post_create, name="post_create"),
    path("aanbod/<int:pk>/", views.post_detail, name="post"),
    path("aanbod/<int:pk>/reageren/", views.post_reply, name="post_reply"),
    path("aanbod/<int:pk>/wijzigen/", views.post_edit, name="post_edit"),
    path("vrijwilligers/<int:pk>/", views.call_detail, name="call"),
    path("vrijwilligers/<int:pk>/aanmelden/", views.call_respond, name="call_respond"),
    path(
        "vrijwilligers/nieuw/initiatief/<int:initiative>/",
        views.call_create,
        name="call_create",
    ),
    path("wijk/<slug:slug>/", views.networks, name="networks"),
    path("wijk/<slug:slug>/aanmelden/", views.join, name="join"),
    path("ambassadeurs/<int:pk>/", views.ambassador, name="ambassador"),
    path("ambassadeurs/<int:pk>/schrijven/", views.ambassador_contact, name="ambassador_contact"),
    path("coach/initiatief/<int:initiative>/", views.coach_ask, name="coach_ask"),
    path("coach/<int:pk>/", views.coaching, name="coaching"),
    path("berichten/", views.conversations, name="conversations"),
    path("berichten/<int:pk>/", views.conversation, name="conversation"),
    path("berichten/<int:pk>/e-mailadres/", views.conversation_share, name="conversation_share"),
    path("berichten/<int:pk>/blokkeren/", views.conversation_block, name="conversation_block"),
    path("berichten/bericht/<int:pk>/melden/", views.message_report, name="message_report"),
]
