from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("nieuw/", views.initiative_create, name="create"),
    path("vergelijkbaar/", views.similar_initiatives, name="similar"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/bewerken/", views.initiative_edit, name="edit"),
    path("<int:pk>/voorbeeld/", views.initiative_preview, name="preview"),
    path("<int:pk>/indienen/", views.initiative_submit, name="submit"),
    path("<int:pk>/intrekken/", views.initiative_withdraw, name="withdraw"),
    path("<int:pk>/antwoorden/", views.initiative_answer, name="answer"),
    path("<int:pk>/steunen/", views.initiative_support, name="support"),
    path("<int:pk>/volgen/", views.initiative_follow, name="follow"),
    path("<int:pk>/reageren/", views.comment_create, name="comment"),
    path("<int:pk>/markt/", views.market_signup, name="market_signup"),
    path("reacties/<int:pk>/melden/", views.comment_report, name="report"),
    path("bestanden/<str:token>/", views.attachment, name="attachment"),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation"),
]
