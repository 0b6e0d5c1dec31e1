from django.urls import path

from neighbourhoods import views

app_name = "neighbourhoods"

urlpatterns = [
    path("", views.neighbourhood_list, name="list"),
    path("<slug:slug>/", views.neighbourhood_detail, name="detail"),
]
