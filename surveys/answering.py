"""Answering a survey: one form per page, answers kept in a draft so a resident can
stop and resume, skip logic, and the submission that turns the draft into a response.

How anonymity holds at submission (an anonymous survey): one transaction marks the
invitation completed, writes the answers as a ``SealedResponse`` (random key, no
invitation, no time) and deletes the draft (the only thing that knew both the token and
the answers). Nothing goes into ``Response`` or ``Answer`` yet: a periodic task releases
the sealed answers of a survey in a shuffled batch once enough are waiting
(``surveys.actions.release_responses``), and marks the batch's invitations released in
that same transaction. A survey that is not anonymous keeps the respondent and is
written at once.
"""

import secrets

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.validators import validate_plain_text
from neighbourhoods.models import Neighbourhood
from surveys.models import (
    AgeBand,
    Answer,
    Invitation,
    Question,
    Response,
    ResponseDraft,
    SealedResponse,
    Survey,
)


class AlreadySubmitted(Exception):
    """This invitation's questionnaire was submitted already."""


def save_draft(draft: ResponseDraft, *, answers: dict, page: int) -> None:
    """Store a page's answers. Updates only: if another tab submitted (and so deleted the
    draft) in the meantime, nothing is written back next to the token."""
    updated = ResponseDraft.objects.filter(pk=draft.pk).update(
        answers=answers, page=page, updated_at=timezone.now()
    )
    if not updated:
        raise AlreadySubmitted
    draft.answers, draft.page = answers, page


def _visible(question: Question, answers: dict) -> bool:
    """Skip logic: shown unless it depends on an earlier answer that is different."""
    if question.show_if_question_id is None:
        return True
    given = answers.get(str(question.show_if_question_id))
    if isinstance(given, list):
        return question.show_if_value in given
    return given is not None and str(given) == question.show_if_value


def questions_on_page(survey: Survey, page: int, answers: dict) -> list[Question]:
    questions = list(survey.questions.all())
    if not survey.one_page:
        questions = [q for q in questions if q.page == page]
    return [q for q in questions if _visible(q, answers)]


def _field_for(question: Question) -> forms.Field:
    common = {
        "label": question.text,
        "required": question.required,
        "help_text": question.help_text,
    }
    if question.kind in Question.SCALES:
        low, high = Question.SCALES[question.kind]
        choices = [(str(value), str(value)) for value in range(low, high + 1)]
        if question.kind == Question.Kind.LIKERT:
            labels = {
                1: _("1 (strongly disagree)"),
                3: _("3 (neutral)"),
                5: _("5 (strongly agree)"),
            }
            choices = [(str(v), labels.get(v, str(v))) for v in range(low, high + 1)]
        return forms.TypedChoiceField(
            choices=choices, coerce=int, widget=forms.RadioSelect, **common
        )
    if question.kind == Question.Kind.YESNO:
        return forms.TypedChoiceField(
            choices=[("1", _("Yes")), ("0", _("No"))],
            coerce=int,
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == Question.Kind.SINGLE:
        return forms.ChoiceField(
            choices=[(c.value, c.label) for c in question.choices.all()],
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(c.value, c.label) for c in question.choices.all()],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        validators=[validate_plain_text],
        **common,
    )


class PageForm(forms.Form):
    """The questions of one page; field names are the question ids."""

    def __init__(self, *args, questions: list[Question], about_you: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[str(question.pk)] = _field_for(question)
        if about_you:
            self.fields["neighbourhood"] = forms.ModelChoiceField(
                queryset=Neighbourhood.objects.order_by("name"),
                required=False,
                label=_("Which neighbourhood do you live in?"),
                help_text=_("Only used for results per neighbourhood."),
                empty_label=_("I'd rather not say"),
            )
            self.fields["age_band"] = forms.ChoiceField(
                choices=[("", _("I'd rather not say")), *AgeBand.choices],
                required=False,
                label=_("How old are you?"),
            )

    def answers(self) -> dict:
        """Cleaned answers as JSON-safe values, for the draft."""
        result = {}
        for name, value in self.cleaned_data.items():
            if name == "neighbourhood":
                result[name] = value.pk if value else None
            elif value not in (None, "", []):
                result[name] = value
        return result


def first_page_with_missing_answer(survey: Survey, answers: dict) -> int | None:
    """Where a required, visible question is still unanswered (someone may post the last
    page directly, or skip logic may have shown a new question)."""
    for question in survey.questions.all():
        missing = answers.get(str(question.pk)) in (None, "", [])
        if question.required and missing and _visible(question, answers):
            return 1 if survey.one_page else question.page
    return None


def draft_for(survey: Survey, key: str) -> ResponseDraft:
    key_hash = Invitation.hash_token(key)
    failures = 0
    while True:
        try:
            with transaction.atomic():
                draft, _created = ResponseDraft.objects.get_or_create(
                    survey=survey, key_hash=key_hash
                )
            return draft
        except IntegrityError:  # the same resident in two tabs at once
            found = ResponseDraft.objects.filter(key_hash=key_hash).first()
            if found is not None:
                return found
            # The other tab's answers went in and its draft is gone: start again.
            failures += 1
            if failures == 3:
                raise


def new_session_key() -> str:
    return secrets.token_urlsafe(24)


def submit(
    *,
    survey: Survey,
    draft: ResponseDraft,
    invitation: Invitation | None,
    respondent=None,
) -> SealedResponse | Response:
    """Turn the draft into a sealed response (anonymous survey) or a response. Raises
    AlreadySubmitted when this invitation was used already (also when two submissions
    race: the conditional UPDATE lets one win). All in one transaction: nothing is
    half-saved."""
    answers = draft.answers
    neighbourhood_id = answers.get("neighbourhood")
    age_band = answers.get("age_band", "") or ""
    if invitation is not None:
        neighbourhood_id, age_band = invitation.neighbourhood_id, invitation.age_band
    try:
        with transaction.atomic():
            if invitation is not None:
                # A named survey's response is written now: nothing waits for a release.
                claimed = Invitation.objects.filter(pk=invitation.pk, completed=False).update(
                    completed=True, started=True, released=not survey.anonymous
                )
                if not claimed:
                    raise AlreadySubmitted
            ResponseDraft.objects.filter(pk=draft.pk).delete()
            if survey.anonymous:
                return SealedResponse.objects.create(
                    survey=survey,
                    neighbourhood_id=neighbourhood_id,
                    age_band=age_band,
                    answers=answers,
                )
            response = Response.objects.create(
                survey=survey,
                neighbourhood_id=neighbourhood_id,
                age_band=age_band,
                submitted_on=timezone.localdate(),
                respondent=respondent,
            )
            Answer.objects.bulk_create(answer_rows(survey_questions(survey), response, answers))
    except AlreadySubmitted:
        # A second tab may have saved answers meanwhile: they must not stay behind next
        # to the token.
        ResponseDraft.objects.filter(key_hash=draft.key_hash).delete()
        raise
    return response


def survey_questions(survey: Survey) -> list[Question]:
    return list(survey.questions.prefetch_related("choices"))


def answer_rows(questions: list[Question], response: Response, answers: dict) -> list[Answer]:
    """The answer rows of one response, from a draft's (or sealed response's) answers.
    Questions removed since are skipped."""
    rows = []
    for question in questions:
        value = answers.get(str(question.pk))
        if value in (None, "", []) or not _visible(question, answers):
            continue
        if question.kind in Question.SCALES or question.kind == Question.Kind.YESNO:
            rows.append(Answer(response=response, question=question, value_number=int(value)))
        elif question.kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
            chosen = value if isinstance(value, list) else [value]
            for choice in question.choices.all():
                if choice.value in chosen:
                    rows.append(Answer(response=response, question=question, choice=choice))
        else:
            rows.append(Answer(response=response, question=question, value_text=str(value)))
    return rows
