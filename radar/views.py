"""The page "Mijn buurtradar": a resident's saved areas, to add, change and remove."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.requests import SignedInRequest
from radar import actions
from radar.forms import SavedAreaForm
from radar.models import MAX_AREAS, SavedArea


def _area(pk: int, user) -> SavedArea:
    """One of the person's own saved areas; anyone else's is a 404."""
    return get_object_or_404(SavedArea.objects.of(user).select_related("neighbourhood"), pk=pk)


@login_required
@require_safe
def area_list(request: SignedInRequest) -> HttpResponse:
    areas = list(SavedArea.objects.of(request.user).for_listing())
    return render(
        request,
        "radar/list.html",
        {"areas": areas, "max_areas": MAX_AREAS, "full": len(areas) >= MAX_AREAS},
    )


def _form_page(request, form: SavedAreaForm, area: SavedArea | None) -> HttpResponse:
    return render(
        request,
        "radar/form.html",
        {"form": form, "area": area},
        status=400 if form.is_bound else 200,
    )


def _save(request, form: SavedAreaForm, area: SavedArea | None, done: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_area(area=form.area())
        except actions.RadarError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("radar:list")
    return _form_page(request, form, area)


@login_required
@require_http_methods(["GET", "POST"])
def area_create(request: SignedInRequest) -> HttpResponse:
    initial = {"neighbourhood": getattr(request.user.home_neighbourhood, "slug", None)}
    form = SavedAreaForm(request.POST or None, user=request.user, initial=initial)
    return _save(request, form, None, _("Your area is saved. New items in it reach you."))


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    area = _area(pk, request.user)
    form = SavedAreaForm(request.POST or None, user=request.user, instance=area)
    return _save(request, form, area, _("Your changes are saved."))


@login_required
@require_http_methods(["GET", "POST"])
def area_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    area = _area(pk, request.user)
    if request.method == "POST":
        actions.delete_area(area=area)
        messages.success(request, _("The area is removed from your buurtradar."))
        return redirect("radar:list")
    return render(request, "radar/delete.html", {"area": area})
