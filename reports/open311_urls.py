"""Open311 GeoReport v2 under /open311/v2/, each resource in .json and .xml."""

from django.urls import path, register_converter

from reports import open311

register_converter(open311.FormatConverter, "open311fmt")

app_name = "open311"

urlpatterns = [
    path("v2/services.<open311fmt:fmt>", open311.services, name="services"),
    path("v2/services/<slug:code>.<open311fmt:fmt>", open311.service_definition, name="service"),
    path("v2/requests.<open311fmt:fmt>", open311.service_requests, name="requests"),
    path("v2/requests/<str:request_id>.<open311fmt:fmt>", open311.service_request, name="request"),
]
