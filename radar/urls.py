from django.urls import path

from radar import views

app_name = "radar"

urlpatterns = [
    path("", views.area_list, name="list"),
    path("nieuw/", views.area_create, name="create"),
    path("<int:pk>/wijzigen/", views.area_edit, name="edit"),
    path("<int:pk>/verwijderen/", views.area_delete, name="delete"),
]
