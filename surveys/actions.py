"""What residents and researchers do with the panel and surveys. Sending happens in
Celery tasks in batches (``surveys/tasks.py``); these functions decide who and what."""

import random
import secrets
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from common.public_cache import bump_after_commit
from common.vacuum import vacuum
from neighbourhoods.models import Neighbourhood
from surveys import answering, results
from surveys.models import (
    Answer,
    Invitation,
    PanelMember,
    Response,
    ResponseDraft,
    SealedResponse,
    SendRun,
    Survey,
)
from surveys.tasks import precompute_results, send_invitation_batch, send_reminder_batch

BATCH_SIZE = 500


class SurveyError(Exception):
    """A step the survey's state does not allow."""


class TooFewResponses(SurveyError):
    """Fewer responses than the survey's minimum, and no public reason given."""

    def __init__(self, count: int, minimum: int):
        super().__init__(f"{count} < {minimum}")
        self.count = count
        self.minimum = minimum


def explain_sample(*, invited: int, asked: int | None, before: Mapping[str, int]) -> str:
    """Why fewer panel members were invited than asked for (or none), from the counts of
    ``PanelMember.objects.why_not_eligible`` taken before inviting: the panel's size, the
    yearly invitation cap, members invited already, closed accounts. Empty when
    everyone asked for was invited and nobody was left out."""
    left_out = before["at_cap"] + before["invited_already"] + before["inactive"]
    if asked is not None and invited >= asked:
        return ""
    if asked is None and not left_out and invited:
        return ""
    if not before["panel"]:
        return _(
            "The panel has no members yet: only residents who joined with consent are invited."
        )
    parts = [
        ngettext(
            "The panel has %(count)d member (residents who joined with consent).",
            "The panel has %(count)d members (residents who joined with consent).",
            before["panel"],
        )
        % {"count": before["panel"]}
    ]
    if before["at_cap"]:
        parts.append(
            ngettext(
                "%(count)d has reached this year's cap of %(cap)d invitations.",
                "%(count)d have reached this year's cap of %(cap)d invitations.",
                before["at_cap"],
            )
            % {"count": before["at_cap"], "cap": settings.PANEL_INVITATIONS_PER_YEAR}
        )
    if before["invited_already"]:
        parts.append(
            ngettext(
                "%(count)d was invited to this survey already.",
                "%(count)d were invited to this survey already.",
                before["invited_already"],
            )
            % {"count": before["invited_already"]}
        )
    if before["inactive"]:
        parts.append(
            ngettext(
                "%(count)d has no active account.",
                "%(count)d have no active account.",
                before["inactive"],
            )
            % {"count": before["inactive"]}
        )
    parts.append(
        ngettext(
            "%(count)d could be invited.",
            "%(count)d could be invited.",
            before["eligible"],
        )
        % {"count": before["eligible"]}
    )
    return " ".join(parts)


def join_panel(*, user: User, neighbourhood: Neighbourhood, age_band: str) -> PanelMember:
    """A resident joins the panel with consent, or updates their group."""
    member, _created = PanelMember.objects.update_or_create(
        user=user,
        defaults={"neighbourhood": neighbourhood, "age_band": age_band},
    )
    return member


@transaction.atomic
def leave_panel(*, user: User) -> bool:
    """Delete the panel membership. Invitations keep only their coarse group (for
    response rates) and lose every link to the person; answers were anonymous anyway."""
    member = PanelMember.objects.filter(user=user).first()
    if member is None:
        return False
    member.invitations.update(member=None, email="")
    member.delete()
    return True


def draw_sample(
    *,
    survey: Survey,
    size: int,
    stratify_neighbourhood: bool = False,
    stratify_age: bool = False,
    seed: int | None = None,
) -> int:
    """Invite a random sample of eligible panel members. Stratified: each group
    (neighbourhood and/or age band) gets its proportional share of the sample, rounded
    by largest remainder so the shares add up to ``size``. Returns how many were drawn."""
    if survey.closed_at is not None:
        raise SurveyError("closed")
    rng = random.Random(seed)  # noqa: S311  sampling, not secrets; a seed makes it repeatable
    pool = list(
        PanelMember.objects.eligible_for(survey).values("pk", "neighbourhood_id", "age_band")
    )
    size = min(size, len(pool))
    if size <= 0:
        return 0
    groups: dict[tuple[int | None, str | None], list[Mapping[str, Any]]] = defaultdict(list)
    for member in pool:
        key = (
            member["neighbourhood_id"] if stratify_neighbourhood else None,
            member["age_band"] if stratify_age else None,
        )
        groups[key].append(member)
    quotas = {key: size * len(members) / len(pool) for key, members in groups.items()}
    counts = {key: int(quota) for key, quota in quotas.items()}
    leftover = size - sum(counts.values())
    for key in sorted(quotas, key=lambda k: quotas[k] - counts[k], reverse=True)[:leftover]:
        counts[key] += 1
    chosen = []
    for key, members in groups.items():
        chosen.extend(rng.sample(members, counts[key]))
    return _invite([(m["pk"], m["neighbourhood_id"], m["age_band"]) for m in chosen], survey)


def invite_whole_panel(*, survey: Survey) -> int:
    members = PanelMember.objects.eligible_for(survey).values_list(
        "pk", "neighbourhood_id", "age_band"
    )
    return _invite(list(members), survey)


def invite_emails(*, survey: Survey, emails: list[str], about: str = "") -> int:
    """Invitations for a list of addresses (no panel membership), each once per survey;
    ``about`` names in the email what the person took part in (an evaluation)."""
    existing = set(survey.invitations.exclude(email="").values_list("email", flat=True))
    created = 0
    for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
        if email in existing:
            continue
        invitation = Invitation.objects.create(
            survey=survey, email=email, about=about[:200], token_hash=f"pending-{email}-{survey.pk}"
        )
        _finish_token(invitation)
        created += 1
    return created


def _finish_token(invitation: Invitation) -> None:
    invitation.set_token_hash()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=invitation.token_hash)


@transaction.atomic
def _invite(members: list[tuple[int, int, str]], survey: Survey) -> int:
    created = 0
    for member_id, neighbourhood_id, age_band in members:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    survey=survey,
                    member_id=member_id,
                    neighbourhood_id=neighbourhood_id,
                    age_band=age_band,
                    token_hash=f"pending-{member_id}-{survey.pk}",
                )
        except IntegrityError:
            continue  # invited already
        _finish_token(invitation)
        created += 1
    return created


def start_sending(*, survey: Survey) -> SendRun:
    """Queue every unsent invitation in batches; the run counts progress."""
    if not survey.is_open:
        raise SurveyError("not open")
    ids = list(survey.invitations.filter(sent_at__isnull=True).values_list("pk", flat=True))
    run = SendRun.objects.create(survey=survey, kind=SendRun.Kind.INVITATIONS, total=len(ids))
    for start in range(0, len(ids), BATCH_SIZE):
        send_invitation_batch.delay_on_commit(run.pk, ids[start : start + BATCH_SIZE])
    return run


def start_reminders(*, survey: Survey, today: date | None = None) -> SendRun | None:
    if not survey.is_open:
        return None
    ids = survey.invitations_due_for_reminder(today)
    if not ids:
        return None
    run = SendRun.objects.create(survey=survey, kind=SendRun.Kind.REMINDERS, total=len(ids))
    for start in range(0, len(ids), BATCH_SIZE):
        send_reminder_batch.delay_on_commit(run.pk, ids[start : start + BATCH_SIZE])
    return run


def release_responses(*, survey: Survey, at_close: bool = False) -> int:
    """Release the answers of an anonymous survey that wait sealed, in one shuffled
    batch: the answers of every coarse group (neighbourhood and age band) of which at
    least ``SURVEY_RELEASE_BATCH_MINIMUM`` wait, or, once the survey has closed,
    everything that waits. They become responses dated today, in a random order, in one
    transaction that also marks the invitations of those groups released. Returns how
    many were released.

    Inside the batch nothing tells the responses of a group apart by when they came in:
    they share the transaction id and the date, their keys are random and their row order
    is shuffled; the invitations they came from share that same transaction id. So even
    with the database in hand, a response points at no fewer than the minimum number of
    invitations of its group."""
    with transaction.atomic():
        # A submission's sealed row needs this survey row (its foreign key), so none can
        # commit half-way through the batch: the invitations marked below are exactly
        # those whose answers are moved.
        locked = Survey.objects.select_for_update().filter(pk=survey.pk).first()
        if locked is None:
            return 0
        everything = at_close or locked.closed_at is not None or locked.closes_at <= timezone.now()
        waiting_by_group: dict[tuple[int | None, str], list[SealedResponse]] = defaultdict(list)
        for waiting in SealedResponse.objects.filter(survey=locked):
            waiting_by_group[(waiting.neighbourhood_id, waiting.age_band)].append(waiting)
        groups = [
            group
            for group, members in waiting_by_group.items()
            if everything or len(members) >= settings.SURVEY_RELEASE_BATCH_MINIMUM
        ]
        sealed = [waiting for group in groups for waiting in waiting_by_group[group]]
        if not sealed:
            return 0
        secrets.SystemRandom().shuffle(sealed)
        released_on = timezone.localdate()
        responses = [
            Response(
                survey=locked,
                neighbourhood_id=waiting.neighbourhood_id,
                age_band=waiting.age_band,
                submitted_on=released_on,
            )
            for waiting in sealed
        ]
        Response.objects.bulk_create(responses)
        questions = answering.survey_questions(locked)
        Answer.objects.bulk_create(
            [
                row
                for response, waiting in zip(responses, sealed, strict=True)
                for row in answering.answer_rows(questions, response, waiting.answers)
            ]
        )
        SealedResponse.objects.filter(pk__in=[waiting.pk for waiting in sealed]).delete()
        in_groups = Q()
        for neighbourhood_id, age_band in groups:
            in_groups |= Q(neighbourhood_id=neighbourhood_id, age_band=age_band)
        Invitation.objects.filter(in_groups, survey=locked, completed=True, released=False).update(
            released=True
        )
        if everything and not at_close and locked.closed_at is not None:
            # Answers that came in while the survey closed: the results are recomputed.
            results.forget(locked)
            _compute_results_after_commit([locked.pk])
            bump_after_commit("surveys")
    _vacuum_released_rows()
    return len(sealed)


def release_due_responses() -> int:
    """Every survey with sealed answers: release them where a batch is due."""
    released = 0
    waiting = SealedResponse.objects.values_list("survey_id", flat=True).distinct()
    for survey in Survey.objects.filter(pk__in=list(waiting)):
        released += release_responses(survey=survey)
    return released


def _vacuum_released_rows() -> None:
    """On PostgreSQL, clear the dead row versions a release leaves behind (the sealed
    answers, the drafts and the invitations' previous versions, which carried the
    submission's transaction id) now instead of at autovacuum's next visit."""
    vacuum(SealedResponse, ResponseDraft, Invitation, what="releasing survey answers")


def close_survey(*, survey: Survey) -> bool:
    """Close the survey; the answers still waiting sealed are released now, whatever
    their number, so the results count every answer."""
    closed = bool(
        Survey.objects.filter(pk=survey.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    )
    if closed:
        release_responses(survey=survey, at_close=True)
        _compute_results_after_commit([survey.pk])
    return closed


def close_due_surveys() -> int:
    due = list(
        Survey.objects.filter(closed_at__isnull=True, closes_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    closed = Survey.objects.filter(pk__in=due, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    for survey in Survey.objects.filter(pk__in=due):
        release_responses(survey=survey, at_close=True)
    _compute_results_after_commit(due)
    bump_after_commit("surveys")  # surveys listed as open on public pages are now closed
    return closed


def _compute_results_after_commit(survey_ids: list[int]) -> None:
    """The answers are final: compute the results now, not when the first visitor
    asks for them."""
    for survey_id in survey_ids:
        precompute_results.delay_on_commit(survey_id)


_ON_RESULTS_PUBLISHED: list[Callable[[Survey], object]] = []


def on_results_published(callback: Callable[[Survey], object]) -> None:
    """Another app wants to act when a survey's results go public (the participation
    app answers the council question behind a panel poll); surveys never imports it."""
    if callback not in _ON_RESULTS_PUBLISHED:
        _ON_RESULTS_PUBLISHED.append(callback)


@transaction.atomic
def publish_results(*, survey: Survey, reason: str = "") -> bool:
    """Results are public only after the survey has closed, and with fewer responses
    than the survey's minimum only with a reason the results page shows
    (``TooFewResponses`` otherwise)."""
    if survey.closed_at is None:
        raise SurveyError("open")
    count = Response.objects.filter(survey=survey).count()
    reason = reason.strip()
    fields: dict[str, Any] = {"results_published_at": timezone.now()}
    if count < survey.publish_minimum:
        reason = reason or survey.small_sample_reason
        if not reason:
            raise TooFewResponses(count, survey.publish_minimum)
        fields["small_sample_reason"] = reason
        survey.small_sample_reason = reason
    published = bool(
        Survey.objects.filter(pk=survey.pk, results_published_at__isnull=True).update(**fields)
    )
    if published:
        for callback in _ON_RESULTS_PUBLISHED:
            callback(survey)
    return published
