from django.urls import path

from neighbourhoods import views

app_name = "neighbourhoods"

urlpatterns = [
    path("", views.neighbourhood_list, name="list"),
    path("activiteiten/", views.event_list, name="events"),
    path("activiteiten/<int:pk>/", views.event_detail, name="event"),
    path("activiteiten/<int:pk>/aanmelden/", views.event_rsvp, name="event_rsvp"),
    path("<slug:slug>/", views.neighbourhood_detail, name="detail"),
]
