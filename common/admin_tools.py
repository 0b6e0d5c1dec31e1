"""Pieces the apps' back offices share: a change form that moves a record along its
workflow with a public message, and the page a bulk action shows when it needs one more
answer (to whom, why)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# Bases for many models; ModelForm and TabularInline are generic only in the stubs
# (not subscriptable at runtime).
class WorkflowAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Adds "next status" (only the allowed steps) and "public message". Subclasses say
    which statuses exist, which steps are allowed, and which steps need how long a
    message; the action that applies the step lives in the app's ``actions.py``."""

    statuses: type[models.TextChoices]
    transitions: dict[str, set[str]]
    # Minimum length of the public message per target status; 1 means "required".
    message_minimum: dict[str, int] = {}
    message_help = ""

    new_status = forms.ChoiceField(label=_("Next status"), required=False)
    public_message = forms.CharField(
        label=_("Public message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.status
        allowed = sorted(self.transitions.get(current, set()), key=self.statuses.values.index)
        cast(forms.ChoiceField, self.fields["new_status"]).choices = [
            ("", _("Keep: %(status)s") % {"status": self.statuses(current).label}),
            *[(value, self.statuses(value).label) for value in allowed],
        ]
        self.fields["public_message"].help_text = self.message_help

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # ModelForm's is its cleaned_data
        new_status = cleaned.get("new_status")
        message = (cleaned.get("public_message") or "").strip()
        if new_status:
            minimum = self.message_minimum.get(new_status, 0)
            if minimum and not message:
                self.add_error("public_message", _("Write the public message for this step."))
            elif len(message) < minimum:
                self.add_error(
                    "public_message",
                    _("This step needs a public message of at least %(count)d characters.")
                    % {"count": minimum},
                )
        elif message:
            self.add_error("new_status", _("Choose the next status this message belongs to."))
        return cleaned


def action_form(
    model_admin: "admin.ModelAdmin[Any]",
    request: HttpRequest,
    queryset: models.QuerySet[Any],
    form: forms.Form,
    *,
    action: str,
    title: str | Promise,
) -> TemplateResponse:
    """Render the in-between page of a bulk action; the action applies itself when the
    page posts back with ``apply`` and a valid form."""
    return TemplateResponse(
        request,
        "admin/action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "opts": model_admin.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


class ScopedAdminMixin:
    """For a back-office page whose list holds only part of the records (an area
    manager's own neighbourhoods, a department's contracts): a record outside that part
    is not said to be missing ("… doesn't exist. Perhaps it was deleted?"), which is
    untrue, but refused as outside this colleague's work, without a word of its content.
    The page goes to the back office's start (a redirect, never the record). A subclass says why
    in :meth:`outside_scope_message`."""

    def outside_scope_message(self, request: HttpRequest, obj: models.Model) -> str | None:
        """Why this colleague cannot open ``obj`` here, or ``None`` when it is not
        outside their part (then Django's own message stands)."""
        return None

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> HttpResponse:
        manager = self.model._default_manager  # type: ignore[attr-defined]
        try:
            obj = manager.filter(pk=unquote(object_id)).first()
        except (ValidationError, ValueError, TypeError):
            obj = None
        message = self.outside_scope_message(request, obj) if obj is not None else None
        if message is None:
            refused: HttpResponse = super()._get_obj_does_not_exist_redirect(  # type: ignore[misc]
                request, opts, object_id
            )
            return refused
        self.message_user(request, message, messages.WARNING)  # type: ignore[attr-defined]
        # To the back office's start, as Django does for a missing record: a save also
        # ends on the list, and this is no save.
        url = reverse("admin:index", current_app=self.admin_site.name)  # type: ignore[attr-defined]
        return HttpResponseRedirect(url)


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """A record's history or sign-ups, shown on its change page and never edited there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReportInline(ReadOnlyInline):
    """The reports on a reported text (a comment, a message) beside it: when, why and
    whether a moderator handled them. Subclasses name the report ``model``."""

    fields = ("created_at", "reason", "resolved_at")
    readonly_fields = fields


class ModerationFilter(admin.SimpleListFilter):
    """A moderation queue's filter: texts with a report nobody handled yet (the model's
    ``awaiting_moderation()``), or hidden ones."""

    title = _("moderation")
    parameter_name = "moderation"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("waiting", _("Reported, waiting")), ("hidden", _("Hidden"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "waiting":
            return queryset.awaiting_moderation()
        if self.value() == "hidden":
            return queryset.filter(hidden_at__isnull=False)
        return queryset


class HideForm(forms.Form):
    """Why a moderator hides a text; its author reads this."""

    reason = forms.CharField(
        label=_("Reason the author will see"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def hide_with_reason(
    model_admin: "admin.ModelAdmin[Any]",
    request: HttpRequest,
    queryset: models.QuerySet[Any],
    *,
    action: str,
    hide: Callable[[Any, str], object],
    done: str,
    title: str | Promise,
) -> TemplateResponse | None:
    """The "hide with a reason…" bulk action of a moderation queue: its in-between page
    asks the reason (``HideForm``), then ``hide(row, reason)`` for each chosen row not
    hidden yet, and the message ``done``."""
    form = HideForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        for row in queryset.filter(hidden_at__isnull=True):
            hide(row, form.cleaned_data["reason"])
        model_admin.message_user(request, done)
        return None
    return action_form(model_admin, request, queryset, form, action=action, title=title)


def dismiss_reports(
    model_admin: "admin.ModelAdmin[Any]",
    request: HttpRequest,
    queryset: models.QuerySet[Any],
    dismiss: Callable[[Any], object],
) -> None:
    """The "keep: dismiss the reports" bulk action of a moderation queue: the chosen
    rows stay as they are and their reports count as handled (``dismiss(row)``)."""
    for row in queryset:
        dismiss(row)
    model_admin.message_user(request, gettext("The reports are dismissed."))


def _unbroken(text: str) -> str:
    """A date on one line: a narrow column breaks it at neither its hyphens nor its space."""
    return format_html('<span class="portal-admin-nowrap">{}</span>', text)


def short_date(
    field: str, description: "StrOrPromise", *, with_time: bool = False
) -> Callable[[Any, models.Model], str]:
    """A list column that shows a date as 2-11-2026 (with ``with_time``: 2-11-2026 14:05),
    sorted by ``field``. The admin's own "2 november 2026 14:05" takes a fifth of a
    list in a 1280-pixel window. Use it as a ModelAdmin attribute, named apart from the
    field (``submitted = short_date("submitted_at", ...)``)."""

    @admin.display(description=description, ordering=field)
    def column(model_admin: Any, obj: models.Model) -> str:
        value = getattr(obj, field)
        if value is None:
            return cast(str, model_admin.get_empty_value_display())
        if isinstance(value, datetime):
            value = timezone.localtime(value)
            if with_time:
                return _unbroken(formats.date_format(value, "SHORT_DATETIME_FORMAT"))
            return _unbroken(formats.date_format(value.date(), "SHORT_DATE_FORMAT"))
        assert isinstance(value, date)
        return _unbroken(formats.date_format(value, "SHORT_DATE_FORMAT"))

    return column


def assign_to_colleague(
    model_admin: "admin.ModelAdmin[Any]",
    request: HttpRequest,
    queryset: models.QuerySet[Any],
    form: forms.Form,
    *,
    assign: Callable[[Any], int],
    done: Callable[[int], str],
    title: str | Promise,
) -> TemplateResponse | None:
    """The "give to a colleague…" bulk action of a queue: its in-between page with the
    colleagues who may take the rows (``form``, a choice named ``assignee``), then
    ``assign(assignee)`` and the message ``done(count)`` (a plural with ``%(count)d`` and
    ``%(name)s``)."""
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        count = assign(assignee)
        model_admin.message_user(
            request, done(count) % {"count": count, "name": assignee.public_name}
        )
        return None
    return action_form(
        model_admin, request, queryset, form, action="assign_to_colleague", title=title
    )


def days_left(left: int | None, empty: str) -> str:
    """A queue's "days left" cell: overdue in bold (and in words, not only colour), due
    today, or the working days still to go; ``empty`` when there is no term."""
    if left is None:
        return empty
    if left < 0:
        return format_html(
            '<strong class="portal-overdue">{}</strong>',
            ngettext("Overdue by %(days)d working day", "Overdue by %(days)d working days", -left)
            % {"days": -left},
        )
    if left == 0:
        return format_html("<strong>{}</strong>", gettext("Due today"))
    return ngettext("%(days)d working day", "%(days)d working days", left) % {"days": left}
