"""What "my page" shows a signed-in person: their part in every app, in a fixed number
of queries whatever they did (each list is capped, counts come from the database)."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from initiatives.models import Follow, Initiative, Support
from neighbourhoods.models import AgendaVote, Neighbourhood, NeighbourhoodFollow
from notifications.models import Notification
from participation.models import ProcessFollow, TeamMembership
from procurement.models import Supplier
from surveys.models import Invitation

LIST_SIZE = 10


@dataclass(frozen=True)
class VotesLeft:
    neighbourhood: Neighbourhood
    used: int

    @property
    def left(self) -> int:
        return max(self.neighbourhood.vote_budget - self.used, 0)


def votes_left(user, followed: list[Neighbourhood]) -> list[VotesLeft]:
    """Priority votes left this year in the home neighbourhood, the followed ones and
    wherever the person voted."""
    year = timezone.localdate().year
    used = dict(
        AgendaVote.objects.filter(user=user, year=year)
        .values_list("neighbourhood")
        .annotate(count=Count("pk"))
        .values_list("neighbourhood", "count")
    )
    wanted = {n.pk for n in followed} | set(used)
    if user.home_neighbourhood_id:
        wanted.add(user.home_neighbourhood_id)
    neighbourhoods = Neighbourhood.objects.filter(pk__in=wanted).order_by("name")
    return [VotesLeft(n, used.get(n.pk, 0)) for n in neighbourhoods]


def overview(user) -> dict:
    followed_neighbourhoods = [
        follow.neighbourhood
        for follow in NeighbourhoodFollow.objects.filter(user=user).select_related("neighbourhood")
    ]
    supplier = Supplier.objects.of(user)
    return {
        "initiatives": list(
            Initiative.objects.of(user)
            .select_related("neighbourhood")
            .order_by("-updated_at")[:LIST_SIZE]
        ),
        "supports": list(
            Support.objects.filter(user=user)
            .select_related("initiative")
            .order_by("-created_at")[:LIST_SIZE]
        ),
        "follows": list(
            Follow.objects.filter(user=user)
            .select_related("initiative")
            .order_by("-created_at")[:LIST_SIZE]
        ),
        "followed_neighbourhoods": followed_neighbourhoods,
        "followed_processes": list(
            ProcessFollow.objects.filter(user=user, process__published_at__isnull=False)
            .select_related("process")
            .order_by("-created_at")[:LIST_SIZE]
        ),
        "teams": list(
            TeamMembership.objects.filter(user=user)
            .select_related("team")
            .order_by("-created_at")[:LIST_SIZE]
        ),
        "votes_left": votes_left(user, followed_neighbourhoods),
        "invitations": list(
            Invitation.objects.filter(
                member__user=user,
                sent_at__isnull=False,
                completed=False,
                survey__closed_at__isnull=True,
            )
            .select_related("survey")
            .order_by("-sent_at")[:LIST_SIZE]
        ),
        "supplier": supplier,
        "interests": (
            list(supplier.interests.select_related("tender").order_by("-created_at")[:LIST_SIZE])
            if supplier
            else []
        ),
        "notifications": list(Notification.objects.visible_to(user)[:5]),
        "unread_count": Notification.objects.visible_to(user).unread().count(),
    }
