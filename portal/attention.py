"""What needs a civil servant's attention, shown at the top of the back office's index:
one count per queue, each linking to the admin list filtered to exactly those rows."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


def _queue(user, label, permission: str, admin_name: str, params: dict, count) -> Queue | None:
    if not user.has_perm(permission):
        return None
    url = reverse(f"admin:{admin_name}_changelist") + "?" + urlencode(params)
    return Queue(str(label), count(), url)


def queues_for(user) -> list[Queue]:
    """The queues this civil servant may open, with how many rows wait in each."""
    from initiatives.models import Comment, Initiative
    from neighbourhoods.models import AgendaItem, AgendaStatus
    from procurement.models import Supplier
    from surveys.models import Survey

    queues = [
        _queue(
            user,
            _("Initiatives past their answer term"),
            "initiatives.view_initiative",
            "initiatives_initiative",
            {"deadline": "overdue"},
            lambda: Initiative.objects.overdue().count(),
        ),
        _queue(
            user,
            _("Reported comments waiting for moderation"),
            "initiatives.view_comment",
            "initiatives_comment",
            {"moderation": "waiting"},
            lambda: Comment.objects.awaiting_moderation().count(),
        ),
        _queue(
            user,
            _("Agenda items waiting for an answer"),
            "neighbourhoods.view_agendaitem",
            "neighbourhoods_agendaitem",
            {"status__exact": AgendaStatus.PROPOSED, "area": "all"},
            lambda: AgendaItem.objects.filter(status=AgendaStatus.PROPOSED).count(),
        ),
        _queue(
            user,
            _("Suppliers to verify"),
            "procurement.view_supplier",
            "procurement_supplier",
            {"status__exact": Supplier.Status.PENDING},
            lambda: Supplier.objects.filter(status=Supplier.Status.PENDING).count(),
        ),
        _queue(
            user,
            _("Surveys running now"),
            "surveys.view_survey",
            "surveys_survey",
            {"state": "running"},
            lambda: Survey.objects.open_now().count(),
        ),
    ]
    return [queue for queue in queues if queue is not None]
