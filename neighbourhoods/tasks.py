"""Work that the neighbourhoods' actions enqueue: telling a project's followers of an
update, a milestone reached or its completion, after the save committed; idempotent
through the notifications' dedupe keys. (What the beat runs is in ``periodic.py``.)"""

import enum

from celery import shared_task
from django.db import DatabaseError
from django.utils.translation import gettext as _

from neighbourhoods.models import ProgrammeProject, ProjectFollower, ProjectMilestone, ProjectUpdate
from notifications.service import Message, Notice, notify_batch

# The notification kind of a project's news (registered in NeighbourhoodsConfig.ready).
PROJECT_PROGRESS = "project_progress"

# Followers of a project are told in chunks of this many (one notify_batch each).
FOLLOWER_CHUNK = 1000


class ProjectEvent(enum.StrEnum):
    """What happened to a project that its followers hear of."""

    UPDATE = "update"
    MILESTONE = "milestone"
    DONE = "done"


def _project_event_message(
    project: ProgrammeProject, event: ProjectEvent, item_id: int | None
) -> tuple[str, Message] | None:
    """The dedupe key and the words of an event, or None when its update or milestone
    is gone (deleted before the followers were told)."""
    title = project.title
    if event == ProjectEvent.DONE:
        return (
            f"project:{project.pk}:done",
            lambda: _("The project “%(project)s” is done.") % {"project": title},
        )
    if item_id is None:
        return None
    if event == ProjectEvent.UPDATE:
        progress = (
            ProjectUpdate.objects.filter(pk=item_id, project=project)
            .values_list("progress", flat=True)
            .first()
        )
        if progress is None:
            return None
        return (
            f"project:{project.pk}:update:{item_id}",
            lambda: (
                _("News on the project “%(project)s”: it is %(progress)s%% done.")
                % {"project": title, "progress": progress}
            ),
        )
    milestone = ProjectMilestone.objects.filter(pk=item_id, project=project).first()
    if milestone is None:
        return None
    return (
        f"project:{project.pk}:milestone:{milestone.pk}",
        lambda: (
            _("The project “%(project)s” reached a milestone: %(milestone)s.")
            % {"project": title, "milestone": milestone.title}
        ),
    )


def _tell_followers(*, project_id: int, event: str, item_id: int | None = None) -> int:
    """Tell everyone who follows the project of the event, in chunks of ``FOLLOWER_CHUNK`` (a
    fixed number of queries each); safe to run twice (the dedupe key). Only for a
    project of a published programme. Returns how many notifications were made."""
    project = (
        ProgrammeProject.objects.public()
        .select_related("programme__neighbourhood")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        return 0
    told_of = _project_event_message(project, ProjectEvent(event), item_id)
    if told_of is None:
        return 0
    dedupe_key, message = told_of
    url = project.get_absolute_url()
    told = 0
    last = 0
    while True:
        chunk = list(
            ProjectFollower.objects.filter(project=project, pk__gt=last)
            .select_related("user")
            .order_by("pk")[:FOLLOWER_CHUNK]
        )
        if not chunk:
            return told
        last = chunk[-1].pk
        told += notify_batch(
            (
                Notice(
                    recipient=follow.user,
                    message=message,
                    dedupe_key=dedupe_key,
                    url=url,
                    subject=project,
                )
                for follow in chunk
            ),
            kind=PROJECT_PROGRESS,
        )


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=8,
)
def tell_project_followers(project_id: int, event: str, item_id: int | None = None) -> int:
    """Tell a project's followers of one event; safe to run twice (the dedupe key)."""
    return _tell_followers(project_id=project_id, event=event, item_id=item_id)
