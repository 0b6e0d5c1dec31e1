import hashlib
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django.views.i18n import set_language

from portal import dashboard, my_page, notifications, privacy, public_cache, search
from portal import home as home_page
from portal.forms import DeleteAccountForm, NotificationPreferencesForm, PeriodForm
from portal.models import Notification, NotificationPreference, PortalPage, User
from portal.public_cache import shared_with_visitors


@require_safe
@shared_with_visitors
def home(request: HttpRequest) -> HttpResponse:
    # The same for everyone, signed in or not: kept while public content is unchanged.
    happening = public_cache.kept_while_unchanged("home", home_page.happening_now)
    return render(request, "portal/home.html", happening)


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the account so emails follow it."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


@require_safe
@shared_with_visitors
def portal_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(PortalPage, slug=slug)
    language = translation.get_language() or settings.LANGUAGE_CODE
    paragraphs = [p.strip() for p in page.body_for(language).split("\n\n") if p.strip()]
    return render(
        request,
        "portal/page.html",
        {"page": page, "title": page.title_for(language), "paragraphs": paragraphs},
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The answer to an error nobody caught (``handler500``). When the database cannot be
    reached (restarting, failing over), that is not the visitor's request going wrong: a
    503 that says to try again in a minute. Both pages render without the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: the web process and its database answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
@require_safe
@vary_on_headers("HX-Request")
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.visible_to(request.user), 25).get_page(
        request.GET.get("page")
    )
    template = "portal/notifications.html"
    if request.htmx:
        template += "#notification-list"
    return render(request, template, {"page": page})


@login_required
@require_POST
@vary_on_headers("HX-Request")
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    if request.htmx:
        notification.refresh_from_db()
        return render(
            request, "portal/notifications.html#notification-item", {"notification": notification}
        )
    messages.success(request, _("The notification is marked as read."))
    return redirect("portal:notifications")


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.visible_to(request.user).mark_read()
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("portal:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    kinds = notifications.kinds()
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None,
        kinds=kinds,
        preferences=notifications.preferences_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        for kind, (email, in_app) in form.cleaned_preferences().items():
            NotificationPreference.objects.update_or_create(
                user=request.user, kind=kind, defaults={"email": email, "in_app": in_app}
            )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("portal:notification_preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/notification_preferences.html", {"form": form}, status=status)


@csrf_exempt  # RFC 8058 one-click: the mail client posts without a session or token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (link scanners must not unsubscribe anyone); POST,
    from the page's button or from the mail client's one-click, applies it."""
    parsed = notifications.read_unsubscribe_token(token)
    if parsed is None:
        raise Http404
    user_id, kind = parsed
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404
    label = (
        _("the daily digest")
        if kind == notifications.DIGEST
        else notifications.get_kind(kind).label
    )
    if request.method == "POST":
        notifications.unsubscribe(user, kind)
        return render(request, "portal/unsubscribed.html", {"label": label})
    return render(request, "portal/unsubscribe.html", {"label": label, "token": token})


@login_required
@require_safe
def my_page_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/my_page.html", my_page.overview(request.user))


@login_required
@require_safe
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    """The readable version of the export: every table we keep something of yours in."""
    return render(
        request, "portal/my_data.html", {"export": privacy.export_personal_data(request.user)}
    )


@login_required
@require_safe
@never_cache
def my_data_download(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        privacy.export_personal_data(request.user),
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def delete_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_staff or user.is_superuser:
        # Staff accounts end with the job, through the municipality's own procedure.
        return render(request, "portal/delete_account_staff.html", status=403)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        privacy.erase_person(
            user=user,
            withdraw_open_initiatives=form.cleaned_data["withdraw_open_initiatives"],
        )
        logout(request)
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/delete_account.html", {"form": form}, status=status)


@require_safe
@vary_on_headers("HX-Request")
@shared_with_visitors
def search_view(request: HttpRequest) -> HttpResponse:
    """The portal-wide search. With htmx the results region updates as one types;
    without JavaScript the form submits and the same page comes back."""
    text = request.GET.get("q", "").strip()[:200]
    # The same hits for everyone: kept while public content is unchanged.
    key = f"search:{translation.get_language()}:{hashlib.sha256(text.encode()).hexdigest()}"
    groups = public_cache.kept_while_unchanged(key, lambda: search.search_everything(text))
    template = "portal/search.html"
    if request.htmx:
        template += "#search-results"
    return render(request, template, {"q": text, "groups": groups})


def _dashboard_for(request: HttpRequest) -> tuple[PeriodForm, dashboard.Period, int]:
    default = dashboard.Period.last_twelve_months()
    form = PeriodForm(
        request.GET if "start" in request.GET or "end" in request.GET else None,
        initial={"start": default.start, "end": default.end},
    )
    period, status = default, 200
    if form.is_bound:
        if form.is_valid():
            period = dashboard.Period(form.cleaned_data["start"], form.cleaned_data["end"])
        else:
            status = 400
    return form, period, status


@require_safe
@shared_with_visitors
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form, period, status = _dashboard_for(request)
    # Read only when the page's kept rendering is out of date.
    figures = SimpleLazyObject(lambda: dashboard.build_cached(period))
    return render(
        request,
        "portal/dashboard.html",
        {"form": form, "dashboard": figures, "query": request.GET.urlencode()},
        status=status,
    )


@require_safe
@shared_with_visitors
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    _form, period, status = _dashboard_for(request)
    if status != 200:
        return HttpResponse(
            _("The period is not valid."), status=400, content_type="text/plain; charset=utf-8"
        )
    figures = dashboard.build_cached(period)
    response = HttpResponse(figures.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{figures.period.start}-{figures.period.end}.csv"'
    )
    return response


@require_safe
def bench_baseline(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the base layout, no queries (only with BENCHMARK_VIEWS)."""
    return render(request, "base.html")
