"""The public page "U zei, wij deden" (you said, we did): what the municipality changed
in handling reports because of residents' feedback, each with the figures of its
category and department before and after the change. Nothing personal; small groups
hidden (``reports.figures``)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from common import stored_figures
from common.public_cache import public_page
from reports import figures
from reports.models import Improvement

# The newest improvements shown; older ones stay in the back office.
SHOWN = 30


FIGURES = "report-improvements"


def shown() -> list[Improvement]:
    """The improvements the page shows, newest first."""
    return list(
        Improvement.objects.published()
        .select_related("category", "category__parent", "department")
        .prefetch_related("reasons")[:SHOWN]
    )


def stored_selection(improvements: list[Improvement]) -> dict[str, list[list[Any]]]:
    """The improvements as stored figures name them: what the figures depend on."""
    return {
        "improvements": [
            [item.pk, item.changed_on.isoformat(), item.category_id, item.department_id]
            for item in improvements
        ]
    }


def compute_selection(selection: dict[str, list[list[Any]]]) -> list[figures.BeforeAfter]:
    """The figures before and after each improvement the page shows: the improvements of
    ``selection`` as they are now, up to today."""
    pks = [row[0] for row in selection["improvements"]]
    return figures.before_and_after(list(Improvement.objects.filter(pk__in=pks)))


def default_selections() -> list[dict[str, list[list[Any]]]]:
    return [stored_selection(shown())]


@require_safe
@public_page("reports")
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    improvements = shown()
    # The figures scan three months of reports around each improvement: stored ahead of
    # the visitor (common.stored_figures), for this set of improvements as it is.
    compared = stored_figures.figures(FIGURES, stored_selection(improvements)).value
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
