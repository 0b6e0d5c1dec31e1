"""Demo residents together in Eemdal: an energy and a green network with an approved
ambassador and one waiting for the area manager, offers and requests, an initiative
asking for volunteers with two who responded, and coach requests: one coached by the
energy ambassador, one waiting for the area manager to choose a coach."""

from datetime import timedelta

from django.utils import timezone

from community import actions
from community.models import CoachRequest, Membership, NetworkTheme, Post
from initiatives.models import Initiative

POSTS = [
    (Post.Kind.OFFER, "Ik leen mijn warmtecamera uit", "energie", 0),
    (Post.Kind.REQUEST, "Wie helpt mij met mijn moestuin?", "groen", 1),
    (Post.Kind.OFFER, "Boodschappen doen voor wie slecht ter been is", "zorg", 2),
    (Post.Kind.REQUEST, "Ladder nodig om de dakgoot schoon te maken", "veiligheid", 0),
]


def seed(demo) -> None:
    residents = demo.residents
    neighbourhoods = demo.extra.get("neighbourhoods", [])
    if len(residents) < 4 or not neighbourhoods or Post.objects.exists():
        return
    themes = {theme.slug: theme for theme in NetworkTheme.objects.all()}
    if not {"energie", "groen"} <= set(themes):
        return
    home = neighbourhoods[0]
    today = timezone.localdate()
    approved = actions.join_network(
        user=residents[0],
        neighbourhood=home,
        theme=themes["energie"],
        as_ambassador=True,
        public_name="Sanne",
        can_help_with="Advies over isolatie en zonnepanelen; ik leen een warmtecamera uit.",
    )
    Membership.objects.filter(pk=approved.pk).update(
        status=Membership.Status.APPROVED, decided_at=timezone.now()
    )
    actions.join_network(
        user=residents[1],
        neighbourhood=home,
        theme=themes["groen"],
        as_ambassador=True,
        public_name="Joris",
        can_help_with="Moestuinieren en geveltuintjes aanleggen.",
    )
    for resident in residents[2:4]:
        actions.join_network(
            user=resident, neighbourhood=home, theme=themes["energie"], as_ambassador=False
        )
    for index, (kind, what, theme, owner) in enumerate(POSTS):
        Post.objects.create(
            kind=kind,
            what=what,
            description="Stuur me een bericht via het portaal.",
            neighbourhood=neighbourhoods[index % len(neighbourhoods)],
            theme=themes.get(theme, themes["energie"]),
            ends_on=today + timedelta(days=30 + index * 7),
            owner=residents[owner],
        )
    initiative = Initiative.objects.public().filter(neighbourhood__isnull=False).first()
    if initiative is None or initiative.initiator is None:
        return
    call = actions.create_call(
        by=initiative.initiator,
        initiative=initiative,
        title="3 mensen voor de plantdag",
        description="We planten samen bomen en struiken. Handschoenen zijn er.",
        wanted=3,
        ends_on=today + timedelta(days=21),
    )
    volunteers = [r for r in residents if r.pk != initiative.initiator_id][:2]
    for volunteer in volunteers:
        actions.respond_to_call(call=call, user=volunteer, text="Ik doe mee! Hoe laat beginnen we?")
    _seed_coaches(demo, themes)


def _seed_coaches(demo, themes) -> None:
    """An initiative coached by an ambassador of its neighbourhood (asked, assigned by
    the area manager, accepted), and another initiative whose request waits for the
    area manager to choose a coach."""
    initiatives = list(
        Initiative.objects.public()
        .filter(initiator__isnull=False, neighbourhood__area_manager__isnull=False)
        .select_related("neighbourhood__area_manager", "initiator")
        .order_by("pk")
    )
    if not initiatives:
        return
    first = initiatives[0]
    assert first.initiator is not None
    assert first.neighbourhood is not None
    neighbourhood = first.neighbourhood
    manager = neighbourhood.area_manager
    assert manager is not None
    ambassador = (
        Membership.objects.ambassadors()
        .filter(network__neighbourhood=neighbourhood)
        .exclude(user=first.initiator)
        .first()
    )
    if ambassador is None:
        busy = set(
            Membership.objects.filter(network__neighbourhood=neighbourhood).values_list(
                "user_id", flat=True
            )
        )
        helper = next(
            (r for r in demo.residents if r.pk != first.initiator_id and r.pk not in busy), None
        )
        if helper is None:
            return
        ambassador = actions.join_network(
            user=helper,
            neighbourhood=neighbourhood,
            theme=themes.get("zorg", themes["groen"]),
            as_ambassador=True,
            public_name="Mo",
            can_help_with="Ik heb zelf een buurttuin opgezet en help je graag op weg.",
        )
        actions.decide_ambassador(membership=ambassador, by=manager, approve=True)
    coaching = actions.ask_for_coach(
        initiative=first,
        by=first.initiator,
        wish=CoachRequest.Wish.AMBASSADOR,
        question="Hoe krijgen we de buren mee, en waar vragen we subsidie aan?",
    )
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=True)
    second = next((i for i in initiatives[1:] if i.neighbourhood_id != neighbourhood.pk), None)
    if second is not None:
        assert second.initiator is not None
        actions.ask_for_coach(
            initiative=second,
            by=second.initiator,
            wish=CoachRequest.Wish.EITHER,
            question="We willen een buurtfeest organiseren maar weten niet waar te beginnen.",
        )
