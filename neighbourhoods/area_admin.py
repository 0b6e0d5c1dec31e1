"""The back office of records that belong to a neighbourhood: an area manager sees,
changes, chooses and acts on only what belongs to their own neighbourhoods; everything
done there is in the audit log. Other colleagues see what their role lets them see.

``AreaScopedAdmin`` is the base of every admin page whose model is registered in
``neighbourhoods.areas``; ``AreaScopedInline`` limits the choices in its inlines.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_lazy

from common.admin_tools import ScopedAdminMixin
from neighbourhoods import areas
from privacy.audit import AuditedAdmin, valid_pks

OUTSIDE_YOUR_AREAS = gettext_lazy(
    "Choose one of your own neighbourhoods: you work in the neighbourhoods you manage."
)


def limit_choices(formfield: forms.Field | None, request: HttpRequest) -> forms.Field | None:
    """Offer an area manager only the records of their own neighbourhoods in a foreign
    key or many-to-many choice. The form field's queryset is also what it validates
    against, so a forged choice of another area's record is a form error."""
    own = areas.own_areas(request.user)
    queryset = getattr(formfield, "queryset", None)
    if own is None or queryset is None or not areas.area_paths(queryset.model):
        return formfield
    formfield.queryset = areas.within(queryset, own)  # type: ignore[union-attr]
    return formfield


class AreaChoicesMixin:
    """Foreign-key and many-to-many choices limited to the area manager's own areas."""

    def formfield_for_foreignkey(
        self, db_field: "models.ForeignKey[Any, Any]", request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        return limit_choices(field, request)  # type: ignore[return-value]

    def formfield_for_manytomany(
        self, db_field: "models.ManyToManyField[Any, Any]", request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        return limit_choices(field, request)  # type: ignore[return-value]


class AreaScopedInline(AreaChoicesMixin, admin.StackedInline):  # type: ignore[type-arg]
    """An inline whose choices are limited to the area manager's own areas."""


class AreaScopedAdmin(ScopedAdminMixin, AreaChoicesMixin, AuditedAdmin):
    """An admin page for records that belong to a neighbourhood (see module docstring).

    For an area manager: the list and the pages hold only records of their own
    neighbourhoods; a record that also belongs to another neighbourhood can be looked
    at, not changed; every choice of a related record is limited to their areas, and a
    new or changed record must belong to one of them; a bulk action on a selection with
    another area's record is refused as a whole, and recorded.
    """

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = super().get_queryset(request)
        own = areas.own_areas(request.user)
        return queryset if own is None else areas.touching(queryset, own)

    def outside_scope_message(self, request: HttpRequest, obj: models.Model) -> str | None:
        own = areas.own_areas(request.user)
        this = self.model._default_manager.filter(pk=obj.pk)
        if own is None or areas.touching(this, own).exists():
            return None
        return gettext(
            "This %(name)s belongs to a neighbourhood you do not manage; you cannot open it here."
        ) % {"name": self.opts.verbose_name}

    def _may_touch(self, request: HttpRequest, obj: models.Model | None) -> bool:
        own = areas.own_areas(request.user)
        return own is None or obj is None or obj.pk is None or areas.belongs_within(obj, own)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:  # type: ignore[type-arg]
        form = super().get_form(request, obj, change, **kwargs)
        if areas.own_areas(request.user) is None:
            return form
        fields = [
            name
            for name in dict.fromkeys(path.split("__")[0] for path in areas.area_paths(self.model))
            if name in form.base_fields
        ]
        if not fields:
            return form

        class InOwnArea(form):  # type: ignore[misc,valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                chosen = [cleaned.get(name) for name in fields]
                already_wrong = any(name in self.errors for name in fields)
                if not already_wrong and not any(
                    value.exists() if isinstance(value, models.QuerySet) else value
                    for value in chosen
                ):
                    self.add_error(fields[0], OUTSIDE_YOUR_AREAS)
                return cleaned

        InOwnArea.__name__ = form.__name__
        return InOwnArea

    def response_action(
        self, request: HttpRequest, queryset: models.QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        own = areas.own_areas(request.user)
        action = request.POST.get("action", "")
        if own is not None and action and action in self.get_actions(request):
            if request.POST.get("select_across", "0") == "1":
                chosen = queryset
            else:
                selected = valid_pks(self.model, request.POST.getlist(ACTION_CHECKBOX_NAME))
                chosen = self.model._default_manager.filter(pk__in=selected)
            outside = chosen.exclude(pk__in=areas.within(chosen, own).values("pk"))
            if outside.exists():
                return self.refuse_action(
                    request,
                    chosen.only("pk"),
                    why=f"{action}: outside own areas",
                    message=gettext(
                        "Nothing done: the selection holds records of neighbourhoods you "
                        "do not manage."
                    ),
                )
        return super().response_action(request, queryset, *args, **kwargs)
