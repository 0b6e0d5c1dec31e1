from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import User
from common.abuse import rate_limited
from common.paging import SeekPaginator
from common.prepared import PreparedRead
from common.public_cache import cached_fragment, public_page
from initiatives import access, actions, extensions
from initiatives.forms import (
    AnswerForm,
    CommentForm,
    InitiativeFilterForm,
    InitiativeForm,
    MarketSignupForm,
    ReportForm,
    WithdrawForm,
)
from initiatives.models import (
    Attachment,
    CoInitiatorInvitation,
    Comment,
    Initiative,
    InitiativeQuerySet,
    Status,
    Support,
    WorkflowError,
)
from neighbourhoods import verification
from neighbourhoods.models import Event

PAGE_SIZE = 20


def get_initiative_for(request: HttpRequest, pk: int) -> Initiative:
    """How views fetch an initiative: 404 for what this person may not see (someone
    else's draft looks exactly like a missing page). Its page: :func:`get_initiative_page`."""
    return get_object_or_404(Initiative.objects.visible_to(request.user), pk=pk)


def _page_row(viewer) -> InitiativeQuerySet:
    """The row of an initiative's page with its ties to ``viewer``
    (``Initiative.objects.for_detail``), what the panels read from it, its neighbourhood
    and theme, its initiator and its contact person (the assignee, else the area
    manager): built once (``PreparedRead``), the joins cost only their reading."""
    return (
        extensions.annotate_for_panels(Initiative.objects.for_detail(viewer))
        .select_related("neighbourhood__area_manager", "theme", "initiator", "assignee")
        .defer("neighbourhood__boundary")
    )


# Read on every visit: built once per process (common.prepared), for a visitor and for
# a signed-in reader (whose key is the second value).
VISITORS_PAGE_ROW = PreparedRead(Initiative, lambda pk: _page_row(AnonymousUser()).filter(pk=pk))
READERS_PAGE_ROW = PreparedRead(
    Initiative, lambda pk, reader: _page_row(User(pk=reader)).filter(pk=pk)
)


def get_initiative_page(request: HttpRequest, pk: int) -> Initiative:
    """An initiative with what its page shows and its ties to the person asking
    (``Initiative.objects.for_detail``), 404 as :func:`get_initiative_for`: who may see
    it (public, or run by them) is read from those ties, not asked of the database twice."""
    if request.user.is_authenticated:
        rows = READERS_PAGE_ROW(pk, request.user.pk)
    else:
        rows = VISITORS_PAGE_ROW(pk)
    if not rows or (not rows[0].is_public and not rows[0].viewer_runs):
        raise Http404
    return rows[0]


def get_own_initiative(request: HttpRequest, pk: int) -> Initiative:
    """For edits: only the initiators; others get 404, not a hint that it exists."""
    initiative = get_initiative_page(request, pk)
    if not initiative.viewer_runs:
        raise Http404
    return initiative


def _map_points(initiatives) -> list[dict]:
    return [
        {
            "title": initiative.title,
            "url": initiative.get_absolute_url(),
            "status": initiative.get_status_display(),
            "lat": float(initiative.latitude),
            "lng": float(initiative.longitude),
        }
        for initiative in initiatives
        if initiative.latitude is not None
    ]


@require_safe
@vary_on_headers("HX-Request")
@public_page("initiatives")
def initiative_list(request: HttpRequest) -> HttpResponse:
    form = InitiativeFilterForm(request.GET or None)
    query = request.GET.copy()
    for paging in ("page", SeekPaginator.AFTER, SeekPaginator.BEFORE):
        query.pop(paging, None)
    view = "map" if request.GET.get("view") == "map" else "list"
    query.pop("view", None)

    def render_results() -> str:
        if form.is_bound:
            initiatives = form.filter(Initiative.objects.public().for_listing())
        else:
            initiatives = Initiative.objects.public().for_listing().sorted_by("newest")
        # By key: a page deep in a million initiatives costs what the second does.
        page = SeekPaginator(initiatives, PAGE_SIZE).get_page(request.GET)
        context = {
            "page": page,
            "view": view,
            "query": query.urlencode(),
            "map_points": _map_points(page.object_list) if view == "map" else [],
        }
        return render_to_string("initiatives/list.html#results", context, request=request)

    # The results are the same for everyone who asks the same, signed in or not: a part
    # of the page at this address (not looked up while a visitor's page is rendered).
    results = cached_fragment("initiative-results", render_results, request.build_absolute_uri())
    if request.htmx:
        return HttpResponse(results)
    context = {"form": form, "view": view, "query": query.urlencode(), "results": results}
    return render(request, "initiatives/list.html", context)


@require_safe
@public_page("initiatives")
def similar_initiatives(request: HttpRequest) -> HttpResponse:
    """While a resident types a title: initiatives that may be the same idea."""
    similar = Initiative.objects.public().similar_to(request.GET.get("title", "")[:120])[:5]
    return render(request, "initiatives/form.html#similar", {"similar": similar})


@require_safe
@public_page("initiative:{pk}")
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_initiative_page(request, pk)
    return render(request, "initiatives/detail.html", _detail_context(request, initiative))


def _detail_context(request: HttpRequest, initiative: Initiative, **extra) -> dict:
    runs = initiative.viewer_runs  # read with the row (Initiative.objects.for_detail)
    markets = None
    if (
        runs
        and initiative.is_public
        and initiative.status
        not in {
            Status.REJECTED,
            Status.WITHDRAWN,
        }
    ):
        markets = Event.objects.markets().upcoming().exclude(pitches__initiative=initiative)
    return {
        "initiative": initiative,
        "runs": runs,
        "handles": initiative.viewer_handles,
        "supported": initiative.viewer_supports,
        "following": initiative.viewer_follows,
        # Read only when the comments are rendered, not while their part is cached.
        "comments": SimpleLazyObject(initiative.comment_threads),
        # Read only when its part of the page is rendered, not while it is cached.
        "pitches": (
            initiative.pitches.select_related("event").order_by("event__starts_at")
            if initiative.has_pitches
            else ()
        ),
        "market_form": MarketSignupForm(markets=markets) if markets is not None else None,
        # Built only for who is shown them: a signed-in reader, the initiators.
        "comment_form": extra.pop("comment_form", None)
        or (CommentForm() if request.user.is_authenticated else None),
        "answer_form": extra.pop("answer_form", None) or (AnswerForm() if runs else None),
        "map_points": _map_points([initiative]),
        # What other apps show beside it (the coach: ``initiatives.extensions``).
        "panels": extensions.panels_for(request, initiative),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("initiative_write")
def initiative_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("initiative_write")
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_own_initiative(request, pk)
    if not initiative.is_editable:
        messages.error(request, _("This initiative cannot be changed any more."))
        return redirect(initiative)
    return _edit(request, initiative)


def _edit(request: HttpRequest, initiative: Initiative | None) -> HttpResponse:
    attachments = list(initiative.attachments.all()) if initiative else []
    initial = {}
    if initiative is None and request.user.home_neighbourhood_id:
        initial["neighbourhood"] = request.user.home_neighbourhood_id
    form = InitiativeForm(
        request.POST or None,
        request.FILES or None,
        instance=initiative,
        initial=initial,
        attachment_count=len(attachments),
    )
    if request.method == "POST" and form.is_valid():
        if initiative is None:
            already = _draft_of_this_form(request, form)
            if already is not None:
                return already
        try:
            saved = _save_initiative(request, form, initiative)
        except IntegrityError:
            # The same form, sent again while the first was being saved: one draft.
            already = _draft_of_this_form(request, form) if initiative is None else None
            if already is None:
                raise
            return already
        if saved.status == Status.DRAFT:
            messages.success(request, _("Your draft is saved. Check it, then submit it."))
            return redirect("initiatives:preview", saved.pk)
        messages.success(request, _("Your changes are saved."))
        return redirect(saved)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "initiatives/form.html",
        {
            "form": form,
            "initiative": initiative,
            "attachments": attachments,
        },
        status=status,
    )


def _draft_of_this_form(request: HttpRequest, form: InitiativeForm) -> HttpResponse | None:
    """When this "new initiative" form was sent before (its token made a draft
    already): the way to that draft instead of a second one."""
    token = form.cleaned_data.get("form_token")
    if token is None:
        return None
    made = Initiative.objects.filter(initiator=request.user, form_token=token).first()
    if made is None:
        return None
    messages.info(request, _("You sent this form already; this is the draft it made."))
    if made.status == Status.DRAFT:
        return redirect("initiatives:preview", made.pk)
    return redirect(made)


def _save_initiative(
    request: HttpRequest, form: InitiativeForm, initiative: Initiative | None
) -> Initiative:
    with transaction.atomic():
        saved = form.save(commit=False)
        if initiative is None:
            saved.initiator = request.user
            saved.form_token = form.cleaned_data.get("form_token")
        saved.save()
        form.save_m2m()
        if initiative is not None:
            actions.remove_attachments(
                initiative=saved, tokens=request.POST.getlist("remove_attachment")
            )
        actions.add_attachments(
            initiative=saved,
            uploads=[*form.cleaned_data["images"], *form.cleaned_data["documents"]],
        )
        for email in form.cleaned_data["co_initiator_emails"]:
            if email != request.user.email.lower():
                actions.invite_co_initiator(initiative=saved, email=email, by=request.user)
    return saved


@login_required
@require_safe
def initiative_preview(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_own_initiative(request, pk)
    if initiative.status != Status.DRAFT:
        return redirect(initiative)
    return render(
        request,
        "initiatives/preview.html",
        {"initiative": initiative, "map_points": _map_points([initiative])},
    )


@login_required
@require_POST
@rate_limited("initiative_submit")
def initiative_submit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_own_initiative(request, pk)
    try:
        actions.submit_initiative(initiative=initiative, by=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect(initiative)
    initiative.refresh_from_db()
    messages.success(
        request,
        _("Your initiative is submitted. The municipality answers by %(date)s.")
        % {"date": initiative.response_due.strftime("%d-%m-%Y")},
    )
    return redirect(initiative)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_own_initiative(request, pk)
    if not initiative.can_be_withdrawn:
        messages.error(request, _("This initiative can no longer be withdrawn."))
        return redirect(initiative)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.withdraw_initiative(
            initiative=initiative, by=request.user, message=form.cleaned_data["message"]
        )
        messages.success(request, _("Your initiative is withdrawn."))
        return redirect(initiative)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "initiatives/withdraw.html",
        {"initiative": initiative, "form": form},
        status=status,
    )


@login_required
@require_POST
def initiative_answer(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_own_initiative(request, pk)
    form = AnswerForm(request.POST)
    if initiative.status != Status.NEEDS_INFO:
        messages.error(request, _("The municipality has no open question for you."))
        return redirect(initiative)
    if form.is_valid():
        actions.answer_question(
            initiative=initiative, by=request.user, message=form.cleaned_data["message"]
        )
        messages.success(request, _("Your answer is sent to the municipality."))
        return redirect(initiative)
    return render(
        request,
        "initiatives/detail.html",
        _detail_context(request, initiative, answer_form=form),
        status=400,
    )


def _not_entitled(
    request: HttpRequest, refused: verification.Refusal, initiative: Initiative
) -> HttpResponse:
    """What the person must show first (the verification level), said on the page where
    they can show it; they come back to the initiative afterwards."""
    messages.error(request, str(refused.message))
    url = refused.url_back_to(initiative.get_absolute_url())
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
@require_POST
@vary_on_headers("HX-Request")
@rate_limited("support")
def initiative_support(request: HttpRequest, pk: int) -> HttpResponse:
    """Support, or take support back (``withdraw=1``). With htmx only the support
    region is swapped; without JavaScript the page reloads."""
    initiative = get_initiative_for(request, pk)
    if request.POST.get("withdraw"):
        actions.withdraw_support(initiative=initiative, user=request.user)
        notice = _("Your support is taken back.")
    else:
        refused = access.refusal(request.user, access.SUPPORT, initiative)
        if refused is not None:
            return _not_entitled(request, refused, initiative)
        try:
            added = actions.support_initiative(initiative=initiative, user=request.user)
        except access.NotEntitledError as error:  # the level changed since the check
            return _not_entitled(request, error.refusal, initiative)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(initiative)
        notice = _("Thank you for your support!") if added else _("You support this already.")
    initiative.refresh_from_db(fields=["supporter_count"])
    if request.htmx:
        return render(
            request,
            "initiatives/detail.html#support",
            {
                "initiative": initiative,
                "supported": Support.objects.filter(
                    initiative=initiative, user=request.user
                ).exists(),
                "support_notice": notice,
                "runs": Initiative.objects.of(request.user).filter(pk=initiative.pk).exists(),
                "handles": initiative.is_handled_by(request.user),
            },
        )
    messages.success(request, notice)
    return redirect(initiative)


@login_required
@require_POST
def initiative_follow(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_initiative_for(request, pk)
    if request.POST.get("unfollow"):
        actions.unfollow_initiative(initiative=initiative, user=request.user)
        messages.success(request, _("You no longer follow this initiative."))
    else:
        actions.follow_initiative(initiative=initiative, user=request.user)
        messages.success(request, _("You follow this initiative. We will tell you what changes."))
    return redirect(initiative)


@login_required
@require_POST
@rate_limited("comment")
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_initiative_page(request, pk)
    refused = access.refusal(request.user, access.COMMENT, initiative)
    if refused is not None:
        return _not_entitled(request, refused, initiative)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(
                pk=form.cleaned_data["parent"], initiative=initiative
            ).first()
            if parent is None:
                form.add_error(None, _("The comment you reply to no longer exists."))
        if not form.errors:
            try:
                comment = actions.post_comment(
                    initiative=initiative,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    parent=parent,
                )
            except access.NotEntitledError as error:  # the level changed since the check
                return _not_entitled(request, error.refusal, initiative)
            except WorkflowError as error:
                messages.error(request, str(error))
                return redirect(initiative)
            messages.success(request, _("Your comment is placed."))
            return redirect(f"{initiative.get_absolute_url()}#comment-{comment.pk}")
    return render(
        request,
        "initiatives/detail.html",
        _detail_context(request, initiative, comment_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("report")
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("initiative", "author").filter(
            initiative__in=Initiative.objects.visible_to(request.user), hidden_at__isnull=True
        ),
        pk=pk,
    )
    back = f"{comment.initiative.get_absolute_url()}#comment-{comment.pk}"
    if comment.author_id == request.user.pk:
        messages.error(request, _("This is your own comment; you cannot report it."))
        return redirect(back)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.report_comment(
            comment=comment, reporter=request.user, reason=form.cleaned_data["reason"]
        ):
            messages.success(request, _("Thank you. A moderator will look at this comment."))
        else:
            messages.info(request, _("You reported this comment already."))
        return redirect(f"{comment.initiative.get_absolute_url()}#comment-{comment.pk}")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "initiatives/report.html", {"comment": comment, "form": form}, status=status
    )


@login_required
@require_POST
def market_signup(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_own_initiative(request, pk)
    form = MarketSignupForm(request.POST, markets=Event.objects.markets().upcoming())
    if form.is_valid():
        try:
            added = actions.sign_up_for_market(
                initiative=initiative, event=form.cleaned_data["event"], by=request.user
            )
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            if added:
                messages.success(request, _("Your initiative is on the market's programme."))
            else:
                messages.info(request, _("Your initiative was signed up for this market already."))
    else:
        messages.error(request, _("Choose an upcoming initiative market."))
    return redirect(initiative)


@require_safe
def attachment(request: HttpRequest, token: str) -> FileResponse:
    """Serve a file only to who may see its initiative; images inline, PDFs as
    downloads, never sniffed into anything else."""
    item = get_object_or_404(
        Attachment.objects.filter(initiative__in=Initiative.objects.visible_to(request.user)),
        token=token,
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation_id = CoInitiatorInvitation.id_from_token(token)
    if invitation_id is None:
        raise Http404
    invitation = get_object_or_404(
        CoInitiatorInvitation.objects.select_related("initiative", "invited_by"), pk=invitation_id
    )
    initiative = invitation.initiative
    if request.method == "POST":
        try:
            actions.accept_invitation(invitation=invitation, user=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(reverse("initiatives:invitation", args=[token]))
        messages.success(request, _("You are now a co-initiator of this initiative."))
        return redirect(initiative)
    return render(
        request,
        "initiatives/invitation.html",
        {"invitation": invitation, "initiative": initiative, "token": token},
    )
