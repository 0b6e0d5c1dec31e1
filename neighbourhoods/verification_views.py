"""A resident shows that they live in a neighbourhood: "Bewijs dat je hier woont", with
the code from the municipality's letter (here) or through DigiD (``digid_views``)."""

import time
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from common.abuse import rate_limited
from neighbourhoods import actions, digid, verification
from neighbourhoods.forms import LetterCodeForm
from neighbourhoods.models import Residence

# Where to go after DigiD (a page of this portal), kept in the session meanwhile.
DIGID_NEXT = "digid_next"


def safe_next(request: HttpRequest, value: str | None) -> str:
    """Where to go after showing residence: a page of this portal, else nowhere."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("letter_code")
def start(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LetterCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            shown = actions.redeem_letter_code(user=user, code=form.cleaned_data["code"])
        except actions.LetterCodeError as error:
            form.add_error("code", str(error))
        else:
            messages.success(
                request,
                _("Thank you: you have shown that you live in the %(neighbourhood)s neighbourhood.")
                % {"neighbourhood": shown.neighbourhood.name},
            )
            return redirect(next_url or "verification:start")
    residence = Residence.objects.select_related("neighbourhood").filter(user=user).first()
    levels = verification.required_levels()
    response = render(
        request,
        "neighbourhoods/verification.html",
        {
            "residence": residence,
            "levels": levels,
            "form": form,
            "next": next_url,
            "digid": verification.digid_configured(),
        },
        status=400 if form.errors else 200,
    )
    if verification.digid_configured():
        # The DigiD button's form ends at the broker: the one origin besides our own.
        response._csp_config = digid.content_security_policy()  # type: ignore[attr-defined]
    return response


# How long a trip to the broker may take (seconds) before its state no longer counts.
STATE_LIFETIME = 15 * 60


def _digid_available() -> None:
    if not verification.digid_configured():
        raise Http404


@login_required
@require_POST
@rate_limited("digid")
def digid_start(request: HttpRequest) -> HttpResponse:
    """ "Log in with DigiD": to the broker, and back to ``digid_callback``."""
    _digid_available()
    request.session[DIGID_NEXT] = safe_next(request, request.POST.get("next"))
    return digid.BrokerRedirect.as_view()(request)


@login_required
@require_GET  # not HEAD too: a HEAD request must not use up the state
def digid_callback(request: HttpRequest) -> HttpResponse:
    """Back from the broker: the state must be one this session started (then it is used
    up), the code is exchanged once, and only the derived neighbourhood is kept."""
    _digid_available()
    user = cast(User, request.user)
    states = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    started = states.pop(state, None) if isinstance(states, dict) else None
    # Only states of the last quarter of an hour; older ones are dropped, used or not.
    now = time.time()
    if isinstance(states, dict):
        states = {
            key: value
            for key, value in states.items()
            if isinstance(value, dict) and now - value.get("added_on", 0) < STATE_LIFETIME
        }
    if not isinstance(started, dict) or now - started.get("added_on", 0) >= STATE_LIFETIME:
        started = None
    request.session["oidc_states"] = states
    request.session.pop("oidc_login_next", None)  # mozilla-django-oidc's, never read here
    next_url = request.session.pop(DIGID_NEXT, "") or ""
    code = request.GET.get("code", "")
    if started is None or not code or request.GET.get("error"):
        messages.error(
            request, _("Showing where you live with DigiD did not work. Please try again.")
        )
        return redirect("verification:start")
    try:
        outcome = digid.outcome_of_callback(
            request,
            code=code,
            nonce=started.get("nonce"),
            code_verifier=started.get("code_verifier"),
        )
    except digid.BrokerError:
        messages.error(
            request, _("Showing where you live with DigiD did not work. Please try again.")
        )
        return redirect("verification:start")
    if not outcome.entitled or outcome.neighbourhood is None:
        messages.error(
            request,
            _(
                "According to DigiD you do not live in one of the municipality's "
                "neighbourhoods. Nothing was saved."
            ),
        )
        return redirect("verification:start")
    actions.record_residence(
        user=user,
        neighbourhood=outcome.neighbourhood,
        method=Residence.Method.DIGID,
        digid_subject=outcome.subject,
    )
    messages.success(
        request,
        _("Thank you: you have shown that you live in the %(neighbourhood)s neighbourhood.")
        % {"neighbourhood": outcome.neighbourhood.name},
    )
    return redirect(next_url or "verification:start")
