"""What people do with participation processes, task teams, council questions and the
decisions list. Each action checks who may do it, writes in one transaction and tells
the people concerned through the notifications kernel."""

from collections.abc import Callable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role, User
from common.signals import FEEDBACK_PUBLISHED, PHASE_CLOSED, taking_part_ended
from neighbourhoods.models import Neighbourhood, NeighbourhoodFollow
from notifications.service import notify_each
from participation.models import (
    CouncilQuestion,
    Decision,
    DecisionFollow,
    Phase,
    Process,
    ProcessFollow,
    TaskTeam,
    TeamLogEntry,
    TeamMembership,
    Topic,
)
from surveys.models import Question, Survey

PROCESS = "participation_process"
TEAM = "participation_team"
COUNCIL = "participation_council"
DECISIONS = "participation_decisions"
STAFF = "participation_staff"


# --- processes -------------------------------------------------------------------------


def follow_process(*, process: Process, user: User) -> None:
    ProcessFollow.objects.get_or_create(process=process, user=user)


def unfollow_process(*, process: Process, user: User) -> None:
    ProcessFollow.objects.filter(process=process, user=user).delete()


def publish_process(*, process: Process) -> bool:
    return bool(
        Process.objects.filter(pk=process.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
    )


@transaction.atomic
def report_back(*, phase: Phase) -> bool:
    """Publish a phase's "what we heard, what we did" and tell the followers, once."""
    if not phase.has_feedback or not phase.process.is_published:
        return False
    claimed = Phase.objects.filter(pk=phase.pk, feedback_published_at__isnull=True).update(
        feedback_published_at=timezone.now()
    )
    if not claimed:
        return False
    process = phase.process
    followers = User.objects.filter(process_follows__process=process)
    notify_each(
        followers,
        kind=PROCESS,
        dedupe_key=f"process:{process.pk}:phase:{phase.pk}:feedback",
        message=lambda: (
            _("“%(process)s”: what we heard and what we did in the phase “%(phase)s”.")
            % {"process": process.title, "phase": phase.name}
        ),
        url=process.get_absolute_url() + f"#phase-{phase.pk}",
        subject=process,
    )
    taking_part_ended.send(
        sender=Phase, moment=FEEDBACK_PUBLISHED, people=followers, about=process.title
    )
    return True


# How long after a phase ended its participants are still asked how it went: a phase
# that closed long ago (or before this existed) is not evaluated out of the blue.
EVALUATION_WINDOW = timedelta(days=14)


def ask_about_closed_phases(*, today: date | None = None) -> int:
    """Ask the followers of every published process whose phase ended (yesterday, or
    within the last two weeks and not asked yet) how taking part went; once per phase."""
    today = today or timezone.localdate()
    due = Phase.objects.filter(
        process__published_at__isnull=False,
        ends_on__lt=today,
        ends_on__gte=today - EVALUATION_WINDOW,
        evaluation_asked_at__isnull=True,
    ).select_related("process")
    asked = 0
    for phase in due:
        with transaction.atomic():
            claimed = Phase.objects.filter(pk=phase.pk, evaluation_asked_at__isnull=True).update(
                evaluation_asked_at=timezone.now()
            )
            if not claimed:
                continue
            taking_part_ended.send(
                sender=Phase,
                moment=PHASE_CLOSED,
                people=User.objects.filter(process_follows__process=phase.process_id),
                about=phase.process.title,
            )
            asked += 1
    return asked


# --- task teams ------------------------------------------------------------------------


class TeamError(Exception):
    pass


def apply_to_team(*, team: TaskTeam, user: User, motivation: str) -> TeamMembership:
    """A resident asks to join; the team's area manager hears of it."""
    if not team.open_for_applications:
        raise TeamError(_("This team does not take new members now."))
    try:
        with transaction.atomic():
            membership = TeamMembership.objects.create(team=team, user=user, motivation=motivation)
    except IntegrityError:
        raise TeamError(_("You already applied to this team.")) from None
    manager = team.neighbourhood.area_manager
    notify_each(
        [manager],
        kind=STAFF,
        dedupe_key=f"team:{team.pk}:application:{membership.pk}",
        message=lambda: (
            _("%(name)s applied to join the task team “%(team)s”.")
            % {"name": user.public_name, "team": team.title}
        ),
        url=reverse("admin:participation_taskteam_change", args=[team.pk]),
        subject=team,
    )
    return membership


@transaction.atomic
def decide_membership(
    *, membership: TeamMembership, by: User, accept: bool, role: str | None = None
) -> None:
    """Only the area manager of the team's neighbourhood accepts or declines."""
    team = membership.team
    if not team.is_managed_by(by):
        raise PermissionDenied
    membership.status = TeamMembership.Status.ACCEPTED if accept else TeamMembership.Status.DECLINED
    if role:
        membership.role = role
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "role", "decided_at"])
    notify_each(
        [membership.user],
        kind=TEAM,
        dedupe_key=f"team:{team.pk}:membership:{membership.pk}:{membership.status}",
        message=lambda: (
            (
                _("Welcome to the task team “%(team)s”.")
                if accept
                else _("The task team “%(team)s” cannot take you on now.")
            )
            % {"team": team.title}
        ),
        url=team.get_absolute_url(),
        subject=team,
    )


def add_log_entry(*, team: TaskTeam, by: User, text: str) -> TeamLogEntry:
    if not team.log_may_be_written_by(by):
        raise PermissionDenied
    return TeamLogEntry.objects.create(team=team, author=by, text=text)


# --- council questions -------------------------------------------------------------------


def ask_council_question(*, user: User, question: str, context: str) -> CouncilQuestion:
    if not CouncilQuestion.may_be_asked_by(user):
        raise PermissionDenied
    asked = CouncilQuestion.objects.create(asked_by=user, question=question, context=context)
    researchers = User.objects.filter(groups__name=Role.RESEARCHER.value, is_active=True)
    notify_each(
        researchers,
        kind=STAFF,
        dedupe_key=f"council-question:{asked.pk}:submitted",
        message=lambda: (
            _("A council member asks the panel: “%(question)s”")
            % {"question": asked.question[:120]}
        ),
        url=reverse("admin:participation_councilquestion_change", args=[asked.pk]),
        subject=asked,
    )
    return asked


@transaction.atomic
def revise_council_question(
    *, asked: CouncilQuestion, by: User, question: str, context: str
) -> None:
    """The member rewrites the question while it is still under review."""
    if asked.asked_by_id != by.pk or not asked.may_be_edited:
        raise PermissionDenied
    CouncilQuestion.objects.filter(pk=asked.pk).update(
        question=question, context=context, status=CouncilQuestion.Status.SUBMITTED
    )


def _tell_member(asked: CouncilQuestion, key: str, message: Callable[[], str]) -> None:
    notify_each(
        [asked.asked_by],
        kind=COUNCIL,
        dedupe_key=f"council-question:{asked.pk}:{key}",
        message=message,
        url=reverse("participation:council_question", args=[asked.pk]),
        subject=asked,
    )


@transaction.atomic
def review_council_question(*, asked: CouncilQuestion, outcome: str, message: str = "") -> None:
    """A researcher's review: accept, ask to rephrase (with a suggestion), or decline
    (with a reason). The member is told in each case."""
    if outcome not in {
        CouncilQuestion.Status.ACCEPTED,
        CouncilQuestion.Status.REPHRASING,
        CouncilQuestion.Status.DECLINED,
    }:
        raise ValueError(outcome)
    if outcome != CouncilQuestion.Status.ACCEPTED and not message.strip():
        raise ValueError("message")
    asked.status = outcome
    asked.researcher_message = message.strip()
    asked.save(update_fields=["status", "researcher_message"])
    texts: dict[str, Callable[[], str]] = {
        CouncilQuestion.Status.ACCEPTED: lambda: _(
            "Your question to the panel is accepted: “%(question)s”"
        ),
        CouncilQuestion.Status.REPHRASING: lambda: _(
            "The researchers suggest rephrasing your question to the panel: “%(question)s”"
        ),
        CouncilQuestion.Status.DECLINED: lambda: _(
            "Your question to the panel was declined: “%(question)s”"
        ),
    }
    _tell_member(
        asked,
        f"{outcome}:{timezone.now():%Y%m%d%H%M%S}",
        lambda: texts[outcome]() % {"question": asked.question[:120]},
    )


# The kinds of question a council question can become without further choices to fill in.
POLL_QUESTION_KINDS = [
    Question.Kind.RATING,
    Question.Kind.LIKERT,
    Question.Kind.YESNO,
    Question.Kind.TEXT,
]


@transaction.atomic
def create_panel_poll(*, asked: CouncilQuestion, kind: str) -> Survey:
    """Turn an accepted question into a panel poll the researcher then completes in the
    surveys app (questions, sample, sending). Opens tomorrow, runs two weeks. The
    researcher chooses the kind of question (a mark, agree or disagree, yes or no, open
    text): "How satisfied are you…?" is no statement to agree with."""
    if asked.status != CouncilQuestion.Status.ACCEPTED or asked.survey_id:
        raise ValueError(asked.status)
    if kind not in POLL_QUESTION_KINDS:
        raise ValueError(kind)
    start = timezone.now() + timedelta(days=1)
    base = slugify(f"raadsvraag-{asked.pk}-{asked.question[:40]}")[:60]
    survey = Survey.objects.create(
        title=_("Question from the council: %(question)s") % {"question": asked.question[:150]},
        slug=base,
        kind=Survey.Kind.PANEL,
        audience=Survey.Audience.SAMPLE,
        intro=asked.context,
        anonymous=True,
        opens_at=start,
        closes_at=start + timedelta(days=14),
    )
    Question.objects.create(
        survey=survey,
        order=1,
        code="raadsvraag",
        kind=kind,
        text=asked.question[:300],
        # An open answer is asked for, not demanded.
        required=kind != Question.Kind.TEXT,
    )
    asked.survey = survey
    asked.status = CouncilQuestion.Status.POLLING
    asked.save(update_fields=["survey", "status"])
    return survey


def answer_from_results(survey: Survey) -> bool:
    """Called by the surveys app when results are published: the council question behind
    the poll is answered, its member told, and the question and result become public."""
    asked = CouncilQuestion.objects.filter(survey=survey).select_related("asked_by").first()
    if asked is None:
        return False
    if survey.has_too_few_responses():
        # Not an answer: fewer responses than the minimum and no public reason.
        return False
    updated = CouncilQuestion.objects.filter(
        pk=asked.pk, status=CouncilQuestion.Status.POLLING
    ).update(status=CouncilQuestion.Status.ANSWERED, answered_at=timezone.now())
    if updated:
        _tell_member(
            asked,
            "answered",
            lambda: (
                _("The panel answered your question: “%(question)s”")
                % {"question": asked.question[:120]}
            ),
        )
    return bool(updated)


# --- decisions ---------------------------------------------------------------------------


def follow_decisions(
    *, user: User, topic: Topic | None = None, neighbourhood: Neighbourhood | None = None
) -> None:
    DecisionFollow.objects.get_or_create(user=user, topic=topic, neighbourhood=neighbourhood)


def unfollow_decisions(
    *, user: User, topic: Topic | None = None, neighbourhood: Neighbourhood | None = None
) -> None:
    DecisionFollow.objects.filter(user=user, topic=topic, neighbourhood=neighbourhood).delete()


@transaction.atomic
def publish_decision(*, decision: Decision) -> bool:
    """Put a decision on the public list and tell who follows its topic or one of its
    neighbourhoods (in their daily digest by default)."""
    claimed = Decision.objects.filter(pk=decision.pk, published_at__isnull=True).update(
        published_at=timezone.now()
    )
    if not claimed:
        return False
    neighbourhoods = list(decision.neighbourhoods.values_list("pk", flat=True))
    followers = User.objects.filter(
        Q(decision_follows__topic_id=decision.topic_id)
        | Q(decision_follows__neighbourhood_id__in=neighbourhoods)
        | Q(
            pk__in=NeighbourhoodFollow.objects.filter(neighbourhood_id__in=neighbourhoods).values(
                "user"
            )
        ),
        is_active=True,
    ).distinct()
    notify_each(
        followers,
        kind=DECISIONS,
        dedupe_key=f"decision:{decision.pk}:published",
        message=lambda: _("The board decided: %(title)s") % {"title": decision.title},
        url=decision.get_absolute_url(),
        subject=decision,
    )
    return True
