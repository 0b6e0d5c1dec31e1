"""The back office's figures of public-space reports (``reports.figures``): a page with
charts and tables, and the same figures as CSV. A colleague sees the figures of the
reports the queue shows them (their department's, an area manager's neighbourhoods'),
with filters offering only what is theirs."""

import dataclasses
from typing import Any, cast

from django import forms
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from common import stored_figures
from neighbourhoods import areas
from neighbourhoods.models import Neighbourhood
from reports import figures
from reports.models import Category, Department, Report

PERIODS = [(3, _("3 months")), (6, _("6 months")), (12, _("12 months")), (24, _("24 months"))]
# The period shown when none is chosen; the select shows it too, so page and filter agree.
DEFAULT_MONTHS = 12


class FiguresForm(forms.Form):
    months = forms.TypedChoiceField(
        label=pgettext_lazy("figures", "Period"),
        choices=PERIODS,
        coerce=int,
        required=False,
        initial=DEFAULT_MONTHS,
        help_text=_("Up to today, from the first day of the month."),
    )
    category = forms.ModelChoiceField(
        label=_("Main category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All main categories"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("All neighbourhoods"),
    )

    def __init__(
        self, data: Any = None, *, departments: list[int] | None, user: Any, **kwargs: Any
    ):
        if data is not None and not data.get("months"):
            # A filter without a period covers the default one: say so in the select.
            data = data.copy()
            data["months"] = str(DEFAULT_MONTHS)
        super().__init__(data, **kwargs)
        fields = cast(dict[str, forms.ModelChoiceField], self.fields)
        fields["category"].queryset = Category.objects.main()
        own = Department.objects.all()
        if departments is not None:
            own = own.filter(pk__in=departments)
        fields["department"].queryset = own
        neighbourhoods: QuerySet[Neighbourhood] = Neighbourhood.objects.order_by("name")
        own_areas = areas.own_areas(user)
        if own_areas is not None:
            neighbourhoods = areas.within(neighbourhoods, own_areas)
        fields["neighbourhood"].queryset = neighbourhoods

    def period_months(self) -> int:
        """The number of months the figures cover: the chosen period, or the default."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("months") or DEFAULT_MONTHS

    def stored_selection(
        self, *, departments: list[int] | None, areas: list[int] | None
    ) -> dict[str, Any]:
        """The chosen figures as stored figures name them (``common.figures``): the
        period in months up to the day they are computed, the filters and the viewer's
        scope, as ids."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return stored_selection(
            months=self.period_months(),
            category=getattr(data.get("category"), "pk", None),
            department=getattr(data.get("department"), "pk", None),
            neighbourhood=getattr(data.get("neighbourhood"), "pk", None),
            departments=departments,
            areas=areas,
        )


FIGURES = "report-figures"
DEFAULT_MONTHS = 12


def stored_selection(
    *,
    months: int = DEFAULT_MONTHS,
    category: int | None = None,
    department: int | None = None,
    neighbourhood: int | None = None,
    departments: list[int] | None,
    areas: list[int] | None,
) -> dict[str, Any]:
    return {
        "months": months,
        "category": category,
        "department": department,
        "neighbourhood": neighbourhood,
        "departments": departments,
        "areas": areas,
    }


def scoped_reports(departments: list[int] | None, own_areas: list[int] | None) -> QuerySet[Report]:
    """The reports the queue shows a colleague of ``departments`` (None: every
    department) working in ``own_areas`` (None: everywhere); as ``ReportAdmin``."""
    reports: QuerySet[Report] = Report.objects.for_departments(departments)
    if own_areas is not None:
        reports = areas.touching(reports, own_areas)
    return reports


def compute_selection(selection: dict[str, Any]) -> figures.ReportFigures:
    """The figures of a stored selection (``stored_selection``), the period up to today."""
    chosen = figures.Selection.last_months(
        selection["months"],
        category=Category.objects.filter(pk=selection["category"]).first()
        if selection["category"] is not None
        else None,
        department=Department.objects.filter(pk=selection["department"]).first()
        if selection["department"] is not None
        else None,
        neighbourhood=Neighbourhood.objects.filter(pk=selection["neighbourhood"]).first()
        if selection["neighbourhood"] is not None
        else None,
    )
    visible = scoped_reports(selection["departments"], selection["areas"])
    return figures.compute(visible, chosen)


def default_selections() -> list[dict[str, Any]]:
    """The page as it opens for each scope there is: everyone's reports (administrators
    among others), and each combination of departments and areas of a colleague who may
    open the page (who may view the report queue, as ``figures_view`` asks), each once."""
    scopes: set[tuple[tuple[int, ...] | None, tuple[int, ...] | None]] = {(None, None)}
    may_view = Permission.objects.filter(
        content_type__app_label=Report._meta.app_label,
        codename__in=[
            get_permission_codename("view", Report._meta),
            get_permission_codename("change", Report._meta),
        ],
    )
    colleagues = (
        User.objects.filter(is_active=True, is_staff=True, is_superuser=False)
        .filter(Q(user_permissions__in=may_view) | Q(groups__permissions__in=may_view))
        .distinct()
        .prefetch_related("report_departments", "managed_neighbourhoods", "groups")
    )
    for colleague in colleagues:
        own = tuple(sorted(department.pk for department in colleague.report_departments.all()))
        area_manager = any(
            group.name == Role.AREA_MANAGER.value for group in colleague.groups.all()
        )
        where = (
            tuple(sorted(area.pk for area in colleague.managed_neighbourhoods.all()))
            if area_manager
            else None
        )
        scopes.add((own or None, where))
    return [
        stored_selection(
            departments=None if own is None else list(own),
            areas=None if where is None else list(where),
        )
        for own, where in sorted(scopes, key=repr)
    ]


def figures_view(
    model_admin: Any, request: HttpRequest, departments: list[int] | None
) -> HttpResponse:
    """Behind ``admin_view``; whoever may see the queue may see its figures, of the
    reports the queue shows them (``departments``: their own, ``None`` for all)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = FiguresForm(
        request.GET if request.GET.keys() - {"format"} else None,
        departments=departments,
        user=request.user,
    )
    own_areas = areas.own_areas(request.user)
    # The viewer's scope is part of the selection: colleagues of two departments never
    # share figures.
    stored = stored_figures.figures(
        FIGURES,
        form.stored_selection(
            departments=None if departments is None else sorted(departments),
            areas=None if own_areas is None else sorted(own_areas),
        ),
    )
    computed = dataclasses.replace(stored.value, computed_at=stored.computed_at)
    selection = computed.selection
    if request.GET.get("format") == "csv" and not form.errors:
        response = HttpResponse(computed.csv(), content_type="text/csv; charset=utf-8")
        name = f"meldingen-cijfers-{selection.start:%Y-%m}-{selection.end:%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        # A page that answers at once: without the sidebar listing every model.
        **model_admin.admin_site.each_context_without_navigation(request),
        "opts": Report._meta,
        "title": gettext("Figures of public-space reports"),
        "form": form,
        "months": form.period_months(),
        "figures": computed,
        "total_rows": [computed.total],
        "csv_query": query.urlencode(),
        "today": timezone.localdate(),
        "breakdowns": [
            ("category", gettext("By main category"), gettext("Main category")),
            ("department", gettext("By department"), gettext("Department")),
            ("neighbourhood", gettext("By neighbourhood"), gettext("Neighbourhood")),
            ("month", gettext("By month"), gettext("Month")),
        ],
    }
    return TemplateResponse(
        request,
        "admin/reports/report/figures.html",
        context,
        status=400 if form.errors else 200,
    )
