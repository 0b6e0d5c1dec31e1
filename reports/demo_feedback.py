"""Demo answers to the satisfaction question, for the demo reports ("is it solved?")
and the demo questions ("is your question answered?") alike: a used link and an
answer with a grade, a remark and some of the reasons offered for that answer. The
links' tokens are never kept, as in real life."""

import random
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import models

from reports.models import Feedback, FeedbackReason, FeedbackRequest, hash_token

# What the answer is given for: the closing (a report) or the answer (a question), and
# the answer ("yes", "partly", "no"); ``None`` when this one gets no answer.
Pick = Callable[[models.Model], tuple[datetime, str] | None]


def seed_feedback(
    rng: random.Random,
    subjects: Sequence[models.Model],
    *,
    about: str,
    pick: Pick,
    grades: Mapping[Any, tuple[int, int]],
    remarks: Mapping[Any, list[str]],
    days_after: int,
    hour: int,
) -> None:
    """Answers for the ``subjects`` (reports or questions, ``about`` says which) that
    ``pick`` chooses, given up to ``days_after`` days after the moment it names."""
    reasons: dict[str, list[FeedbackReason]] = {}
    for reason in FeedbackReason.objects.filter(is_active=True, applies_to=about):
        reasons.setdefault(reason.answer, []).append(reason)
    requests, given, chosen = [], [], []
    for subject in subjects:
        picked = pick(subject)
        if picked is None:
            continue
        moment, answer = picked
        request = FeedbackRequest(
            **{about: subject},
            token_hash=hash_token(secrets.token_urlsafe(32)),
            created_at=moment,
            expires_at=moment + timedelta(days=14),
        )
        requests.append(request)
        low, high = grades[answer]
        given.append(
            Feedback(
                **{about: subject},
                request=request,
                solved=answer,
                grade=rng.randint(low, high),
                remark=rng.choice(remarks[answer]),
                created_at=moment + timedelta(days=rng.randint(0, days_after), hours=hour),
            )
        )
        options = reasons.get(answer, [])
        chosen.append(rng.sample(options, k=min(len(options), rng.randint(0, 2))))
    FeedbackRequest.objects.bulk_create(requests)
    for item in given:
        item.request_id = item.request.pk
    Feedback.objects.bulk_create(given)
    through = Feedback.reasons.through
    through.objects.bulk_create(
        [
            through(feedback_id=item.pk, feedbackreason_id=reason.pk)
            for item, picked_reasons in zip(given, chosen, strict=True)
            for reason in picked_reasons
        ]
    )
