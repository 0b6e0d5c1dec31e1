"""The partners' JSON API: ``POST /api/v1/partners/datasets/<slug>/observations`` with
``Authorization: Bearer <token>`` (never a token in the address) and a list of rows as
the body. Every row is checked against the dataset's schema and all are stored, or none:
a refusal lists each error with the row's index (from 0), the field and a message.

Answers: 200 with how many rows were stored; 400 for rows that do not fit (or a body
that is not JSON, or nested too deep to read); 413 for a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``; 401 without a token, or with an unknown or revoked one; 403 for a
token of another partner than the dataset's; 404 for an unknown dataset; 429 over the
rate limit (per address and per token)."""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.exceptions import Ratelimited

from citydata import actions
from citydata.models import ApiToken, Dataset, hash_token
from citydata.validation import MAX_ROWS
from common.abuse import rate_limited


def bearer_token(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _token_key(group: str, request: HttpRequest) -> str:
    # Counted per token, by its hash: the token itself never goes into the cache.
    return hash_token(bearer_token(request))


def _error(status: int, message: str, **extra: Any) -> HttpResponse:
    text = json.dumps({"error": message, **extra}, ensure_ascii=False)
    # What a partner sent may come back in an error (a field's name, a value): never as
    # markup, even to a browser that sniffs.
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escaped)
    response = HttpResponse(text, status=status, content_type="application/json")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="partners"'
    return response


@rate_limited("partner_token", key=_token_key)
@rate_limited("partner_api")
def _limited(request: HttpRequest, slug: str) -> HttpResponse:
    token = ApiToken.objects.for_token(bearer_token(request))
    if token is None:
        return _error(401, gettext("Send a valid API token: Authorization: Bearer <token>."))
    dataset = Dataset.objects.filter(slug=slug).first()
    if dataset is None:
        return _error(404, gettext("There is no dataset with this name."))
    if dataset.partner_id != token.partner_id:
        return _error(403, gettext("This token may not publish into this dataset."))
    actions.note_use(token)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    try:
        if limit is not None and length > limit:
            raise RequestDataTooBig
        body = request.body  # refuses a longer body sent without its length too
    except RequestDataTooBig:
        return _error(
            413,
            gettext(
                "The request is larger than %(size)s bytes: send at most %(count)s rows at once."
            )
            % {"size": limit, "count": MAX_ROWS},
        )
    try:
        rows = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, gettext("The body is not JSON: send a list of rows."))
    except RecursionError:
        return _error(400, gettext("The request is nested too deep: send a list of rows."))
    try:
        stored = actions.publish_observations(dataset=dataset, rows=rows)
    except actions.RowsRefused as refused:
        return _error(
            400,
            gettext("Nothing was stored: correct the rows below and send them again."),
            errors=[
                {"index": error.index, "field": error.field, "message": error.message}
                for error in refused.errors
            ],
        )
    return JsonResponse({"stored": stored, "dataset": dataset.slug})


@csrf_exempt  # a partner's system with a token, not a browser session
@require_POST
def observations(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish rows into a dataset of the token's partner."""
    try:
        return _limited(request, slug)
    except Ratelimited:
        response = _error(429, gettext("Too many requests. Try again in a minute."))
        response["Retry-After"] = "60"
        return response
