"""The residents' pages: networks and ambassadors of a neighbourhood, offers and
requests, volunteer calls, and the conversations between residents."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.requests import SignedInRequest
from common.abuse import rate_limited
from common.expressions import rows_point_here
from common.paging import CityScalePaginator
from common.public_cache import public_page
from community import actions
from community.forms import (
    CallForm,
    CoachAnswerForm,
    CoachRequestForm,
    JoinForm,
    MessageForm,
    PostFilterForm,
    PostForm,
    ReportForm,
)
from community.models import (
    Block,
    CoachRequest,
    Conversation,
    Membership,
    Message,
    Network,
    Post,
    VolunteerCall,
)
from initiatives.models import Initiative
from neighbourhoods.models import Neighbourhood

PAGE_SIZE = 20


def _send(
    request: SignedInRequest,
    form: MessageForm,
    *,
    send: Callable[[str], Conversation],
    sent: str,
    page: Callable[[MessageForm], HttpResponse],
) -> HttpResponse:
    """A resident's message from ``form``: ``send(text)`` writes it (an action that
    returns the conversation to go to), then ``sent`` is said there. An invalid form or
    a refusal (``CommunityError``) shows ``page(form)`` again with the error, as a 400."""
    if form.is_valid():
        try:
            conversation = send(form.cleaned_data["text"])
        except actions.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, sent)
            return redirect(conversation)
    return page(form)


# --- offers and requests ----------------------------------------------------------------


@require_safe
@public_page("community")
def index(request: HttpRequest) -> HttpResponse:
    form = PostFilterForm(request.GET or None)
    posts = Post.objects.current().for_listing()
    calls = VolunteerCall.objects.open().for_listing()
    if form.is_valid():
        posts = form.filter(posts)
        if form.cleaned_data.get("neighbourhood"):
            calls = calls.filter(neighbourhood=form.cleaned_data["neighbourhood"])
    query = request.GET.copy()
    query.pop("page", None)
    page = CityScalePaginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/index.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "calls": calls[:20],
            "my_initiatives": Initiative.objects.public().of(request.user).only("pk", "title"),
        },
    )


def _post(pk: int, user) -> Post:
    """A hidden offer or request is seen only by its owner."""
    post = get_object_or_404(Post.objects.select_related("neighbourhood", "theme", "owner"), pk=pk)
    if post.hidden_at is not None and post.owner_id != getattr(user, "pk", None):
        raise Http404
    return post


def _post_page(request, post: Post, *, form=None, status=200) -> HttpResponse:
    return render(
        request,
        "community/post.html",
        {"post": post, "form": form or MessageForm(), "mine": post.owner_id == request.user.pk},
        status=status,
    )


@require_safe
@public_page("community")
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_page(request, _post(pk, request.user))


@login_required
@require_POST
@rate_limited("community_message")
def post_reply(request: SignedInRequest, pk: int) -> HttpResponse:
    post = _post(pk, request.user)
    form = MessageForm(request.POST)
    if not post.is_open():
        form.add_error(None, _("This offer or request has ended."))
    return _send(
        request,
        form,
        send=lambda text: actions.write_to(about=post, author=request.user, text=text),
        sent=_("Your message is sent. Answers appear here."),
        page=lambda form: _post_page(request, post, form=form, status=400),
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("community_post")
def post_create(request: SignedInRequest) -> HttpResponse:
    form = PostForm(
        request.POST or None, initial={"neighbourhood": request.user.home_neighbourhood_id}
    )
    if request.method == "POST" and form.is_valid():
        post = form.save(commit=False)
        post.owner = request.user
        try:
            actions.save_post(post=post)
        except actions.CommunityError as error:
            form.add_error("ends_on", str(error))
        else:
            messages.success(request, _("Your offer or request is on the portal."))
            return redirect(post)
    return render(
        request,
        "community/post_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    post = _post(pk, request.user)
    if post.owner_id != request.user.pk:
        raise Http404
    form = PostForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_post(post=form.save(commit=False))
        except actions.CommunityError as error:
            form.add_error("ends_on", str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(post)
    return render(
        request,
        "community/post_form.html",
        {"form": form, "post": post},
        status=400 if form.is_bound else 200,
    )


# --- volunteer calls --------------------------------------------------------------------


def _call(pk: int) -> VolunteerCall:
    return get_object_or_404(VolunteerCall.objects.for_listing(), pk=pk)


def _call_page(request, call: VolunteerCall, *, form=None, status=200) -> HttpResponse:
    user = request.user
    responded = user.is_authenticated and call.responses.filter(user=user).exists()
    return render(
        request,
        "community/call.html",
        {
            "call": call,
            "form": form or MessageForm(),
            "responded": responded,
            "mine": user.is_authenticated and call.created_by_id == user.pk,
        },
        status=status,
    )


@require_safe
@public_page("community")
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_page(request, _call(pk))


@login_required
@require_POST
@rate_limited("community_message")
def call_respond(request: SignedInRequest, pk: int) -> HttpResponse:
    call = _call(pk)
    return _send(
        request,
        MessageForm(request.POST),
        send=lambda text: actions.respond_to_call(call=call, user=request.user, text=text),
        sent=_("Thank you! You count as a volunteer; your message is sent."),
        # Read again: others may have filled the call meanwhile.
        page=lambda form: _call_page(request, _call(pk), form=form, status=400),
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: SignedInRequest, initiative: int) -> HttpResponse:
    """The initiators of a public initiative ask for volunteers."""
    found = get_object_or_404(
        Initiative.objects.public().of(request.user).select_related("neighbourhood"),
        pk=initiative,
    )
    if found.neighbourhood is None:
        raise Http404
    # The form's instance names what it is for, so the model's own checks pass.
    unsaved = VolunteerCall(initiative=found, neighbourhood=found.neighbourhood)
    form = CallForm(request.POST or None, instance=unsaved)
    if request.method == "POST" and form.is_valid():
        try:
            call = actions.create_call(by=request.user, initiative=found, **form.cleaned_data)
        except actions.CommunityError as error:
            # The end date passed between the form's check and the write.
            form.add_error("ends_on", str(error))
        else:
            messages.success(request, _("Your call for volunteers is on the portal."))
            return redirect(call)
    return render(
        request,
        "community/call_form.html",
        {"form": form, "initiative": found},
        status=400 if form.is_bound else 200,
    )


# --- networks and ambassadors -------------------------------------------------------------


def networks_of(neighbourhood: Neighbourhood) -> dict:
    """What a neighbourhood's page shows of its networks: three queries, however many."""
    return {
        "template": "community/_neighbourhood_section.html",
        "neighbourhood": neighbourhood,
        "networks": Network.objects.filter(neighbourhood=neighbourhood)
        .select_related("theme")
        .annotate(
            member_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.APPROVED)
            )
        )
        .order_by("theme__name_nl"),
        "ambassadors": Membership.objects.ambassadors()
        .filter(network__neighbourhood=neighbourhood)
        .for_page(),
        "calls": VolunteerCall.objects.open().filter(neighbourhood=neighbourhood).for_listing()[:5],
    }


def _network_page(request, neighbourhood: Neighbourhood, *, form=None, status=200):
    mine = []
    if request.user.is_authenticated:
        mine = list(
            Membership.objects.filter(
                user=request.user, network__neighbourhood=neighbourhood
            ).select_related("network__theme")
        )
    return render(
        request,
        "community/networks.html",
        {
            **networks_of(neighbourhood),
            "mine": mine,
            "form": form or JoinForm(),
        },
        status=status,
    )


@require_safe
@public_page("community")
def networks(request: HttpRequest, slug: str) -> HttpResponse:
    return _network_page(request, get_object_or_404(Neighbourhood, slug=slug))


@login_required
@require_POST
@rate_limited("community_post")
def join(request: SignedInRequest, slug: str) -> HttpResponse:
    neighbourhood = get_object_or_404(Neighbourhood, slug=slug)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _network_page(request, neighbourhood, form=form, status=400)
    data = form.cleaned_data
    ambassador = data["role"] == Membership.Role.AMBASSADOR
    try:
        actions.join_network(
            user=request.user,
            neighbourhood=neighbourhood,
            theme=data["theme"],
            as_ambassador=ambassador,
            public_name=data["public_name"],
            can_help_with=data["can_help_with"],
        )
    except actions.CommunityError as error:
        form.add_error(None, str(error))
        return _network_page(request, neighbourhood, form=form, status=400)
    if ambassador and neighbourhood.area_manager_id is None:
        messages.success(
            request,
            _(
                "Thank you! This neighbourhood has no area manager now; an administrator of "
                "the municipality will look at your request to be ambassador."
            ),
        )
    elif ambassador:
        messages.success(
            request, _("Thank you! The area manager will look at your request to be ambassador.")
        )
    else:
        messages.success(request, _("Welcome to the network."))
    return redirect("community:networks", slug=neighbourhood.slug)


def _ambassador(pk: int) -> Membership:
    return get_object_or_404(Membership.objects.ambassadors().for_page(), pk=pk)


def _ambassador_page(request, membership: Membership, *, form=None, status=200):
    return render(
        request,
        "community/ambassador.html",
        {"ambassador": membership, "form": form or MessageForm()},
        status=status,
    )


@require_safe
@public_page("community")
def ambassador(request: HttpRequest, pk: int) -> HttpResponse:
    return _ambassador_page(request, _ambassador(pk))


@login_required
@require_POST
@rate_limited("community_message")
def ambassador_contact(request: SignedInRequest, pk: int) -> HttpResponse:
    membership = _ambassador(pk)
    return _send(
        request,
        MessageForm(request.POST),
        send=lambda text: actions.write_to(about=membership, author=request.user, text=text),
        sent=_("Your message is sent. Answers appear here."),
        page=lambda form: _ambassador_page(request, membership, form=form, status=400),
    )


# --- conversations ------------------------------------------------------------------------


@login_required
@require_safe
def conversations(request: SignedInRequest) -> HttpResponse:
    # One person's list: Django's own paging (CityScalePaginator caches its count for
    # every visitor under public tags).
    mine = Conversation.objects.of(request.user).for_listing()
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    for found in page.object_list:
        found.partner = found.partner_of(request.user)  # type: ignore[attr-defined]
    return render(request, "community/conversations.html", {"page": page})


def _conversation(pk: int, user) -> Conversation:
    """Only the two people in a conversation open it; for anyone else it does not exist."""
    conversation = get_object_or_404(
        Conversation.objects.for_listing().prefetch_related(
            Prefetch("messages", queryset=Message.objects.select_related("author"))
        ),
        pk=pk,
    )
    if not conversation.is_between(user):
        raise Http404
    return conversation


def _conversation_page(
    request, conversation: Conversation, *, form=None, report_form=None, reported=None, status=200
):
    user = request.user
    partner = conversation.partner_of(user)
    thread = list(conversation.messages.all())
    for message in thread:
        if message.author_id != user.pk:
            bound = reported == message.pk and report_form is not None
            message.report_form = (  # type: ignore[attr-defined]
                report_form if bound else ReportForm(prefix=f"report-{message.pk}")
            )
    return render(
        request,
        "community/conversation.html",
        {
            "conversation": conversation,
            "thread": thread,
            "partner": partner,
            "i_share": conversation.shares_email(user),
            "blocked": Block.objects.filter(blocker=user, blocked=partner).exists(),
            "form": form or MessageForm(),
            "reported": reported,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _conversation(pk, request.user)
    if request.method == "POST":
        return _answer(request, found)
    return _conversation_page(request, found)


@rate_limited("community_message")
def _answer(request: SignedInRequest, found: Conversation) -> HttpResponse:
    def send(text: str) -> Conversation:
        actions.write_message(conversation=found, author=request.user, text=text)
        return found

    return _send(
        request,
        MessageForm(request.POST),
        send=send,
        sent=_("Your message is sent."),
        page=lambda form: _conversation_page(request, found, form=form, status=400),
    )


@login_required
@require_POST
def conversation_share(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _conversation(pk, request.user)
    share = request.POST.get("share") == "1"
    actions.share_email(conversation=found, user=request.user, share=share)
    if share:
        messages.success(
            request,
            _("You agree to share your email address; it shows once the other agrees too."),
        )
    else:
        messages.success(request, _("Your email address is no longer shared."))
    return redirect(found)


@login_required
@require_POST
def conversation_block(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _conversation(pk, request.user)
    partner = found.partner_of(request.user)
    if request.POST.get("unblock") == "1":
        actions.unblock(blocker=request.user, blocked=partner)
        messages.success(request, _("This person can write to you again."))
    else:
        actions.block(blocker=request.user, blocked=partner)
        messages.success(request, _("This person can no longer write to you."))
    return redirect(found)


@login_required
@require_POST
def message_report(request: SignedInRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("conversation"), pk=pk)
    if not message.conversation.is_between(request.user):
        raise Http404
    form = ReportForm(request.POST, prefix=f"report-{message.pk}")
    if not form.is_valid():
        conversation = _conversation(message.conversation_id, request.user)
        return _conversation_page(
            request, conversation, report_form=form, reported=message.pk, status=400
        )
    try:
        reported = actions.report_message(
            message=message, reporter=request.user, reason=form.cleaned_data["reason"]
        )
    except actions.CommunityError as error:
        raise PermissionDenied(str(error)) from None
    if reported:
        messages.success(request, _("Thank you. A moderator will look at this message."))
    else:
        messages.info(request, _("You reported this message already."))
    return redirect(message.conversation)


# --- coaches for initiators -------------------------------------------------------------------


def coach_panel(request: HttpRequest, initiative: Initiative) -> dict | None:
    """What an initiative's page shows of its coach (``initiatives.extensions``): the
    coach by name for everyone once they coach it; for its initiators also where the
    request stands, how to reach the coach, or a link to ask for one. One query, none
    for a visitor when nobody asked for a coach (``coach_asked``, read with the row)."""
    if not initiative.is_public:
        return None
    runs: bool = initiative.viewer_runs  # type: ignore[attr-defined]  # an annotation (extensions)
    if not runs and not initiative.coach_asked:  # type: ignore[attr-defined]  # coach_panel_annotations
        return None  # what nearly every visitor meets: no query at all
    coaching = CoachRequest.objects.for_page().filter(initiative=initiative).first()
    if coaching is None and not runs:
        return None
    if coaching is not None and not coaching.is_coached and not runs:
        return None
    return {
        "template": "community/_coach_panel.html",
        "coaching": coaching,
        "runs": runs,
        "initiative": initiative,
    }


def coach_panel_annotations() -> dict[str, RawSQL]:
    """Read with the initiative's row (``initiatives.extensions``): whether anyone asked
    for a coach for it, so the panel asks nothing for the many initiatives nobody did."""
    return {"coach_asked": rows_point_here(CoachRequest, "initiative")}


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("community_post")
def coach_ask(request: SignedInRequest, initiative: int) -> HttpResponse:
    """An initiator of a public initiative asks for a coach."""
    found = get_object_or_404(
        Initiative.objects.public().of(request.user).select_related("neighbourhood"),
        pk=initiative,
    )
    existing = CoachRequest.objects.filter(initiative=found).first()
    if existing is not None and existing.is_coached:
        messages.info(request, _("Your initiative has a coach already."))
        return redirect(found)
    form = CoachRequestForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            actions.ask_for_coach(
                initiative=found,
                by=request.user,
                wish=form.cleaned_data["wish"],
                question=form.cleaned_data["question"],
            )
        except actions.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Thank you! The municipality looks for a coach for your initiative."),
            )
            return redirect(found)
    return render(
        request,
        "community/coach_form.html",
        {"form": form, "initiative": found},
        status=400 if form.is_bound else 200,
    )


def _coaching_for_ambassador(pk: int, user) -> CoachRequest:
    """Only the ambassador asked to coach opens the request; for anyone else it does
    not exist."""
    coaching = get_object_or_404(
        CoachRequest.objects.for_page().select_related("initiative__neighbourhood"), pk=pk
    )
    if coaching.ambassador is None or coaching.ambassador.user_id != user.pk:
        raise Http404
    return coaching


@login_required
@require_http_methods(["GET", "POST"])
def coaching(request: SignedInRequest, pk: int) -> HttpResponse:
    """The ambassador asked to coach reads the initiators' question and answers."""
    found = _coaching_for_ambassador(pk, request.user)
    form = CoachAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            actions.answer_coaching(coaching=found, user=request.user, accept=accept)
        except actions.CommunityError as error:
            form.add_error(None, str(error))
        else:
            if accept:
                messages.success(
                    request, _("Thank you! You are shown as the coach of this initiative.")
                )
                return redirect(found.initiative)
            messages.success(request, _("Thank you for letting us know."))
            return redirect("community:coaching", pk=found.pk)
    return render(
        request,
        "community/coaching.html",
        {"coaching": found, "form": form},
        status=400 if form.is_bound else 200,
    )
