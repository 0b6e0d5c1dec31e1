"""Asking people how taking part went (evaluatie van participatie).

When an initiative is decided, when a phase of a participation process closes, and once
more when the municipality publishes what it did with people's input, those who took
part get one short, anonymous questionnaire by email. Each is an ordinary survey of the
kind "evaluation", one per year and per questionnaire, so answers from many small
moments add up to figures that mean something (and small groups stay hidden as in every
survey). A person is asked each questionnaire at most once a year, never when they
turned these emails off, and the yearly "waardering" item feeds the indicator
"Waardering van de wijze waarop de gemeente deelnemers betrekt" (realised against target
on the indicator page and the city dashboard).

The questionnaires are written in the municipality's language when the year's survey is
created; researchers may edit them like any survey."""

from dataclasses import dataclass
from datetime import datetime, time

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.signals import FEEDBACK_PUBLISHED, INITIATIVE_DECIDED, MOMENTS, PHASE_CLOSED
from notifications.models import EmailFrequency, NotificationPreference
from surveys.actions import invite_emails, start_sending
from surveys.models import (
    EVALUATION_NOTIFICATIONS,
    Indicator,
    IndicatorYear,
    Question,
    Survey,
)

# The item worded after the burgerpeiling's "waardering wijze waarop gemeente burgers
# betrekt", asked of participants; its yearly mean is the indicator's realised value.
APPRECIATION = "waardering-betrekken"
INDICATOR = "waardering-participatie"


@dataclass(frozen=True)
class Item:
    code: str
    kind: str
    text: Promise
    required: bool = True


@dataclass(frozen=True)
class Questionnaire:
    slug: str
    title: Promise
    intro: Promise
    items: tuple[Item, ...]


TAKING_PART = Questionnaire(
    slug="evaluatie-meedoen",
    title=_("How did taking part go? (%(year)s)"),
    intro=_(
        "You took part in something the municipality decided on or asked your opinion "
        "about. Four short questions about how that went help us do it better next time."
    ),
    items=(
        Item(
            APPRECIATION,
            Question.Kind.RATING,
            _("What grade do you give the way the municipality involved you?"),
        ),
        Item(
            "informatie-duidelijk",
            Question.Kind.LIKERT,
            _("I knew in advance what would happen with my input."),
        ),
        Item(
            "serieus-genomen",
            Question.Kind.LIKERT,
            _("I felt my input was taken seriously."),
        ),
        Item("opnieuw-meedoen", Question.Kind.YESNO, _("Would you take part again?")),
        Item(
            "beter-kan",
            Question.Kind.TEXT,
            _("What could the municipality do better? (optional)"),
            required=False,
        ),
    ),
)

WHAT_WE_DID = Questionnaire(
    slug="evaluatie-terugkoppeling",
    title=_("Did you see what was done with your input? (%(year)s)"),
    intro=_(
        "The municipality published what it heard and what it did with it. Three short "
        "questions about that feedback."
    ),
    items=(
        Item(
            "terugkoppeling-gezien",
            Question.Kind.YESNO,
            _("Did you see what was done with your input?"),
        ),
        Item(
            "terugkoppeling-begrijpelijk",
            Question.Kind.LIKERT,
            _("I understand why the municipality made these choices."),
        ),
        Item(
            "terugkoppeling-cijfer",
            Question.Kind.RATING,
            _("What grade do you give the feedback on what was done?"),
        ),
    ),
)

QUESTIONNAIRES = {
    INITIATIVE_DECIDED: TAKING_PART,
    PHASE_CLOSED: TAKING_PART,
    FEEDBACK_PUBLISHED: WHAT_WE_DID,
}


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """Open all year; answers may still come in during January of the next."""
    opens = timezone.make_aware(datetime(year, 1, 1))
    closes = timezone.make_aware(datetime.combine(datetime(year + 1, 1, 31), time.max))
    return opens, closes


def evaluation_survey(questionnaire: Questionnaire, year: int) -> Survey:
    """This year's survey for a questionnaire, created with its items the first time."""
    slug = f"{questionnaire.slug}-{year}"
    survey = Survey.objects.filter(slug=slug).first()
    if survey is not None:
        return survey
    opens, closes = _year_bounds(year)
    try:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            survey = Survey.objects.create(
                slug=slug,
                title=str(questionnaire.title) % {"year": year},
                intro=str(questionnaire.intro),
                kind=Survey.Kind.EVALUATION,
                audience=Survey.Audience.LIST,
                anonymous=True,
                one_page=True,
                opens_at=opens,
                closes_at=closes,
                reminder_days="7",
                max_reminders=1,
            )
            for order, item in enumerate(questionnaire.items, start=1):
                Question.objects.create(
                    survey=survey,
                    order=order,
                    code=item.code,
                    kind=item.kind,
                    text=str(item.text),
                    required=item.required,
                )
            if questionnaire is TAKING_PART:
                _measure_indicator(survey, year)
    except IntegrityError:  # created at the same moment by another request
        survey = Survey.objects.get(slug=slug)
    return survey


def _indicator_texts() -> dict[str, str]:
    """The participants' indicator in Dutch and in English, whatever language the task
    runs in."""
    texts = {}
    for language, suffix in (("nl", ""), ("en", "_en")):
        with translation.override(language):
            texts[f"name{suffix}"] = gettext(
                "Appreciation of the way the municipality involves participants"
            )
            texts[f"description{suffix}"] = gettext(
                "The mean grade participants give, after an initiative was decided or a "
                "phase of a participation process closed, for the way the municipality "
                "involved them."
            )
    with translation.override("nl"):
        texts["unit"] = gettext("grade")
    return texts


def _measure_indicator(survey: Survey, year: int) -> None:
    """The year's realised value of the participants' indicator comes from this
    survey's appreciation item (unless someone set another source by hand)."""
    indicator, _created = Indicator.objects.get_or_create(
        slug=INDICATOR, defaults=_indicator_texts()
    )
    row, _created = IndicatorYear.objects.get_or_create(indicator=indicator, year=year)
    if row.question_id is None and row.manual_value is None:
        row.question = survey.questions.get(code=APPRECIATION)
        row.save(update_fields=["question"])


def _turned_off(users: list[User]) -> set[int]:
    return set(
        NotificationPreference.objects.filter(
            user__in=users, kind=EVALUATION_NOTIFICATIONS, email=EmailFrequency.NEVER
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def ask_how_it_went(*, moment: str, people, about: str, today=None) -> int:
    """Invite those who took part (who have not turned this off and were not asked this
    questionnaire this year) and send the invitations. Returns how many were invited."""
    if moment not in MOMENTS:
        raise ValueError(f"Unknown moment {moment!r}")
    year = (today or timezone.localdate()).year
    survey = evaluation_survey(QUESTIONNAIRES[moment], year)
    if not survey.is_open:
        return 0
    users = [user for user in people if user.is_active and user.email]
    off = _turned_off(users)
    created = invite_emails(
        survey=survey, emails=[user.email for user in users if user.pk not in off], about=about
    )
    if created:
        start_sending(survey=survey)
    return created


@shared_task
def ask_participants(moment: str, user_ids: list[int], about: str) -> int:
    return ask_how_it_went(moment=moment, people=User.objects.filter(pk__in=user_ids), about=about)


def on_taking_part_ended(sender, *, moment: str, people, about: str, **kwargs) -> None:
    """Receiver of ``common.signals.taking_part_ended`` (connected in SurveysConfig).
    The invitations are made by a task once the moment is saved: a popular initiative's
    thousands of supporters neither hold up nor roll back the civil servant's decision."""
    if moment not in MOMENTS:
        raise ValueError(f"Unknown moment {moment!r}")
    ask_participants.delay_on_commit(moment, [person.pk for person in people], about)
