"""The resident's side of public-space reports: the public map and list, a report's
page, the report form, "I saw this too", the confirmation link, and "is it solved?"
after a report closed (with reopening)."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from common.abuse import rate_limited
from common.paging import CityScalePaginator
from common.public_cache import cached_while_unchanged, key_for, public_page
from neighbourhoods.verification import Refusal
from reports import access, actions, confirmation, question_actions
from reports.forms import FeedbackForm, ReportForm, SupportForm
from reports.models import (
    NEARBY_DAYS,
    NEARBY_METRES,
    Feedback,
    FeedbackSubject,
    Photo,
    Report,
    Status,
    feedback_days,
    reopen_days,
)

PAGE_SIZE = 25
SESSION_TOKEN = "reports.confirm"  # noqa: S105  # the session key, not a secret
SESSION_FEEDBACK = "reports.feedback"
SESSION_FEEDBACK_GIVEN = "reports.feedback_given"


def get_report_for(request: HttpRequest, pk: int) -> Report:
    """How views fetch a report: 404 for one that did not go in (waiting for its email
    confirmation), which looks exactly like a missing page."""
    return get_object_or_404(Report.objects.public().for_listing(), pk=pk)


def _see_other(url: str) -> HttpResponseRedirect:
    """303 See Other: on to a page whose address holds no secret."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@require_safe
@public_page("reports")
def report_list(request: HttpRequest) -> HttpResponse:
    """Open and recently closed reports, newest first, on a map and in a list; nothing
    about who reported them."""

    def render_results() -> str:
        reports = (
            Report.objects.public().on_public_list().for_listing().order_by("-submitted_at", "-pk")
        )
        page = CityScalePaginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
        points = [
            {
                "lat": float(report.latitude),
                "lng": float(report.longitude),
                "title": f"#{report.pk} {report.category.name}",
                "status": report.get_status_display(),
                "url": report.get_absolute_url(),
            }
            for report in page.object_list
            if report.latitude is not None
        ]
        context = {"page": page, "map_points": points}
        return render_to_string("reports/list.html#results", context, request=request)

    # The list is the same for everyone who asks for the same page, signed in or not.
    results = cached_while_unchanged(
        key_for("report-results", request.LANGUAGE_CODE, request.get_full_path()),
        render_results,
    )
    return render(request, "reports/list.html", {"results": results})


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request, pk)
    changes = list(report.changes.order_by("created_at", "pk"))
    photos = list(report.photos.all()) if report.photos_checked else []
    is_supporter = (
        request.user.is_authenticated
        and report.supporters.filter(user=request.user, confirmed_at__isnull=False).exists()
    )
    today = timezone.localdate()
    days_left = report.working_days_left(today)
    context = {
        "report": report,
        "changes": changes,
        "photos": photos,
        "days_left": days_left,
        "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
        "is_supporter": is_supporter,
        "is_reporter": request.user.is_authenticated and report.reporter_id == request.user.pk,
        "support_form": SupportForm() if not request.user.is_authenticated else None,
    }
    if report.latitude is not None and report.longitude is not None:
        context["map_points"] = [
            {
                "lat": float(report.latitude),
                "lng": float(report.longitude),
                "title": f"#{report.pk} {report.category.name}",
                "status": report.get_status_display(),
                "url": report.get_absolute_url(),
            }
        ]
    return render(request, "reports/detail.html", context)


@require_http_methods(["GET", "POST"])
@rate_limited("public_space_report")
def report_create(request: HttpRequest) -> HttpResponse:
    """The report form, for a resident signed in or not. Before a report goes in, the
    same kind of report close by (in the past weeks) is shown once: the resident can
    add themselves to it instead. When the municipality asks more than a confirmed
    email address, a visitor signs in and shows it first, and a resident is told what is
    missing for the place they report."""
    signed_in = request.user.is_authenticated
    if not signed_in and not access.visitors_may_report():
        refused = access.refusal(None, None)
        assert refused is not None
        return _not_entitled(request, refused)
    form = ReportForm(request.POST or None, request.FILES or None, signed_in=signed_in)
    nearby: list[Report] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["latitude"] is not None and not data["seen_nearby"]:
            nearby = Report.objects.public().nearby(
                category=data["category"], latitude=data["latitude"], longitude=data["longitude"]
            )
        refused = access.refusal(
            request.user, access.neighbourhood_of(data["latitude"], data["longitude"])
        )
        if refused is not None:
            return _not_entitled(request, refused)
        if not nearby:
            try:
                report = actions.submit_report(
                    category=data["category"],
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    address=data["address"],
                    photos=data["photos"] or [],
                    reporter=request.user if isinstance(request.user, User) else None,
                    email=data.get("email", ""),
                    language=get_language() or "nl",
                )
            except actions.NotEntitledError as error:  # the level changed since the check
                return _not_entitled(request, error.refusal)
            if signed_in:
                messages.success(
                    request,
                    _("Thank you. Your report went in as number %(number)s.")
                    % {"number": report.pk},
                )
                return redirect(report)
            return render(request, "reports/check_email.html", {"support": False})
        # Shown once; sending again sends the resident's own report.
        data_again = request.POST.copy()
        data_again["seen_nearby"] = "True"
        form.data = data_again
    status = 400 if request.method == "POST" and not nearby else 200
    return render(
        request,
        "reports/form.html",
        {
            "form": form,
            "nearby": nearby,
            "nearby_metres": NEARBY_METRES,
            "nearby_weeks": NEARBY_DAYS // 7,
            "photos_sent": bool(request.FILES),
        },
        status=status,
    )


def _not_entitled(request: HttpRequest, refused: Refusal) -> HttpResponse:
    """What the person must show before they can report, said on the page where they
    can show it (a visitor signs in first); back to the form afterwards."""
    messages.error(request, str(refused.message))
    return redirect(refused.url_back_to(reverse("reports:create")))


@require_POST
@rate_limited("public_space_support")
def report_support(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ik heb dit ook gezien": a signed-in resident counts at once, a visitor after
    confirming their email address."""
    report = get_report_for(request, pk)
    if request.user.is_authenticated:
        try:
            _supporter, created = actions.add_supporter(report=report, user=request.user)
        except actions.ReportError as error:
            messages.error(request, str(error))
            return redirect(report)
        if created:
            messages.success(request, _("Thank you: you are counted, and you hear what happens."))
        else:
            messages.info(request, _("You had already added yourself to this report."))
        return redirect(report)
    form = SupportForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "reports/support.html",
            {"report": report, "support_form": form},
            status=400,
        )
    try:
        actions.add_supporter(
            report=report, email=form.cleaned_data["email"], language=get_language() or "nl"
        )
    except actions.ReportError as error:
        messages.error(request, str(error))
        return redirect(report)
    return render(request, "reports/check_email.html", {"support": True, "report": report})


@require_safe
def confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the email: its token moves into the session and the browser goes on
    to an address without it (so it never reaches the access log twice or a referrer)."""
    request.session[SESSION_TOKEN] = token
    return _see_other(reverse("reports:confirm"))


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    """Confirming the email address: a button, so a mail scanner that opens links does
    not confirm for the resident."""
    token = request.session.get(SESSION_TOKEN, "")
    read = actions.read_confirmation_token(token) if token else None
    if read is None:
        # Too old or forged: worded for a question when the link was for one.
        invalid = {
            "invalid": True,
            "question": confirmation.token_kind(token) == confirmation.QUESTION,
        }
        return render(request, "reports/confirm.html", invalid, status=400 if token else 200)
    kind = read[0]
    if request.method == "POST":
        request.session.pop(SESSION_TOKEN, None)
        if kind == confirmation.QUESTION:
            question = question_actions.confirm_question(pk=read[1])
            if question is None:
                invalid = {"invalid": True, "question": True}
                return render(request, "reports/confirm.html", invalid, status=400)
            messages.success(
                request,
                _(
                    "Thank you. Your question went in as number %(number)s. You get the "
                    "answer by email."
                )
                % {"number": question.pk},
            )
            return _see_other(reverse("reports:questions"))
        try:
            report = actions.confirm(token=token)
        except actions.NotEntitledError as error:
            return _not_entitled(request, error.refusal)
        if report is None:
            return render(request, "reports/confirm.html", {"invalid": True}, status=400)
        if kind == confirmation.REPORT:
            messages.success(
                request,
                _("Thank you. Your report went in as number %(number)s.") % {"number": report.pk},
            )
        else:
            messages.success(request, _("Thank you: you are counted, and you hear what happens."))
        return _see_other(report.get_absolute_url())
    return render(
        request,
        "reports/confirm.html",
        {"support": kind == confirmation.SUPPORT, "question": kind == confirmation.QUESTION},
    )


@require_safe
def photo(request: HttpRequest, token: str) -> FileResponse:
    """A report's photo: on the portal only after a colleague checked it; the reporter
    and colleagues who may see reports see it before."""
    item = get_object_or_404(Photo.objects.select_related("report"), token=token)
    report = item.report
    user = request.user
    allowed = (report.status != Status.UNCONFIRMED and report.photos_checked) or (
        user.is_authenticated
        and (report.reporter_id == user.pk or user.has_perm("reports.view_report"))
    )
    if not allowed:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _feedback_invalid(request: HttpRequest, *, question: bool = False) -> HttpResponse:
    """A forged, used-up or expired link: a clear page, like a missing one, worded for
    a question when the link was sent about one."""
    return render(
        request,
        "reports/feedback_invalid.html",
        {"days": feedback_days(), "question": question},
        status=404,
    )


@require_safe
def feedback_link(request: HttpRequest, token: str) -> HttpResponse:
    """The "is it solved?" link from the email: its token moves into the session and the
    browser goes on to an address without it."""
    request.session[SESSION_FEEDBACK] = token
    return _see_other(reverse("reports:feedback"))


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """The reporter's answer: is it solved, a grade, reasons and a remark. Only with the
    link's token in the session; once per closing."""
    token = request.session.get(SESSION_FEEDBACK, "")
    feedback_request = actions.feedback_request_for(token)
    if feedback_request is None:
        return _feedback_invalid(request, question=actions.feedback_link_is_for_question(token))
    report, question = feedback_request.report, feedback_request.question
    if Feedback.objects.filter(request=feedback_request).exists():
        return render(
            request,
            "reports/feedback_answered.html",
            {"report": report, "question": question},
            status=409 if request.method == "POST" else 200,
        )
    about = FeedbackSubject.QUESTION if question is not None else FeedbackSubject.REPORT
    form = FeedbackForm(request.POST or None, about=about)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            given = actions.give_feedback(
                request=feedback_request,
                solved=data["solved"],
                grade=data["grade"],
                reasons=data["reasons"],
                remark=data["remark"],
            )
        except actions.ReportError as error:
            form.add_error(None, str(error))
        else:
            request.session.pop(SESSION_FEEDBACK, None)
            request.session[SESSION_FEEDBACK_GIVEN] = given.pk
            return _see_other(reverse("reports:feedback_thanks"))
    return render(
        request,
        "reports/feedback.html",
        {"form": form, "report": report, "question": question},
        status=400 if request.method == "POST" else 200,
    )


def _given_feedback(request: HttpRequest) -> Feedback | None:
    pk = request.session.get(SESSION_FEEDBACK_GIVEN)
    if not isinstance(pk, int):
        return None
    return (
        Feedback.objects.select_related("report__category", "question__topic", "request")
        .filter(pk=pk)
        .first()
    )


@require_safe
def feedback_thanks(request: HttpRequest) -> HttpResponse:
    """Thank you; and for "not solved", where the category allows it and within the
    term after closing, the offer to reopen the report."""
    given = _given_feedback(request)
    if given is None:
        return _feedback_invalid(request)
    return render(
        request,
        "reports/feedback_thanks.html",
        {
            "feedback": given,
            "report": given.report,
            "question": given.question,
            "can_reopen": actions.can_reopen(given),
            "reopen_days": reopen_days(),
        },
    )


@require_POST
def feedback_reopen(request: HttpRequest) -> HttpResponse:
    """The unhappy reporter reopens the report (a button on the thank-you page)."""
    given = _given_feedback(request)
    if given is None or given.report is None:  # a question is never reopened
        return _feedback_invalid(request)
    report = given.report
    try:
        actions.reopen_by_reporter(feedback=given)
    except actions.ReportError as error:
        messages.error(request, str(error))
        return _see_other(reverse("reports:feedback_thanks"))
    request.session.pop(SESSION_FEEDBACK_GIVEN, None)
    messages.success(
        request,
        _("The report is open again. The department looks at it once more."),
    )
    return _see_other(report.get_absolute_url())
