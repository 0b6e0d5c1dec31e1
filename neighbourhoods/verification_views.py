"""A resident shows that they live in a neighbourhood: "Bewijs dat je hier woont"."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from neighbourhoods import verification
from neighbourhoods.models import Residence


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    residence = (
        Residence.objects.select_related("neighbourhood")
        .filter(user=cast(User, request.user))
        .first()
    )
    levels = [
        (action, verification.required_level(action.key)) for action in verification.actions()
    ]
    return render(
        request,
        "neighbourhoods/verification.html",
        {"residence": residence, "levels": levels},
    )
