"""Residents together in figures, per neighbourhood (issue 25): for the neighbourhood
monitor (``neighbourhoods.monitor.register_counts``, all that is held today) and the
city dashboard (``overview.dashboard``, a period). Four grouped queries, however many
neighbourhoods and records.

- an *active network* is a network with at least one approved member (a member, or an
  ambassador the area manager approved); counted at the end of the period;
- *ambassadors* are the residents with an approved ambassador profile in the
  neighbourhood (each once, whatever the number of themes), approved (``decided_at``)
  before the end of the period;
- an *offer or request answered* is one posted in the period (not hidden by a
  moderator) to which another resident wrote at least one message;
- *volunteers found* are the residents who responded to a volunteer call in the period
  (each once per neighbourhood, however many calls they answered).

Ambassadors and volunteers are people: a neighbourhood's count under
``SURVEY_MIN_GROUP_SIZE`` is hidden (``common.suppression``)."""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.suppression import suppress_counts
from community.models import Membership, Message, Network, Post, VolunteerResponse
from neighbourhoods.area_monitor import min_group

ACTIVE_NETWORKS = "active_networks"
AMBASSADORS = "ambassadors"
ANSWERED = "answered_posts"
VOLUNTEERS = "volunteers_found"
PEOPLE = frozenset({AMBASSADORS, VOLUNTEERS})

LABELS = {
    ACTIVE_NETWORKS: _("Active networks"),
    AMBASSADORS: _("Ambassadors"),
    ANSWERED: _("Offers and requests answered"),
    VOLUNTEERS: _("Volunteers found"),
}


def figure_choices() -> list[tuple[str, str]]:
    """The four figures in the order the pages show them, with their labels."""
    return [(key, str(label)) for key, label in LABELS.items()]


def title() -> str:
    return gettext("Residents together")


def counts_by_neighbourhood(
    start: datetime.datetime | None = None, end: datetime.datetime | None = None
) -> dict[int, dict[str, int]]:
    """The four figures per neighbourhood id: everything held today, or the period
    [start, end). Four grouped queries."""
    before_end = {} if end is None else {"created_at__lt": end}
    in_period = {
        **({} if start is None else {"created_at__gte": start}),
        **before_end,
    }
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    approved = Membership.objects.filter(
        network=OuterRef("pk"), status=Membership.Status.APPROVED, **before_end
    )
    for neighbourhood_id, n in (
        Network.objects.filter(Exists(approved), **before_end)
        .values_list("neighbourhood_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[neighbourhood_id][ACTIVE_NETWORKS] = n
    for neighbourhood_id, n in (
        Membership.objects.ambassadors()
        .filter(**({} if end is None else {"decided_at__lt": end}))
        .values_list("network__neighbourhood_id")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    ):
        counts[neighbourhood_id][AMBASSADORS] = n
    replied = Message.objects.filter(conversation__post=OuterRef("pk")).exclude(
        author=OuterRef("owner")
    )
    for neighbourhood_id, n in (
        Post.objects.filter(Exists(replied), hidden_at__isnull=True, **in_period)
        .values_list("neighbourhood_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[neighbourhood_id][ANSWERED] = n
    for neighbourhood_id, n in (
        VolunteerResponse.objects.filter(**in_period)
        .values_list("call__neighbourhood_id")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    ):
        counts[neighbourhood_id][VOLUNTEERS] = n
    return dict(counts)


def held_today() -> dict[int, dict[str, int]]:
    """For the neighbourhood monitor ("figures of today")."""
    return counts_by_neighbourhood()


def shown(key: str, values: dict[int, int], slugs: dict[int, str]) -> dict[int, int | None]:
    """One figure per neighbourhood id as published: the counts of people under
    ``SURVEY_MIN_GROUP_SIZE`` hidden, ties broken by the neighbourhood's slug as on the
    neighbourhood monitor, so both hide the same neighbourhoods."""
    if key not in PEOPLE:
        return dict(values)
    return suppress_counts(values, minimum=min_group(), labels=slugs)
