"""The resident's side of questions to the municipality (webcare): the public page of
questions answered in public, the question form (signed in, or with an email address
confirmed before it goes in), and a question's page (published ones for anyone; a
private one only for the asker who is signed in)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from common.abuse import rate_limited
from common.paging import CityScalePaginator
from common.public_cache import public_page
from reports import question_actions
from reports.models import Question, Topic
from reports.question_forms import QuestionForm

PAGE_SIZE = 20


def get_question_for(request: HttpRequest, pk: int) -> Question:
    """How views fetch a question: 404 for one this person may not read (someone else's
    private question, one not answered yet, one waiting for its confirmation), which
    looks exactly like a missing page."""
    return get_object_or_404(Question.objects.visible_to(request.user).for_listing(), pk=pk)


@require_safe
@public_page("reports")
def question_list(request: HttpRequest) -> HttpResponse:
    """Questions answered in public, newest answer first, by topic if chosen; the
    question as a colleague published it, never who asked."""
    questions = Question.objects.published().for_listing().order_by("-answered_at", "-pk")
    topics = list(Topic.objects.active())
    chosen = request.GET.get("onderwerp", "")
    topic = next((item for item in topics if item.slug == chosen), None)
    if topic is not None:
        questions = questions.filter(topic=topic)
    page = CityScalePaginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/questions/list.html",
        {"page": page, "topics": topics, "topic": topic},
    )


@require_safe
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request, pk)
    is_asker = request.user.is_authenticated and question.asker_id == request.user.pk
    days_left = question.working_days_left(timezone.localdate()) if is_asker else None
    return render(
        request,
        "reports/questions/detail.html",
        {"question": question, "is_asker": is_asker, "days_left": days_left},
    )


@require_http_methods(["GET", "POST"])
@rate_limited("public_space_question")
def question_create(request: HttpRequest) -> HttpResponse:
    """The question form, for a resident signed in or not. A visitor's question goes in
    once they confirm their address (the same link as for a report)."""
    signed_in = request.user.is_authenticated
    form = QuestionForm(request.POST or None, signed_in=signed_in)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question = question_actions.ask_question(
            topic=data["topic"],
            text=data["text"],
            is_public=data["visibility"] == "public",
            asker=request.user if isinstance(request.user, User) else None,
            email=data.get("email", ""),
            language=get_language() or "nl",
        )
        if signed_in:
            messages.success(
                request,
                _("Thank you. Your question went in as number %(number)s.")
                % {"number": question.pk},
            )
            return redirect(question)
        return render(request, "reports/check_email.html", {"question": True})
    return render(
        request,
        "reports/questions/form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
