"""The public page "U zei, wij deden" (you said, we did): what the municipality changed
in handling reports because of residents' feedback, each with the figures of its
category and department before and after the change. Nothing personal; small groups
hidden (``reports.figures``)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from common.aggregates import cached_figures
from common.public_cache import public_page
from reports import figures
from reports.models import Improvement

# The newest improvements shown; older ones stay in the back office.
SHOWN = 30


@require_safe
@public_page("reports")
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    improvements = list(
        Improvement.objects.published()
        .select_related("category", "category__parent", "department")
        .prefetch_related("reasons")[:SHOWN]
    )
    # The figures scan three months of reports around each improvement: computed at
    # most PORTAL_DASHBOARD_CACHE_SECONDS ago, for this set of improvements as it is.
    key = "report-improvements:" + ",".join(
        f"{item.pk}.{item.changed_on}.{item.category_id}.{item.department_id}"
        for item in improvements
    )
    compared = cached_figures(key, lambda: figures.before_and_after(improvements))
    by_pk = {row.improvement.pk: row for row in compared}
    rows = [(item, by_pk[item.pk]) for item in improvements if item.pk in by_pk]
    return render(
        request,
        "reports/improvements.html",
        {
            "rows": rows,
            "months": figures.BEFORE_AFTER_MONTHS,
            "minimum": figures.min_group(),
        },
    )
