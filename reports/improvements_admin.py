"""The back office of improvements ("U zei, wij deden"): what was changed in handling
reports, when, for which category and department, and from which feedback. A colleague
of a department records improvements for their own department. Imported by
``reports.admin`` at its end (as the questions' admin is), which registers it."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.admin import own_departments
from reports.models import Category, Department, FeedbackReason, Improvement


class ImprovementForm(forms.ModelForm):  # type: ignore[type-arg]
    departments: list[int] | None = None

    class Meta:
        model = Improvement
        fields = [
            "title_nl",
            "title_en",
            "said_nl",
            "said_en",
            "reasons",
            "done_nl",
            "done_en",
            "changed_on",
            "category",
            "department",
            "is_published",
        ]
        widgets = {"reasons": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "reasons" in self.fields:
            # The reasons a reporter can tick now, and those this improvement already
            # comes from even if no longer offered (saving must not drop them).
            offered = Q(is_active=True, applies_to="report")
            if self.instance.pk:
                offered |= Q(pk__in=self.instance.reasons.values("pk"))
            field = self.fields["reasons"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = FeedbackReason.objects.filter(offered)

    def clean_department(self) -> Department | None:
        department = self.cleaned_data.get("department")
        if self.departments is not None and department is None:
            raise forms.ValidationError(
                gettext("Choose your department: you record improvements for it.")
            )
        return department


@admin.register(Improvement)
class ImprovementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """What was improved from residents' feedback ("U zei, wij deden")."""

    form = ImprovementForm
    list_display = ["title_nl", "changed_on", "category", "department", "is_published"]
    list_filter = ["is_published", "department"]
    list_select_related = ["category", "category__parent", "department"]
    search_fields = ["title_nl", "title_en"]
    date_hierarchy = "changed_on"
    readonly_fields = ["public_link"]
    fieldsets = [
        (
            _("What residents said"),
            {"fields": ["title_nl", "title_en", "said_nl", "said_en", "reasons"]},
        ),
        (
            _("What we changed"),
            {"fields": ["done_nl", "done_en", "changed_on", "category", "department"]},
        ),
        (_("On the portal"), {"fields": ["is_published", "public_link"]}),
    ]

    def departments_of(self, user: Any) -> list[int] | None:
        """The departments this colleague works for; ``None``: not bound to one."""
        return own_departments(user)

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        departments = self.departments_of(request.user)
        if departments is not None:
            queryset = queryset.filter(department__in=departments)
        return queryset

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change, **kwargs)
        form.departments = self.departments_of(request.user)  # type: ignore[attr-defined]
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            departments = self.departments_of(request.user)
            queryset = Department.objects.all()
            if departments is not None:
                queryset = queryset.filter(pk__in=departments)
            kwargs["queryset"] = queryset
        if db_field.name == "category":
            kwargs["queryset"] = (
                Category.objects.active()
                .select_related("parent")
                .order_by("parent__position", "position", "name_nl")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("on the portal"))
    def public_link(self, obj: Improvement) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("reports:improvements"),
            gettext("Open the public page"),
        )
