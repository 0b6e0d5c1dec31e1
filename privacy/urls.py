from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("mijn/gegevens/", views.my_data, name="my_data"),
    path("mijn/gegevens.json", views.my_data_download, name="my_data_download"),
    path("mijn/account-verwijderen/", views.delete_account, name="delete_account"),
]
