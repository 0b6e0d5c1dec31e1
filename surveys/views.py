import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from common.abuse import rate_limited
from common.csv import spreadsheet_safe_writer
from common.public_cache import cached_while_unchanged, public_page
from surveys import actions, answering
from surveys.forms import PanelForm
from surveys.indicators import indicator_table, yearly_counts
from surveys.models import Indicator, IndicatorYear, Invitation, PanelMember, Survey
from surveys.results import results_key, survey_results

SESSION_KEYS = "survey_keys"
# The token of the "leave the panel" link opened in this session.
LEAVE_SESSION_KEY = "panel_leave_link"


def _survey(slug: str) -> Survey:
    return get_object_or_404(Survey.objects.prefetch_related("questions__choices"), slug=slug)


def _can_preview(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.has_perm("surveys.change_survey")


class Access:
    """How this visitor reaches this survey: an invitation token, an open-link session
    key, or a researcher's preview (which never saves a response)."""

    def __init__(self, key: str, invitation: Invitation | None, preview: bool):
        self.key = key
        self.invitation = invitation
        self.preview = preview


def _access(request: HttpRequest, survey: Survey) -> Access | None:
    stored = request.session.get(SESSION_KEYS, {}).get(survey.slug)
    if not stored:
        return None
    mode, key = stored.split(":", 1)
    if mode == "token":
        invitation = Invitation.objects.filter(
            survey=survey, token_hash=Invitation.hash_token(key)
        ).first()
        return Access(key, invitation, False) if invitation else None
    return Access(key, None, mode == "preview")


def _own_invitation(request: HttpRequest, survey: Survey) -> Invitation | None:
    """The invitation sent to the signed-in panel member for this survey, if any."""
    if not request.user.is_authenticated:
        return None
    return Invitation.objects.filter(
        survey=survey, member__user=request.user, sent_at__isnull=False
    ).first()


def _see_other(url: str) -> HttpResponseRedirect:
    """303 See Other: on to a page whose address holds no secret."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _remember(request: HttpRequest, survey: Survey, value: str) -> None:
    keys = dict(request.session.get(SESSION_KEYS, {}))
    keys[survey.slug] = value
    request.session[SESSION_KEYS] = keys


@require_safe
@public_page("surveys")
def survey_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "surveys/list.html",
        {
            "open_surveys": Survey.objects.open_now().filter(audience=Survey.Audience.OPEN),
            "published": Survey.objects.published().order_by("-results_published_at")[:20],
            "indicators": Indicator.objects.all(),
        },
    )


@require_safe
def survey_start(request: HttpRequest, slug: str) -> HttpResponse:
    """The open link, the page an invitation link leads on to, or a researcher's
    preview (``?voorbeeld=1``)."""
    survey = _survey(slug)
    if request.GET.get("voorbeeld") and _can_preview(request):
        _remember(request, survey, f"preview:{answering.new_session_key()}")
        return redirect("surveys:page", slug, survey.pages()[0])
    access = _access(request, survey)
    if access is None and survey.audience != Survey.Audience.OPEN:
        own = _own_invitation(request, survey)
        if own is not None:
            # A signed-in panel member who was invited needs no link from the email:
            # her invitation is hers by her account.
            if not own.completed and survey.is_open:
                Invitation.objects.filter(pk=own.pk, opened=False).update(opened=True)
            _remember(request, survey, f"token:{own.token()}")
            access = _access(request, survey)
    if access is None:
        if survey.audience != Survey.Audience.OPEN:
            return render(request, "surveys/closed.html", {"survey": survey, "reason": "invite"})
        _remember(request, survey, f"open:{answering.new_session_key()}")
        access = _access(request, survey)
    if access.invitation is not None and access.invitation.completed:
        return render(request, "surveys/closed.html", {"survey": survey, "reason": "done"})
    if not survey.is_open and not access.preview:
        return render(request, "surveys/closed.html", {"survey": survey, "reason": "closed"})
    resume_page = None
    if access.invitation is not None:
        resume_page = answering.draft_for(survey, access.key).page
    return render(
        request,
        "surveys/start.html",
        {
            "survey": survey,
            "access": access,
            "resume_page": resume_page,
            "page_count": len(survey.pages()),
            "release_minimum": settings.SURVEY_RELEASE_BATCH_MINIMUM,
        },
    )


@require_safe
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email. The token goes into the session at once and the
    resident is sent on to the survey's own address, so the token appears in no further
    address: not in the pages' URLs, their Referer or any log line after this one (and
    that one is redacted, see ``common.log_redaction``)."""
    found = (
        Invitation.objects.select_related("survey")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if found is None:
        raise Http404
    survey = found.survey
    if not found.completed and survey.is_open:
        Invitation.objects.filter(pk=found.pk, opened=False).update(opened=True)
    _remember(request, survey, f"token:{token}")
    return _see_other(reverse("surveys:start", args=[survey.slug]))


@require_http_methods(["GET", "POST"])
@rate_limited("survey_answer")
def survey_page(request: HttpRequest, slug: str, page: int) -> HttpResponse:
    survey = _survey(slug)
    access = _access(request, survey)
    if access is None:
        return redirect("surveys:start", slug)
    if access.invitation is not None and access.invitation.completed:
        return render(request, "surveys/closed.html", {"survey": survey, "reason": "done"})
    if not survey.is_open and not access.preview:
        return render(request, "surveys/closed.html", {"survey": survey, "reason": "closed"})
    pages = survey.pages()
    if page not in pages:
        raise Http404
    draft = answering.draft_for(survey, access.key)
    is_last = page == pages[-1]
    about_you = is_last and access.invitation is None
    questions = answering.questions_on_page(survey, page, draft.answers)
    form = answering.PageForm(
        request.POST or None,
        questions=questions,
        about_you=about_you,
        initial=draft.answers,
    )
    if request.method == "POST" and form.is_valid():
        answers = {k: v for k, v in draft.answers.items() if k not in form.fields}
        answers.update(form.answers())
        resume = page if is_last else pages[pages.index(page) + 1]
        try:
            answering.save_draft(draft, answers=answers, page=resume)
        except answering.AlreadySubmitted:
            return render(request, "surveys/closed.html", {"survey": survey, "reason": "done"})
        if access.invitation is not None:
            Invitation.objects.filter(pk=access.invitation.pk, started=False).update(started=True)
        if not is_last:
            return redirect("surveys:page", slug, pages[pages.index(page) + 1])
        missing = answering.first_page_with_missing_answer(survey, answers)
        if missing is not None:
            messages.error(request, _("Some required questions are not answered yet."))
            return redirect("surveys:page", slug, missing)
        if access.preview:
            draft.delete()
            messages.info(request, _("Preview: nothing was saved."))
            return redirect("surveys:thanks", slug)
        try:
            answering.submit(
                survey=survey,
                draft=draft,
                invitation=access.invitation,
                respondent=request.user if request.user.is_authenticated else None,
            )
        except answering.AlreadySubmitted:
            return render(request, "surveys/closed.html", {"survey": survey, "reason": "done"})
        keys = dict(request.session.get(SESSION_KEYS, {}))
        keys.pop(slug, None)
        request.session[SESSION_KEYS] = keys
        return redirect("surveys:thanks", slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "surveys/page.html",
        {
            "survey": survey,
            "form": form,
            "page": page,
            "page_number": pages.index(page) + 1,
            "page_count": len(pages),
            "is_last": is_last,
            "previous_page": pages[pages.index(page) - 1] if page != pages[0] else None,
            "access": access,
        },
        status=status,
    )


@require_safe
def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request,
        "surveys/thanks.html",
        # "at least N others": the batch holds N answers, this one among them.
        {"survey": _survey(slug), "release_minimum": settings.SURVEY_RELEASE_BATCH_MINIMUM - 1},
    )


def _published_or_preview(request: HttpRequest, slug: str) -> Survey:
    survey = _survey(slug)
    if not survey.is_published and not _can_preview(request):
        raise Http404
    return survey


@require_safe
@public_page("surveys")
def survey_results_view(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _published_or_preview(request, slug)
    # Read only when the page's cached rendering is out of date (the results are large).
    results = SimpleLazyObject(lambda: survey_results(survey))
    return render(
        request,
        "surveys/results.html",
        {"survey": survey, "results_key": results_key(survey), "results": results},
    )


@require_safe
@public_page("surveys")
def survey_results_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The published figures per question (not individual answers)."""
    survey = _published_or_preview(request, slug)
    results = survey_results(survey)
    output = io.StringIO()
    writer = spreadsheet_safe_writer(output)
    writer.writerow(["question", "code", "n", "mean", "ci_low", "ci_high", "option", "count"])
    for result in results["questions"]:
        estimate = result.estimate
        base = [result.question.text, result.question.code, result.n]
        numbers = (
            [round(estimate.mean, 3), round(estimate.low, 3), round(estimate.high, 3)]
            if estimate
            else ["", "", ""]
        )
        writer.writerow([*base, *numbers, "", ""])
        for row in result.distribution:
            writer.writerow([*base, "", "", "", row["label"], row["value"]])
    response = HttpResponse(output.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-resultaten.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("panel_join")
def panel(request: HttpRequest) -> HttpResponse:
    member = PanelMember.objects.filter(user=request.user).select_related("neighbourhood").first()
    form = PanelForm(
        request.POST or None,
        initial={
            "neighbourhood": member.neighbourhood_id
            if member
            else request.user.home_neighbourhood_id,
            "age_band": member.age_band if member else "",
            # A member gave consent when joining (consent_at); the box shows it.
            "consent": member is not None and member.consent_at is not None,
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.join_panel(
            user=request.user,
            neighbourhood=form.cleaned_data["neighbourhood"],
            age_band=form.cleaned_data["age_band"],
        )
        messages.success(
            request,
            _("Your details are saved.") if member else _("Welcome to the resident panel!"),
        )
        return redirect("surveys:panel")
    invitations = []
    if member is not None:
        invitations = (
            member.invitations.select_related("survey")
            .filter(sent_at__isnull=False)
            .order_by("-sent_at")
        )
    if member is not None:
        # The page's "leave" link goes to the page without a token in its address.
        request.session[LEAVE_SESSION_KEY] = PanelMember.leave_token(request.user)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "surveys/panel.html",
        {"member": member, "form": form, "invitations": invitations},
        status=status,
    )


@csrf_exempt  # a mail program's one-click POST to the link comes without a session
@require_http_methods(["GET", "POST"])
def panel_leave(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click "leave the panel" link in every email. Opening it (GET) keeps the
    token in the session and sends the resident on to a page without it, where the
    button is; a POST to the link itself leaves at once (one-click unsubscribe)."""
    user = PanelMember.user_from_leave_token(token)
    if user is None:
        raise Http404
    if request.method == "POST":
        actions.leave_panel(user=user)
        return render(request, "surveys/panel_left.html")
    request.session[LEAVE_SESSION_KEY] = token
    return _see_other(reverse("surveys:panel_leave_confirm"))


@require_http_methods(["GET", "POST"])
def panel_leave_confirm(request: HttpRequest) -> HttpResponse:
    """Leaving the panel, for whoever opened a leave link in this browser session."""
    token = request.session.get(LEAVE_SESSION_KEY, "")
    user = PanelMember.user_from_leave_token(token) if token else None
    if user is None:
        return render(request, "surveys/panel_leave.html", {"no_link": True})
    if request.method == "POST":
        actions.leave_panel(user=user)
        request.session.pop(LEAVE_SESSION_KEY, None)
        return render(request, "surveys/panel_left.html")
    return render(
        request,
        "surveys/panel_leave.html",
        {"is_member": PanelMember.objects.filter(user=user).exists()},
    )


@require_safe
@public_page("surveys", "participation")
def indicator_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "surveys/indicators.html",
        {"indicators": Indicator.objects.all(), "counts": yearly_counts()},
    )


@require_safe
@public_page("surveys", "participation")
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = get_object_or_404(
        Indicator.objects.prefetch_related(
            Prefetch("years", queryset=IndicatorYear.objects.select_related("question__survey"))
        ),
        slug=slug,
    )
    # Realised values come from every answer of the years' surveys: computed once while
    # public content is unchanged.
    table = cached_while_unchanged(
        f"indicator-table:{indicator.pk}:{request.LANGUAGE_CODE}",
        lambda: indicator_table(indicator),
    )
    return render(request, "surveys/indicator.html", {"indicator": indicator, **table})
