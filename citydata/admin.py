"""The back office of the inner city's data: partners and their members, the datasets
agreed with them (approved for publication here), and their API tokens (shown once,
revoked here). Every look and change is in the audit log."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from citydata import actions
from citydata.models import ApiToken, Dataset, Partner
from privacy.audit import AuditedAdmin


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    """The organisations that share data; their members upload its series."""

    list_display = ["name", "member_count", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj: Any) -> int:
        return int(obj.member_total)


class DatasetForm(forms.ModelForm):
    """A dataset's schema: once it holds rows, its dimensions stay as they are (their
    labels may change, and values may be added); the rows are stored by them."""

    class Meta:
        model = Dataset
        fields = [
            "partner",
            "slug",
            "name_nl",
            "name_en",
            "description_nl",
            "description_en",
            "granularity",
            "dimensions",
            "measure_nl",
            "measure_en",
            "unit",
            "aggregation",
            "minimum",
            "maximum",
            "licence",
            "source",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The field's default is callable (list), so Django would add a hidden copy of the
        # initial value carrying the help text's aria-describedby: invalid HTML. Whether
        # the schema changed is read from the instance instead.
        self.fields["dimensions"].show_hidden_initial = False

    def clean_dimensions(self) -> Any:
        dimensions = self.cleaned_data["dimensions"]
        if self.instance.pk is None or not self.instance.observations.exists():
            return dimensions
        before = self.instance.dimensions
        kept = isinstance(dimensions, list) and len(dimensions) == len(before)
        kept = kept and all(
            isinstance(new, dict)
            and new.get("name") == old["name"]
            and isinstance(new.get("values"), list)
            and set(old["values"]) <= set(new["values"])
            for old, new in zip(before, dimensions, strict=False)
        )
        if not kept:
            raise forms.ValidationError(
                gettext(
                    "This dataset holds rows: keep its dimensions and their values as they "
                    "are. You may change their labels and add values."
                )
            )
        return dimensions


class _DateSetFilter(admin.SimpleListFilter):
    """Yes or no: whether a moment (approved, revoked) has been recorded."""

    field = ""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class ApprovedFilter(_DateSetFilter):
    """Whether the municipality approved the dataset for publication."""

    title = _("approved")
    parameter_name = "approved"
    field = "approved_at"


class RevokedFilter(_DateSetFilter):
    """Whether the token was revoked."""

    title = _("revoked")
    parameter_name = "revoked"
    field = "revoked_at"


@admin.register(Dataset)
class DatasetAdmin(AuditedAdmin):
    """The datasets agreed with partners; approve one to show it on the inner-city
    dashboard and as open data."""

    list_display = ["name_nl", "partner", "granularity", "is_published", "approved_at"]
    list_filter = ["partner", "granularity", ApprovedFilter]
    search_fields = ["name_nl", "name_en", "slug"]
    list_select_related = ["partner"]
    prepopulated_fields = {"slug": ["name_nl"]}
    readonly_fields = ["approved_at", "approved_by", "created_at"]
    actions = ["approve_for_publication", "withdraw_publication"]
    form = DatasetForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Once a dataset holds rows, its owner and its period stay as they are: the rows
        were published by that partner, per day or per month."""
        if obj is not None and obj.observations.exists():
            return ["partner", "granularity", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(description=_("published"), boolean=True)
    def is_published(self, obj: Dataset) -> bool:
        return obj.is_approved

    @admin.action(description=_("Approve for publication"), permissions=["change"])
    def approve_for_publication(self, request: HttpRequest, queryset: QuerySet[Dataset]) -> None:
        approved = actions.approve_datasets(datasets=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d dataset approved for publication.",
                "%(count)d datasets approved for publication.",
                len(approved),
            )
            % {"count": len(approved)},
        )

    @admin.action(description=_("Withdraw from publication"), permissions=["change"])
    def withdraw_publication(self, request: HttpRequest, queryset: QuerySet[Dataset]) -> None:
        withdrawn = actions.withdraw_datasets(datasets=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d dataset withdrawn from publication.",
                "%(count)d datasets withdrawn from publication.",
                len(withdrawn),
            )
            % {"count": len(withdrawn)},
        )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """A partner's API tokens. Adding one shows it once; afterwards only its first
    characters are known. Revoke a token that leaked or is no longer used."""

    list_display = ["name", "partner", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["partner", RevokedFilter]
    list_select_related = ["partner"]
    search_fields = ["name", "prefix"]
    fields = ["partner", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return ["partner", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request: Any, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:
            request._partner_token = obj.new_token()
        super().save_model(request, obj, form, change)

    def response_add(self, request: Any, obj: ApiToken, post_url_continue: Any = None) -> Any:
        token = getattr(request, "_partner_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("The API token %(name)s") % {"name": obj.name},
            "api_token": obj,
            "token": token,
            "opts": self.opts,
            "changelist_url": reverse("admin:citydata_apitoken_changelist"),
        }
        response = TemplateResponse(request, "admin/citydata/apitoken/token.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> HttpResponse | None:
        revoked = actions.revoke_tokens(tokens=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d token revoked; it no longer works.",
                "%(count)d tokens revoked; they no longer work.",
                len(revoked),
            )
            % {"count": len(revoked)},
        )
        return None
