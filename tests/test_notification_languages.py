"""Every app's notifications read in the reader's language (issue 28): each caller
builds its message inside the callable, so counts, status labels and the portal's own
sentences are rendered in every language of the portal."""

import pytest
from django.utils import translation

from accounts.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _in_each_language(label) -> dict[str, str]:
    texts = {}
    for language in ("nl", "en"):
        with translation.override(language):
            texts[language] = str(label)
    assert texts["nl"] != texts["en"]
    return texts


def _initiative_status():
    from initiatives import actions
    from initiatives.models import Status
    from initiatives.tests.factories import InitiativeFactory

    initiative = InitiativeFactory(status=Status.SUBMITTED, title="Bankjes")
    follower = UserFactory()
    actions.follow_initiative(initiative=initiative, user=follower)
    actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=StaffFactory(), message_key="in_review"
    )
    status = _in_each_language(Status.IN_REVIEW.label)
    return follower.notifications.get(), {
        "en": f"“Bankjes” is now: {status['en']}. The municipality is reviewing this initiative.",
        "nl": f"“Bankjes” heeft nu de status: {status['nl']}. "
        "De gemeente bekijkt dit initiatief nu.",
    }


def _moderation_summary():
    from accounts.models import Role
    from initiatives import actions
    from initiatives.tests.factories import CommentFactory

    moderator = StaffFactory()
    moderator.groups.add(Role.INITIATIVE_BROKER.group())
    for comment in CommentFactory.create_batch(2):
        actions.report_comment(comment=comment, reporter=UserFactory(), reason="Spam")
    actions.summarise_moderation_queue()
    return moderator.notifications.get(), {
        "en": "2 reported comments wait for moderation.",
        "nl": "2 gemelde reacties wachten op moderatie.",
    }


def _agenda_status():
    from neighbourhoods import actions
    from neighbourhoods.models import AgendaStatus
    from neighbourhoods.tests.factories import AgendaItemFactory, NeighbourhoodFactory

    manager = StaffFactory()
    item = AgendaItemFactory(
        neighbourhood=NeighbourhoodFactory(area_manager=manager), title="Speelplek"
    )
    actions.change_agenda_status(item=item, to=AgendaStatus.ON_AGENDA, by=manager, message="Ja.")
    status = _in_each_language(AgendaStatus.ON_AGENDA.label)
    return item.proposed_by.notifications.get(), {
        "en": f"Agenda item “Speelplek” is now: {status['en']}. Ja.",
        "nl": f"Agendapunt “Speelplek” heeft nu de status: {status['nl']}. Ja.",
    }


def _agenda_proposal():
    from neighbourhoods import actions
    from neighbourhoods.tests.factories import NeighbourhoodFactory

    neighbourhood = NeighbourhoodFactory(area_manager=StaffFactory(), name="Oost")
    follower = UserFactory(language="en")
    actions.follow_neighbourhood(neighbourhood=neighbourhood, user=follower)
    actions.propose_agenda_item(
        neighbourhood=neighbourhood,
        by=UserFactory(),
        title="Speelplek",
        description="Er is geen speelplek.",
        location="Plein",
    )
    return follower.notifications.get(), {
        "en": "New on the agenda of Oost: Speelplek",
        "nl": "Nieuw op de agenda van Oost: Speelplek",
    }


@pytest.mark.parametrize(
    "make", [_initiative_status, _moderation_summary, _agenda_status, _agenda_proposal]
)
def test_each_caller_writes_its_message_in_both_languages(make):
    notification, expected = make()
    assert notification.messages == expected
    for language, text in expected.items():
        with translation.override(language):
            assert notification.message == text
