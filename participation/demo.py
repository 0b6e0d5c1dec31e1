"""Demo participation in Eemdal: a published process with its stakeholder analysis and
ladder, a task team with an application waiting, a council member whose earlier question
the panel answered, and a week of decisions."""

from datetime import timedelta

from django.utils import timezone

from accounts.demo import DEMO_DOMAIN, DemoLogin, _user
from accounts.models import Role
from neighbourhoods.models import AgendaItem
from participation import actions
from participation.models import (
    CouncilQuestion,
    Decision,
    DecisionDocument,
    Level,
    Phase,
    Process,
    ProcessFollow,
    Stakeholder,
    TaskTeam,
    TeamLogEntry,
    TeamMembership,
    Topic,
)


def seed(demo) -> None:
    neighbourhoods = demo.extra["neighbourhoods"]
    haven = next(n for n in neighbourhoods if n.slug == "havenkwartier")
    today = timezone.localdate()
    process, created = Process.objects.get_or_create(
        slug="herinrichting-havenplein",
        defaults={
            "title": "Herinrichting Havenplein",
            "kind": Process.Kind.PROJECT,
            "summary": (
                "Het Havenplein wordt groener en veiliger. Samen met de buurt kiezen we hoe."
            ),
            "description": (
                "Het plein is nu vooral parkeerplaats. Bewoners vroegen om groen, "
                "speelruimte en een veilige oversteek.\n"
                "In drie fasen werken we van wensen naar een ontwerp."
            ),
            "published_at": timezone.now() - timedelta(days=60),
        },
    )
    if created:
        process.neighbourhoods.add(haven)
        process.agenda_items.add(*AgendaItem.objects.filter(neighbourhood=haven)[:1])
        first = Phase.objects.create(
            process=process,
            order=1,
            name="Wensen ophalen",
            starts_on=today - timedelta(days=60),
            ends_on=today - timedelta(days=20),
            level=Level.CONSULT,
            level_reason="We wilden eerst breed horen wat er speelt, van zoveel mogelijk mensen.",
            heard=(
                "Meer groen (62 reacties), een veilige oversteek (48), minder parkeerplaatsen (31)."
            ),
            done=(
                "Groen en de oversteek zijn uitgangspunt voor het "
                "ontwerp. Parkeren houden we deels."
            ),
        )
        Phase.objects.create(
            process=process,
            order=2,
            name="Ontwerpen met de buurt",
            starts_on=today - timedelta(days=19),
            ends_on=today + timedelta(days=40),
            level=Level.COPRODUCE,
            level_reason=(
                "Bewoners kennen het plein het best; het ontwerp maken we samen in drie ateliers."
            ),
        )
        Phase.objects.create(
            process=process,
            order=3,
            name="Besluit en uitvoering",
            starts_on=today + timedelta(days=41),
            level=Level.INFORM,
            level_reason=(
                "Het college besluit over het budget; we laten zien wat er gebeurt en wanneer."
            ),
        )
        actions.report_back(phase=first)
        for name, interests, influence, how, level in [
            (
                "Bewoners rond het plein",
                "Groen, rust, veilig spelen",
                "high",
                "Ateliers en peiling",
                Level.COPRODUCE,
            ),
            (
                "Ondernemers Havenkwartier",
                "Bereikbaarheid en laden en lossen",
                "medium",
                "Gesprek en ateliers",
                Level.ADVISE,
            ),
            (
                "Basisschool De Haven",
                "Veilige schoolroute",
                "medium",
                "Gesprek met directie en leerlingenraad",
                Level.ADVISE,
            ),
            (
                "Hulpdiensten",
                "Doorgang voor ambulance en brandweer",
                "high",
                "Toetsing ontwerp",
                Level.CONSULT,
            ),
        ]:
            Stakeholder.objects.create(
                process=process,
                name=name,
                interests=interests,
                influence=influence,
                involvement=how,
                level=level,
            )
        ProcessFollow.objects.get_or_create(process=process, user=demo.residents[1])

    item = AgendaItem.objects.filter(neighbourhood=haven).first()
    if item and not TaskTeam.objects.exists():
        team = TaskTeam.objects.create(
            title="Opgaveteam groen Havenkwartier",
            description="Bewoners en de gemeente maken samen een plan voor meer groen in de wijk.",
            agenda_item=item,
            municipality_role=TaskTeam.MunicipalityRole.PARTNER,
        )
        TeamMembership.objects.create(
            team=team,
            user=demo.residents[2],
            role=TeamMembership.Role.RESIDENT_LEAD,
            status=TeamMembership.Status.ACCEPTED,
            motivation="Ik woon al twintig jaar aan de kade en wil graag trekken.",
            decided_at=timezone.now(),
        )
        if haven.area_manager:
            TeamMembership.objects.create(
                team=team,
                user=haven.area_manager,
                role=TeamMembership.Role.CIVIL_SERVANT,
                status=TeamMembership.Status.ACCEPTED,
                motivation="Gebiedsmanager.",
                decided_at=timezone.now(),
            )
        TeamMembership.objects.create(
            team=team,
            user=demo.residents[3],
            motivation="Ik heb verstand van planten en wil meehelpen.",
        )
        TeamLogEntry.objects.create(
            team=team,
            author=demo.residents[2],
            text="Eerste wandeling gedaan: twaalf plekken gevonden voor geveltuinen.",
        )

    member = _user(f"raadslid@{DEMO_DOMAIN}", "Raadslid Yasmina")
    member.groups.add(Role.COUNCIL_MEMBER.group())
    demo.logins.append(DemoLogin(member.email, str(Role.COUNCIL_MEMBER.label)))
    if not CouncilQuestion.objects.exists():
        CouncilQuestion.objects.create(
            asked_by=member,
            question="Voel je je veilig als je 's avonds over straat gaat in je wijk?",
            context="De raad bespreekt in het voorjaar het veiligheidsplan.",
        )

    if not Decision.objects.exists():
        topics = {topic.slug: topic for topic in Topic.objects.all()}
        for days, title, topic, summary, reasoning, where in [
            (
                3,
                "Budget herinrichting Havenplein vrijgegeven",
                "groen",
                "Het college stelt € 450.000 beschikbaar voor de herinrichting van het Havenplein.",
                (
                    "Bewoners kozen in de eerste fase voor groen en een veilige "
                    "oversteek; het ontwerp volgt in de ateliers."
                ),
                [haven],
            ),
            (
                3,
                "Subsidieregeling buurtinitiatieven 2027",
                "bestuur",
                (
                    "De regeling voor buurtinitiatieven blijft bestaan "
                    "en krijgt een snellere aanvraag."
                ),
                (
                    "Initiatiefnemers wachtten te lang op geld; de "
                    "antwoordtermijn gaat naar tien werkdagen."
                ),
                [],
            ),
            (
                10,
                "Proef deelauto's in Nieuw-Oost",
                "verkeer",
                "Het college start een proef van twee jaar met vijftien deelauto's.",
                (
                    "Minder geparkeerde auto's geeft ruimte voor groen; de "
                    "proef wordt geëvalueerd met de buurt."
                ),
                [n for n in neighbourhoods if n.slug == "nieuw-oost"],
            ),
        ]:
            decision = Decision.objects.create(
                title=title,
                summary=summary,
                reasoning=reasoning,
                decided_on=today - timedelta(days=days),
                topic=topics[topic],
            )
            decision.neighbourhoods.add(*where)
            if where == [haven]:
                decision.processes.add(process)
            DecisionDocument.objects.create(
                decision=decision,
                title="Collegebesluit (pdf)",
                url="https://eemdal.example/raadsinformatie/besluiten",
            )
            actions.publish_decision(decision=decision)
