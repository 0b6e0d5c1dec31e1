"""The back office of improvements ("U zei, wij deden"): what was changed in handling
reports, when, for which category and department, and from which feedback. A colleague
of a department records improvements for their own department."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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

    def clean_department(self) -> Department | None:
        department = self.cleaned_data.get("department")
        if self.departments is not None and department is None:
            raise forms.ValidationError(
                gettext("Choose your department: you record improvements for it.")
            )
        return department


class ImprovementAdminBase(admin.ModelAdmin):  # type: ignore[type-arg]
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
        raise NotImplementedError

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

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "reasons":
            kwargs["queryset"] = FeedbackReason.objects.filter(is_active=True, applies_to="report")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("on the portal"))
    def public_link(self, obj: Improvement) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("reports:improvements"),
            gettext("Open the public page"),
        )
