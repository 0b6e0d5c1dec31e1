"""The decisions list as RSS 2.0 and Atom 1.0 (Django's syndication framework), with the
same filters as the page: ?topic=, ?neighbourhood=, ?q=."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from participation.models import Decision
from participation.views import filtered_decisions

FEED_SIZE = 50


class DecisionsFeed(Feed):
    def get_object(self, request, *args, **kwargs):
        return request

    def title(self, request) -> str:
        return _("Decisions of the board of %(name)s") % {"name": settings.PORTAL_MUNICIPALITY_NAME}

    def link(self, request) -> str:
        return reverse("participation:decisions")

    def description(self, request) -> str:
        return _("What the board decided each week, and why.")

    def items(self, request):
        _form, decisions = filtered_decisions(request)
        return decisions[:FEED_SIZE]

    def item_title(self, item: Decision) -> str:
        return item.title

    def item_description(self, item: Decision) -> str:
        return f"{item.summary}\n\n{_('Why')}: {item.reasoning}"

    def item_link(self, item: Decision) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Decision):
        return item.published_at

    def item_updateddate(self, item: Decision):
        return item.published_at or timezone.now()

    def item_categories(self, item: Decision):
        return [item.topic.name, *(n.name for n in item.neighbourhoods.all())]

    def item_guid(self, item: Decision) -> str:
        return f"decision-{item.pk}"

    item_guid_is_permalink = False


class DecisionsAtomFeed(DecisionsFeed):
    feed_type = Atom1Feed
    subtitle = DecisionsFeed.description

    def item_guid(self, item: Decision) -> str:
        return item.get_absolute_url()
