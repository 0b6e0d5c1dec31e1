"""Open311 GeoReport v2: apps read the categories (services) and reports (service
requests) and send new reports, in JSON or XML.

- ``GET services`` lists the categories a resident can choose (``service_code`` is the
  slug, ``group`` the main category); names and descriptions in the language asked with
  ``locale`` or Accept-Language, else Dutch (a category without a description in that
  language has none). No category asks extra questions (``metadata`` false),
  and a report gets its number at once (``type`` realtime).
- ``GET requests`` gives reports that went in, newest first: at most 90 days and at most
  1,000 of them (the standard's default window), filtered by ``service_request_id``,
  ``service_code``, ``start_date``/``end_date`` (with a timezone) and ``status``.
- ``POST requests`` takes a report from an app with its ``api_key``
  (``Open311Client``): it goes through ``actions.submit_report`` like the web form's,
  routing included. The app vouches for the reporter's email address (see there);
  names and phone numbers are not kept (we do not need them), nor ``device_id`` or
  ``account_id``; ``media_url`` is not fetched.

Nothing personal goes out: never the reporter's name, email or phone; a photo's address
only once a colleague checked the photos. Errors are the standard's list of ``code`` and
``description`` with status 400, 403 (API key, or a verification level for reports
above a confirmed email address, which an app cannot show for its user) or 404 (unknown
category or report); a sender over its rate limit (per address, and per app's api_key)
gets 429 in the same format. XML is written with ``xml.etree``; nothing here parses XML
(POST bodies are form-encoded).
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.exceptions import Ratelimited

from common.abuse import rate_limited
from common.geo import LATITUDE_RANGE, LONGITUDE_RANGE
from common.validators import validate_plain_text
from notifications.emails import absolute_url
from reports import actions
from reports.models import CLOSED, DESCRIPTION_MAX, OPEN, Category, Open311Client, Photo, Report

WINDOW_DAYS = 90
MAX_REQUESTS = 1000
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# Per resource: the XML root and the element of each item.
SERVICES = ("services", "service")
REQUESTS = ("service_requests", "request")
ERRORS = ("errors", "error")

Item = dict[str, Any]


class FormatConverter:
    """The format suffix of every Open311 address: ``.json`` or ``.xml``."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# --- writing JSON and XML ----------------------------------------------------------


# Characters XML 1.0 cannot hold (control characters, lone surrogates, non-characters).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_IN_XML.sub("", str(value))


def _xml_item(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_item(element, key, inner)
    elif isinstance(value, list):
        singular = tag.removesuffix("s")
        for inner in value:
            _xml_item(element, singular, inner)
    elif value is not None:
        element.text = _text(value)


def render(fmt: str, wrapper: tuple[str, str] | None, data: Any, status: int = 200) -> HttpResponse:
    """``data`` (a list of items, or one item when ``wrapper`` is ``None``) as the
    standard's JSON (the Spark mapping: the root becomes an array) or XML."""
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False)
        # What a client sent may come back in an error: never as markup, even to a
        # browser that sniffs.
        for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            text = text.replace(character, escaped)
        body = text.encode()
    else:
        if wrapper is None:
            root = ET.Element("root")
            _xml_item(root, "service_definition", data)
            root = root[0]
        else:
            root = ET.Element(wrapper[0])
            for item in data:
                _xml_item(root, wrapper[1], item)
        body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + body
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt], status=status)
    response["Access-Control-Allow-Origin"] = "*"  # public data; the POST needs its key
    return response


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The standard's error list, each error with the HTTP status as its code."""
    items = [{"code": status, "description": str(text)} for text in descriptions]
    return render(fmt, ERRORS, items, status=status)


def _datetime(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _end_of(day: date | None) -> str | None:
    if day is None:
        return None
    moment = datetime.combine(day, time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    return moment.isoformat(timespec="seconds")


def _coordinate(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


# --- services ----------------------------------------------------------------------


def _language(request: HttpRequest) -> str:
    """The language of names and messages: ``locale`` (``en``, ``en-GB``, ``nl_NL``) if
    given, else the first of Accept-Language's that the portal speaks, else Dutch."""
    codes = {code for code, _name in settings.LANGUAGES}
    asked = (request.GET.get("locale") or "").strip()
    if asked:
        candidates = [asked]
    else:
        header = request.headers.get("Accept-Language", "")
        ranked = []
        for position, part in enumerate(header.split(",")):
            tag, _sep, quality = part.strip().partition(";q=")
            try:
                weight = float(quality) if quality else 1.0
            except ValueError:
                weight = 0.0
            ranked.append((-weight, position, tag))
        candidates = [tag for _weight, _position, tag in sorted(ranked)]
    for tag in candidates:
        base = tag.strip().lower().replace("_", "-").split("-")[0]
        if base in codes:
            return base
    return settings.LANGUAGE_CODE


def _service(category: Category) -> Item:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": False,
        "type": "realtime",
        "keywords": None,
        "group": category.parent.name if category.parent is not None else None,
    }


@require_safe
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """The service list: the categories a resident can choose now."""
    with translation.override(_language(request)):
        items = [_service(category) for category in Category.objects.reportable()]
    return render(fmt, SERVICES, items)


@require_safe
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """A category's extra questions: none (every service has ``metadata`` false)."""
    category = Category.objects.reportable().filter(slug=code).first()
    if category is None:
        return errors(fmt, 404, gettext("Unknown service_code %(code)s.") % {"code": code})
    return render(fmt, None, {"service_code": category.service_code, "attributes": []})


# --- requests ----------------------------------------------------------------------


def _requests() -> Any:
    return (
        Report.objects.public()
        .for_listing()
        .select_related("department")
        .prefetch_related(
            Prefetch("photos", queryset=Photo.objects.order_by("pk"), to_attr="photo_list")
        )
    )


def _request_item(report: Report) -> Item:
    photos = report.photo_list if report.photos_checked else []  # type: ignore[attr-defined]
    return {
        "service_request_id": str(report.pk),
        "status": report.open311_status,
        "status_notes": str(report.get_status_display()),
        "service_name": report.category.name,
        "service_code": report.category.service_code,
        "description": report.description or None,
        "agency_responsible": report.department.name if report.department else None,
        "service_notice": None,
        "requested_datetime": _datetime(report.submitted_at or report.created_at),
        "updated_datetime": _datetime(report.closed_at if report.is_closed else report.updated_at),
        "expected_datetime": _end_of(report.due_date) if report.is_open else None,
        "address": report.place or None,
        "address_id": None,
        "zipcode": None,
        "lat": _coordinate(report.latitude),
        "long": _coordinate(report.longitude),
        "media_url": absolute_url(photos[0].get_absolute_url()) if photos else None,
    }


def _number(value: str) -> int | None:
    """A report number as the database can hold it, else ``None``."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _listed(values: str) -> list[str]:
    return [value.strip() for value in values.split(",") if value.strip()]


def _moment(request: HttpRequest, name: str, problems: list[str]) -> datetime | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))  # a "+" the client did not escape
    except (ValueError, OverflowError):
        moment = None
    if moment is None or timezone.is_naive(moment):
        problems.append(
            gettext("%(name)s must be a date and time with a timezone, like %(example)s.")
            % {"name": name, "example": "2026-01-31T09:00:00+01:00"}
        )
        return None
    try:
        # The database compares in UTC: a moment that is no date in UTC (the first hour of
        # the year 1 east of Greenwich) cannot be asked for.
        return moment.astimezone(UTC)
    except OverflowError:
        problems.append(gettext("Ask for dates between the years 1 and 9999."))
        return None


def _search(request: HttpRequest, fmt: str) -> HttpResponse:
    with translation.override(_language(request)):
        ids = _listed(request.GET.get("service_request_id") or "")
        if ids:
            # With ids, every other filter is ignored (the standard says so).
            numbers = [n for n in map(_number, ids) if n is not None][:MAX_REQUESTS]
            reports = _requests().filter(pk__in=numbers).order_by("-pk")
            return render(fmt, REQUESTS, [_request_item(report) for report in reports])
        problems: list[str] = []
        start, end = (
            _moment(request, "start_date", problems),
            _moment(request, "end_date", problems),
        )
        statuses = _listed((request.GET.get("status") or "").lower())
        if set(statuses) - {"open", "closed"}:
            problems.append(gettext("status must be open, closed or both (open,closed)."))
        if problems:
            return errors(fmt, 400, *problems)
        window = timedelta(days=WINDOW_DAYS)
        if start is None and end is None:
            end = timezone.now()
        try:
            if start is None:
                assert end is not None
                start = end - window
            if end is None:
                end = start + window
        except OverflowError:
            return errors(fmt, 400, gettext("Ask for dates between the years 1 and 9999."))
        if end < start:
            return errors(fmt, 400, gettext("end_date lies before start_date."))
        if end - start > window:
            return errors(
                fmt,
                400,
                gettext("Ask for at most %(days)d days at once.") % {"days": WINDOW_DAYS},
            )
        reports = _requests().filter(submitted_at__gte=start, submitted_at__lte=end)
        codes = _listed(request.GET.get("service_code") or "")
        if codes:
            reports = reports.filter(category__slug__in=codes)
        if set(statuses) == {"open"}:
            reports = reports.filter(status__in=OPEN)
        elif set(statuses) == {"closed"}:
            reports = reports.filter(status__in=CLOSED)
        reports = reports.order_by("-submitted_at", "-pk")[:MAX_REQUESTS]
        return render(fmt, REQUESTS, [_request_item(report) for report in reports])


@require_safe
def service_request(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """One report that went in; 404 for one that did not (yet)."""
    with translation.override(_language(request)):
        number = _number(request_id)
        report = _requests().filter(pk=number).first() if number is not None else None
        if report is None:
            return errors(
                fmt,
                404,
                gettext("Service request not found with id %(id)s.") % {"id": request_id},
            )
        return render(fmt, REQUESTS, [_request_item(report)])


class Open311RequestForm(forms.Form):
    """What an app may send with a new report (the rest of the standard's parameters
    are ignored); messages name the parameter, for the app's developer."""

    service_code = forms.SlugField(max_length=80)
    lat = forms.DecimalField(
        required=False,
        min_value=LATITUDE_RANGE[0],
        max_value=LATITUDE_RANGE[1],
    )
    long = forms.DecimalField(
        required=False,
        min_value=LONGITUDE_RANGE[0],
        max_value=LONGITUDE_RANGE[1],
    )
    address_string = forms.CharField(required=False, max_length=200)
    email = forms.EmailField(required=False, max_length=254)
    # The web form's limit (the model's): an app may send what a resident may type.
    description = forms.CharField(
        required=False, max_length=DESCRIPTION_MAX, validators=[validate_plain_text]
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        latitude, longitude = cleaned.get("lat"), cleaned.get("long")
        for name in ("lat", "long"):
            value = cleaned.get(name)
            if value is not None:
                cleaned[name] = value.quantize(Decimal("0.000001"))
        if self.has_error("lat") or self.has_error("long"):
            return cleaned
        if (latitude is None) != (longitude is None):
            raise ValidationError(_("Send lat and long together."))
        if latitude is None and not (cleaned.get("address_string") or "").strip():
            raise ValidationError(_("Say where it is: send lat and long, or address_string."))
        return cleaned

    def problems(self) -> list[str]:
        found = []
        for name, messages in self.errors.items():
            for message in messages:
                found.append(str(message) if name == "__all__" else f"{name}: {message}")
        return found


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    with translation.override(_language(request)):
        client = Open311Client.objects.for_key((request.POST.get("api_key") or "").strip())
        if client is None:
            return errors(fmt, 403, gettext("Invalid or missing api_key."))
        code = (request.POST.get("service_code") or "").strip()
        if not code:
            return errors(fmt, 400, gettext("service_code is required."))
        category = Category.objects.reportable().filter(slug=code).first()
        if category is None:
            return errors(fmt, 404, gettext("Unknown service_code %(code)s.") % {"code": code})
        form = Open311RequestForm(request.POST)
        if not form.is_valid():
            return errors(fmt, 400, *form.problems())
        data = form.cleaned_data
        has_point = data["lat"] is not None
        try:
            report = actions.submit_report(
                category=category,
                description=data["description"],
                latitude=data["lat"] if has_point else None,
                longitude=data["long"] if has_point else None,
                address=data["address_string"],
                email=data["email"],
                language=_language(request),
                client=client,
            )
        except actions.NotEntitledError as refused:
            # The municipality asks more than an address the app vouches for.
            return errors(fmt, 403, str(refused))
        days = category.term_working_days
        notice = ngettext(
            "We handle it within %(days)d working day.",
            "We handle it within %(days)d working days.",
            days,
        ) % {"days": days}
        item = {"service_request_id": str(report.pk), "service_notice": notice, "account_id": None}
        return render(fmt, REQUESTS, [item])


def _api_key(group: str, request: HttpRequest) -> str:
    """What the per-app limit counts by: the app's key as sent (django-ratelimit keeps
    only a hash of it in the cache)."""
    return "api_key:" + (request.POST.get("api_key") or "").strip()[:200]


@rate_limited("open311_client", key=_api_key)
@rate_limited("open311_request")
def _limited_create(request: HttpRequest, fmt: str) -> HttpResponse:
    """Counted per address like the web form, and per app (its api_key) whatever
    addresses it sends from; over either limit ``Ratelimited`` is raised and answered
    in the standard's format below."""
    return _create(request, fmt)


@csrf_exempt  # an app with an api_key, not a browser session: no form token to send
@require_http_methods(["GET", "HEAD", "POST"])
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: search the reports; POST: send one (with an ``api_key``)."""
    if request.method != "POST":
        return _search(request, fmt)
    try:
        return _limited_create(request, fmt)
    except Ratelimited:
        response = errors(fmt, 429, gettext("Too many requests. Try again in a minute."))
        response["Retry-After"] = "60"
        return response
