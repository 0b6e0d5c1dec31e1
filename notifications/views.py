"""A person's notifications on the portal, their preferences, and unsubscribing from an email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from accounts.requests import SignedInRequest
from notifications import kinds
from notifications.forms import NotificationPreferencesForm
from notifications.models import Notification, NotificationPreference


@csrf_exempt  # it only sends the request on; the new address checks the form's token
def old_address(request: HttpRequest, rest: str) -> HttpResponse:
    """A page of the old ``/meldingen/`` addresses, moved for good to ``/berichten/``: 301
    for reading, 308 for a form sent to it (the method and body are kept), the query
    string kept."""
    url = f"/berichten/{rest}"
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    response = HttpResponsePermanentRedirect(url)
    if request.method not in ("GET", "HEAD"):
        response.status_code = 308
    return response


@login_required
@require_safe
@vary_on_headers("HX-Request")
def notification_list(request: SignedInRequest) -> HttpResponse:
    page = Paginator(Notification.objects.visible_to(request.user), 25).get_page(
        request.GET.get("page")
    )
    template = "notifications/list.html"
    if request.htmx:
        template += "#notification-list"
    return render(request, template, {"page": page})


@login_required
@require_POST
@vary_on_headers("HX-Request")
def notification_mark_read(request: SignedInRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    if request.htmx:
        notification.refresh_from_db()
        return render(
            request, "notifications/list.html#notification-item", {"notification": notification}
        )
    messages.success(request, _("The notification is marked as read."))
    return redirect("notifications:list")


@login_required
@require_safe
def notification_open(request: SignedInRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, on the portal or in an email (also of a kind the
    person only wants emailed): it counts as read, and the person goes where it points
    (only ever within the portal). Someone else's notification is a 404."""
    notification = get_object_or_404(Notification.objects.addressed_to(request.user), pk=pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notification_mark_all_read(request: SignedInRequest) -> HttpResponse:
    count = Notification.objects.visible_to(request.user).mark_read()
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: SignedInRequest) -> HttpResponse:
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None,
        kinds=kinds.kinds_for(request.user),
        preferences=kinds.preferences_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        for kind, (email, in_app) in form.cleaned_preferences().items():
            NotificationPreference.objects.update_or_create(
                user=request.user, kind=kind, defaults={"email": email, "in_app": in_app}
            )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


@csrf_exempt  # RFC 8058 one-click: the mail client posts without a session or token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (link scanners must not unsubscribe anyone); POST,
    from the page's button or from the mail client's one-click, applies it."""
    parsed = kinds.read_unsubscribe_token(token)
    if parsed is None:
        raise Http404
    user_id, kind, subject_id = parsed
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404
    label: str | Promise | None
    if kind == kinds.DIGEST:
        label = _("the daily digest")
    elif subject_id is not None:
        # One subscription (a saved area): named, and only the person's own.
        label = kinds.subject_label(user, kind, subject_id)
        if label is None:
            raise Http404
    else:
        label = kinds.get_kind(kind).label
    if request.method == "POST":
        if not kinds.unsubscribe(user, kind, subject_id):
            raise Http404
        return render(request, "notifications/unsubscribed.html", {"label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
