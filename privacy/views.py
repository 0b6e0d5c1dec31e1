"""A person's own data: see it, download it, and delete the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.requests import SignedInRequest
from privacy import registry
from privacy.forms import DeleteAccountForm


@login_required
@require_safe
@never_cache
def my_data(request: SignedInRequest) -> HttpResponse:
    """The readable version of the export: every table we keep something of yours in."""
    return render(
        request,
        "privacy/my_data.html",
        {"export": registry.export_personal_data(request.user, for_reading=True)},
    )


@login_required
@require_safe
@never_cache
def my_data_download(request: SignedInRequest) -> HttpResponse:
    response = JsonResponse(
        registry.export_personal_data(request.user),
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def delete_account(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if user.is_staff or user.is_superuser:
        # Staff accounts end with the job, through the municipality's own procedure.
        return render(request, "privacy/delete_account_staff.html", status=403)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        registry.erase_person(
            user=user,
            options=form.chosen_options(),
        )
        logout(request)
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/delete_account.html", {"form": form}, status=status)
