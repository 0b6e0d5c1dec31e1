"""The mood of the city: analyses of what residents wrote (topics found in a period and
area) and the summaries a researcher publishes of them."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mood.stopwords import without_stop_words


class Kind(models.TextChoices):
    """What a resident wrote, by where they wrote it."""

    INITIATIVE = "initiative", _("Initiative")
    COMMENT = "comment", _("Comment")
    AGENDA_ITEM = "agenda_item", _("Agenda item")
    SURVEY_ANSWER = "survey_answer", _("Open survey answer")
    REPORT = "report", _("Public-space report")
    QUESTION = "question", _("Question")


class Failure(models.TextChoices):
    """Why a run failed, as the researcher reads it on the run's page."""

    ERROR = "error", _("The computation stopped with an error.")
    TIMEOUT = (
        "timeout",
        _("The computation took longer than its time limit, or the computer doing it stopped."),
    )


class AnalysisRun(models.Model):
    """One reading of what residents wrote in a period and an area (a neighbourhood or
    the whole city): the topics found, computed in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    start = models.DateField(_("from"))
    end = models.DateField(_("up to and including"))
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the whole city."),
    )
    topic_count = models.PositiveSmallIntegerField(_("at most this many topics"), default=8)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    text_count = models.PositiveIntegerField(_("texts read"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    running_since = models.DateTimeField(_("computing since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    failure = models.CharField(
        _("why it failed"), max_length=8, choices=Failure.choices, blank=True
    )

    class Meta:
        verbose_name = _("analysis of the mood of the city")
        verbose_name_plural = _("analyses of the mood of the city")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="mood_run_period")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} - {self.end:%Y-%m-%d}, {self.area_name()}"

    def area_name(self) -> str:
        return self.neighbourhood.name if self.neighbourhood else str(_("the whole city"))

    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def months(self) -> list[str]:
        """The months of the period, ``YYYY-MM``, for the trend of each topic."""
        found, day = [], date(self.start.year, self.start.month, 1)
        while day <= self.end:
            found.append(f"{day:%Y-%m}")
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return found


def public_minimum() -> int:
    """The fewest texts a topic must rest on for its words to be published: the surveys'
    smallest group shown (``SURVEY_MIN_GROUP_SIZE``). The words of a smaller topic could
    give away what one resident wrote (a name, a street)."""
    return int(settings.SURVEY_MIN_GROUP_SIZE)


class TopicQuerySet(models.QuerySet["Topic"]):
    def big_enough(self) -> "TopicQuerySet":
        """Topics resting on enough texts for their words to be published."""
        return self.filter(size__gte=public_minimum())

    def on_public_page(self) -> "TopicQuerySet":
        """The topics a researcher chose for the public page, if still big enough."""
        return self.big_enough().filter(public=True)


class Topic(models.Model):
    """A topic found in a run: its most telling words, how many texts belong to it, per
    month and per neighbourhood (``"0"``: texts without one, such as questions). Its
    words and size are published with the run's summary only if the researcher chose
    it and it rests on enough texts (:func:`public_minimum`)."""

    run = models.ForeignKey(
        AnalysisRun, verbose_name=_("analysis"), on_delete=models.CASCADE, related_name="topics"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    words = models.JSONField(_("words"), default=list)
    size = models.PositiveIntegerField(_("texts"))
    per_month = models.JSONField(_("texts per month"), default=dict)
    per_neighbourhood = models.JSONField(_("texts per neighbourhood"), default=dict)
    public = models.BooleanField(_("on the public page"), default=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="mood_topic_position")
        ]

    def __str__(self) -> str:
        return ", ".join(self.words[:3])

    @property
    def shown_words(self) -> list[str]:
        """Its words on the public page, without stop and filler words (the stored
        words stay as they were found)."""
        return without_stop_words(self.words)


class TopicInputQuerySet(models.QuerySet["TopicInput"]):
    def heaviest(self, run: AnalysisRun, count: int) -> "TopicInputQuerySet":
        """The ``count`` heaviest texts behind each topic of ``run``, in one query (by the
        place stored with each text, so a run of 300,000 texts is not ranked again)."""
        return self.filter(topic__run=run, rank__lte=count).order_by("topic__position", "rank")


class TopicInput(models.Model):
    """A text a topic rests on, by kind and key: the text itself stays in its own table
    (erasing a person there erases it here too)."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="inputs"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_key = models.CharField(_("key"), max_length=40)
    weight = models.FloatField(_("weight"))
    # 1 for the heaviest text of the topic, as the analysis ordered them.
    rank = models.PositiveIntegerField(_("place in its topic"), default=0)

    objects = TopicInputQuerySet.as_manager()

    class Meta:
        verbose_name = _("text behind a topic")
        verbose_name_plural = _("texts behind topics")
        ordering = ["topic", "rank"]
        indexes = [models.Index(fields=["topic", "rank"], name="mood_input_place")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_key}"


class SummaryQuerySet(models.QuerySet["Summary"]):
    def published(self) -> "SummaryQuerySet":
        """Published summaries, newest first, with their run's area and the topics
        chosen for the public page (big enough)."""
        return (
            self.filter(published_at__isnull=False, reviewed_at__isnull=False)
            .select_related("run__neighbourhood")
            .prefetch_related(
                Prefetch(
                    "run__topics",
                    queryset=Topic.objects.on_public_page().only(
                        "run", "position", "words", "size"
                    ),
                )
            )
            .order_by("-published_at", "-pk")
        )


class Summary(models.Model):
    """What a researcher writes about a run's topics for everyone to read on "Wat leeft
    er in de stad". Published only after a researcher reviewed it: that it matches the
    topics and names no person and nothing personal."""

    run = models.OneToOneField(
        AnalysisRun, verbose_name=_("analysis"), on_delete=models.CASCADE, related_name="summary"
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    text_nl = models.TextField(_("summary (Dutch)"), max_length=4000)
    text_en = models.TextField(_("summary (English)"), max_length=4000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("summary of the mood of the city")
        verbose_name_plural = _("summaries of the mood of the city")
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(reviewed_at__isnull=False),
                name="mood_summary_reviewed_before_published",
            )
        ]

    def __str__(self) -> str:
        return self.title_nl

    def title_for(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_nl

    def text_for(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_nl
