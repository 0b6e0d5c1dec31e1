"""The coach in the back office's triage list of initiatives (``InitiativeAdmin``): a
"Coach" column and the filter "coach asked, none assigned", added through
``initiatives.extensions`` from ``CommunityConfig.ready()`` (initiatives never import
this app)."""

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.models import CoachRequest


def prepare(queryset: QuerySet) -> QuerySet:
    """The coach request and its coach in the list's own query (a reverse one-to-one)."""
    return queryset.select_related("coach_request__ambassador", "coach_request__broker")


@admin.display(description=_("Coach"))
def coach(initiative) -> str | None:
    """The coach and where the request stands; nothing (the list's empty value) when
    no coach was asked."""
    try:
        coaching = initiative.coach_request
    except ObjectDoesNotExist:
        return None
    if coaching.ambassador_id or coaching.broker_id:
        text = gettext("%(name)s (%(status)s)") % {
            "name": coaching.coach_name,
            "status": coaching.get_status_display(),
        }
    else:
        text = str(coaching.get_status_display())
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:community_coachrequest_change", args=[coaching.pk]),
        text,
    )


class CoachFilter(admin.SimpleListFilter):
    title = _("coach")
    parameter_name = "coach"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Coach asked, none assigned")),
            ("coached", _("With a coach")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(
                coach_request__in=CoachRequest.objects.without_coach().values("pk")
            )
        if self.value() == "coached":
            return queryset.filter(
                Q(coach_request__broker__isnull=False)
                | Q(coach_request__status=CoachRequest.Status.ACCEPTED),
                coach_request__isnull=False,
            ).exclude(coach_request__ambassador__isnull=True, coach_request__broker__isnull=True)
        return queryset
