"""What residents and area managers do in a neighbourhood: the agenda and its priority
votes, the programme, following, events. Each action tells the people concerned through
the notifications kernel."""

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common import public_cache, stored_figures
from common.transactions import once_after_commit
from common.uploads import ProcessedUpload
from neighbourhoods import area_monitor, cbs, letter_codes, tasks, verification
from neighbourhoods.models import (
    AGENDA_TRANSITIONS,
    OPEN_FOR_VOTES,
    AddressList,
    AgendaItem,
    AgendaItemChange,
    AgendaStatus,
    AgendaVote,
    Buurt,
    CbsFigure,
    CbsImport,
    Event,
    EventRSVP,
    LetterCode,
    Neighbourhood,
    NeighbourhoodFollow,
    Programme,
    ProgrammeProject,
    ProjectFollower,
    ProjectMilestone,
    ProjectUpdate,
    Residence,
)
from neighbourhoods.signals import programme_published
from notifications.service import notify_each

# Notification kinds (registered in NeighbourhoodsConfig.ready).
NEWS = "neighbourhood_news"
AGENDA = "agenda_update"
EVENT_REMINDER = "event_reminder"


class AgendaError(Exception):
    """A step the agenda's rules do not allow."""


def follow_neighbourhood(*, neighbourhood: Neighbourhood, user: User) -> None:
    NeighbourhoodFollow.objects.get_or_create(neighbourhood=neighbourhood, user=user)


def unfollow_neighbourhood(*, neighbourhood: Neighbourhood, user: User) -> None:
    NeighbourhoodFollow.objects.filter(neighbourhood=neighbourhood, user=user).delete()


@transaction.atomic
def propose_agenda_item(
    *, neighbourhood: Neighbourhood, by: User, title: str, description: str, location: str = ""
) -> AgendaItem:
    """A resident puts a task or wish forward for the neighbourhood's agenda."""
    item = AgendaItem.objects.create(
        neighbourhood=neighbourhood,
        proposed_by=by,
        title=title,
        description=description,
        location=location,
        origin=AgendaItem.Origin.RESIDENT,
    )
    notify_each(
        [neighbourhood.area_manager, *NeighbourhoodFollow.objects.followers(neighbourhood)],
        kind=NEWS,
        dedupe_key=f"agenda:{item.pk}:proposed",
        message=lambda: (
            _("New on the agenda of %(neighbourhood)s: %(title)s")
            % {"neighbourhood": neighbourhood.name, "title": item.title}
        ),
        url=item.get_absolute_url(),
        subject=item,
        skip=by,
    )
    return item


class VoteResult(enum.Enum):
    ADDED = "added"
    ALREADY = "already"
    NO_VOTES_LEFT = "no_votes_left"
    CLOSED = "closed"
    NOT_VERIFIED = "not_verified"  # the level set for "agenda_vote" is not met


def vote_for_item(*, item: AgendaItem, user: User, today: date | None = None) -> VoteResult:
    """Give the item one of the resident's priority votes for this year. Each vote takes
    the lowest free numbered slot of the budget; the database refuses a taken slot or a
    second vote on the item, so concurrent requests cannot exceed the budget. Only a
    person who has shown what the municipality asks for agenda votes may vote."""
    if not item.is_open_for_votes:
        return VoteResult.CLOSED
    if not verification.may(user, "agenda_vote", item.neighbourhood):
        return VoteResult.NOT_VERIFIED
    year = (today or timezone.localdate()).year
    neighbourhood = item.neighbourhood
    for _attempt in range(neighbourhood.vote_budget + 1):
        if AgendaVote.objects.filter(item=item, user=user).exists():
            return VoteResult.ALREADY
        taken = set(
            AgendaVote.objects.filter(
                user=user, neighbourhood=neighbourhood, year=year
            ).values_list("slot", flat=True)
        )
        free = [slot for slot in range(1, neighbourhood.vote_budget + 1) if slot not in taken]
        if not free:
            return VoteResult.NO_VOTES_LEFT
        try:
            with transaction.atomic():
                AgendaVote.objects.create(
                    item=item, user=user, neighbourhood=neighbourhood, year=year, slot=free[0]
                )
                with public_cache.changing():  # the vote's own signal named what shows it
                    AgendaItem.objects.filter(pk=item.pk).update(vote_count=F("vote_count") + 1)
        except IntegrityError:
            continue  # someone (this resident, in another tab) took the slot: look again
        return VoteResult.ADDED
    return VoteResult.NO_VOTES_LEFT


@transaction.atomic
def withdraw_vote(*, item: AgendaItem, user: User) -> bool:
    """Take a vote back while the item is still open; the slot is free again."""
    if not item.is_open_for_votes:
        return False
    deleted, _rows = AgendaVote.objects.filter(item=item, user=user).delete()
    if deleted:
        with public_cache.changing():  # the vote's own signal named what shows it
            AgendaItem.objects.filter(pk=item.pk, vote_count__gt=0).update(
                vote_count=F("vote_count") - 1
            )
    return bool(deleted)


@transaction.atomic
def change_agenda_status(
    *,
    item: AgendaItem,
    to: str,
    by: User,
    message: str,
    project: ProgrammeProject | None = None,
) -> AgendaItemChange:
    """The area manager answers an agenda item: on the agenda, declined (with the
    reason), into the programme (with the project), done. The proposer, the voters and
    the neighbourhood's followers hear of it."""
    item = AgendaItem.objects.select_for_update().select_related("neighbourhood").get(pk=item.pk)
    if to not in AGENDA_TRANSITIONS.get(item.status, set()):
        raise AgendaError(
            _("An agenda item cannot go from “%(from)s” to “%(to)s”.")
            % {"from": AgendaStatus(item.status).label, "to": AgendaStatus(to).label}
        )
    message = message.strip()
    if to == AgendaStatus.DECLINED and not message:
        raise AgendaError(_("Give the reason for declining; residents will read it."))
    if to == AgendaStatus.IN_PROGRAMME:
        if project is None or project.programme.neighbourhood_id != item.neighbourhood_id:
            raise AgendaError(_("Choose a project of this neighbourhood's programme."))
        project.agenda_items.add(item)
    previous = item.status
    item.status = to
    if message:
        item.answer = message
    item.save(update_fields=["status", "answer", "updated_at"])
    change = AgendaItemChange.objects.create(
        item=item, actor=by, from_status=previous, to_status=to, message=message
    )
    voters = User.objects.filter(agenda_votes__item=item)
    notify_each(
        [item.proposed_by, *voters, *NeighbourhoodFollow.objects.followers(item.neighbourhood)],
        kind=AGENDA,
        dedupe_key=f"agenda:{item.pk}:change:{change.pk}",
        message=lambda: (
            _("Agenda item “%(title)s” is now: %(status)s. %(message)s")
            % {"title": item.title, "status": AgendaStatus(to).label, "message": message}
        ),
        url=item.get_absolute_url(),
        subject=item,
        skip=by,
    )
    return change


@transaction.atomic
def publish_programme(*, programme: Programme, by: User) -> bool:
    """Make the programme public and tell the neighbourhood's followers. Returns False
    when it was published already."""
    if not programme.may_be_published_by(by):
        raise AgendaError(_("You may only publish the programme of your own area."))
    updated = Programme.objects.filter(pk=programme.pk, published_at__isnull=True).update(
        published_at=timezone.now()
    )
    if not updated:
        return False
    programme_published.send(sender=Programme, programme=programme)
    notify_each(
        NeighbourhoodFollow.objects.followers(programme.neighbourhood),
        kind=NEWS,
        dedupe_key=f"programme:{programme.pk}:published",
        message=lambda: (
            _("The programme %(year)s of %(neighbourhood)s is published.")
            % {"year": programme.year, "neighbourhood": programme.neighbourhood.name}
        ),
        url=programme.get_absolute_url(),
        subject=programme,
    )
    return True


def tell_programme_changed(*, programme: Programme, today: date | None = None) -> int:
    """After the area manager changes a published programme (a project added, its status
    or budget changed), followers hear of it; at most once a day per programme."""
    if not programme.is_published:
        return 0
    today = today or timezone.localdate()
    return notify_each(
        NeighbourhoodFollow.objects.followers(programme.neighbourhood),
        kind=NEWS,
        dedupe_key=f"programme:{programme.pk}:changed:{today.isoformat()}",
        message=lambda: (
            _("The programme %(year)s of %(neighbourhood)s has changed.")
            % {"year": programme.year, "neighbourhood": programme.neighbourhood.name}
        ),
        url=programme.get_absolute_url(),
        subject=programme,
    )


def announce_event(*, event: Event) -> int:
    """Tell followers about a new event (of their neighbourhood, or city-wide)."""
    return notify_each(
        NeighbourhoodFollow.objects.followers(event.neighbourhood),
        kind=NEWS,
        dedupe_key=f"event:{event.pk}:announced",
        message=lambda: (
            _("New event: %(title)s on %(date)s")
            % {
                "title": event.title,
                "date": timezone.localtime(event.starts_at).strftime("%d-%m-%Y %H:%M"),
            }
        ),
        url=event.get_absolute_url(),
        subject=event,
    )


class RSVPResult(enum.Enum):
    ADDED = "added"
    ALREADY = "already"
    FULL = "full"
    CLOSED = "closed"


@transaction.atomic
def rsvp_event(*, event: Event, user: User) -> RSVPResult:
    """Say you will come. The event row is locked while places are counted, so a full
    event never takes one more."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_past or event.cancelled:
        return RSVPResult.CLOSED
    if EventRSVP.objects.filter(event=event, user=user).exists():
        return RSVPResult.ALREADY
    if event.capacity is not None and event.rsvps.count() >= event.capacity:
        return RSVPResult.FULL
    EventRSVP.objects.create(event=event, user=user)
    return RSVPResult.ADDED


def cancel_rsvp(*, event: Event, user: User) -> bool:
    deleted, _rows = EventRSVP.objects.filter(event=event, user=user).delete()
    return bool(deleted)


def _reminder_message(event: Event) -> str:
    return _("Tomorrow: %(title)s, %(time)s at %(location)s") % {
        "title": event.title,
        "time": timezone.localtime(event.starts_at).strftime("%H:%M"),
        "location": event.location,
    }


def remind_event_attendees(*, today: date | None = None) -> int:
    """Daily: everyone who said they will come to an event tomorrow gets a reminder,
    once (the dedupe key is per event)."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    events = (
        Event.objects.filter(cancelled=False, starts_at__date=tomorrow)
        .annotate(coming=Count("rsvps"))
        .filter(coming__gt=0)
    )
    sent = 0
    for event in events:
        attendees = [rsvp.user for rsvp in event.rsvps.select_related("user")]
        sent += notify_each(
            attendees,
            kind=EVENT_REMINDER,
            dedupe_key=f"event:{event.pk}:reminder",
            message=partial(_reminder_message, event),
            url=event.get_absolute_url(),
            subject=event,
        )
    return sent


@transaction.atomic
def forget_votes(*, user: User) -> None:
    """Before an account is erased: votes on items still open stop counting; the tally of
    items already answered stays as it was published."""
    AgendaItem.objects.filter(
        pk__in=AgendaVote.objects.filter(user=user).values("item"),
        status__in=OPEN_FOR_VOTES,
        vote_count__gt=0,
    ).update(vote_count=F("vote_count") - 1)
    AgendaVote.objects.filter(user=user).delete()


def foreign_municipality(parsed: cbs.Parsed) -> str:
    """Why the file cannot be imported into this portal, or "": a file of a
    municipality none of the portal's wijken (with a CBS code) belongs to would give
    the monitor another municipality's figures as reference. A portal without such
    wijken yet takes any one municipality's file."""
    gemeente = cbs.municipality(parsed)
    if gemeente is None:
        return ""
    digits = Neighbourhood.objects.municipality_digits()
    if not digits or gemeente.code[2:] in digits:
        return ""
    return _(
        "The file holds the figures of %(name)s (%(code)s), but none of the portal's "
        "wijken is in that municipality (their CBS codes would begin with WK%(digits)s). "
        "Choose the file of your own municipality."
    ) % {"name": gemeente.name, "code": gemeente.code, "digits": gemeente.code[2:]}


@transaction.atomic
def import_cbs_figures(
    *, parsed: cbs.Parsed, source: str, file_name: str = "", user: User | None = None
) -> CbsImport:
    """Store the figures of a checked CBS file (``cbs.parse`` found no errors) as the
    import of its year, replacing an earlier import of that year, all or nothing. Buurten
    of the portal's wijken that the file names are added (or renamed), without a
    boundary; staff draw that in the back office."""
    if parsed.errors or parsed.year is None:
        raise ValueError("Only a file without errors can be imported.")
    if foreign_municipality(parsed):
        raise ValueError("Only a file of the portal's own municipality can be imported.")
    CbsImport.objects.filter(year=parsed.year).delete()
    imported = CbsImport.objects.create(
        year=parsed.year,
        source=source.strip() or cbs.default_source(parsed.year),
        file_name=file_name[:200],
        imported_by=user,
        rows=len(parsed.areas),
        ignored_columns=", ".join(parsed.ignored_columns)[:500],
    )
    CbsFigure.objects.bulk_create(
        CbsFigure(
            cbs_import=imported,
            code=area.code,
            name=area.name,
            level=area.level,
            key=key,
            value=value,
        )
        for area in parsed.areas
        for key, value in area.figures.items()
    )
    wijken = {n.cbs_code: n for n in Neighbourhood.objects.filter(cbs_code__startswith="WK")}
    buurten = {b.cbs_code: b for b in Buurt.objects.all()}
    new, renamed = [], []
    for area in parsed.areas:
        if area.level != "buurt" or area.parent_code not in wijken:
            continue
        buurt = buurten.get(area.code)
        if buurt is None:
            new.append(
                Buurt(cbs_code=area.code, name=area.name, neighbourhood=wijken[area.parent_code])
            )
        elif buurt.name != area.name:
            buurt.name = area.name
            renamed.append(buurt)
    Buurt.objects.bulk_create(new)
    Buurt.objects.bulk_update(renamed, ["name"])
    # The monitor's stored selections name the imports, so the new figures show at once;
    # its default pages are computed ahead of the next visitor.
    once_after_commit(stored_figures.compute_defaults_soon, area_monitor.FIGURES)
    return imported


# --- Showing that you live here (see neighbourhoods.verification) --------------------


class LetterCodeError(Exception):
    """A letter code that cannot be used: the message says why, to the resident."""


@transaction.atomic
def record_residence(
    *, user: User, neighbourhood: Neighbourhood, method: str, digid_subject: str | None = None
) -> Residence:
    """The person has shown that they live in ``neighbourhood``: one residence per
    account, a newer one (after a move) replaces the older. With DigiD also one account
    per person: when the same person (``digid_subject``, a keyed pseudonym) shows it for
    a second account, the residence moves there and the earlier account loses it."""
    if digid_subject:
        Residence.objects.filter(digid_subject=digid_subject).exclude(user=user).delete()
    residence, _created = Residence.objects.update_or_create(
        user=user,
        defaults={
            "neighbourhood": neighbourhood,
            "method": method,
            "verified_at": timezone.now(),
            "digid_subject": digid_subject or None,
        },
    )
    return residence


@transaction.atomic
def import_addresses(
    *, parsed: letter_codes.Parsed, file_name: str = "", user: User | None = None
) -> AddressList:
    """Staff import the addresses entitled to take part (checked whole by
    ``letter_codes.parse``): the list and one row per address, codes not yet issued."""
    if parsed.errors or not parsed.addresses:
        raise ValueError("Only a file without errors is imported.")
    address_list = AddressList.objects.create(
        file_name=file_name[:200], imported_by=user, addresses=len(parsed.addresses)
    )
    LetterCode.objects.bulk_create(
        LetterCode(
            address_list=address_list,
            neighbourhood=address.neighbourhood,
            postcode=address.postcode,
            house_number=address.house_number,
            addition=address.addition,
        )
        for address in parsed.addresses
    )
    return address_list


@transaction.atomic
def issue_letter_codes(
    *, address_list: AddressList, by: User | None, again: bool = False
) -> list[tuple[LetterCode, str]]:
    """One new code for every address of the list whose code was not used yet, for the
    mail merge: the codes exist only in what this returns (the portal keeps their hash).
    Issued once; ``again`` issues new codes, and the letters already sent stop working.
    A code issued for the same address on an older list stops working too; one on a
    newer list keeps working (issuing an older list again never voids newer letters)."""
    address_list = AddressList.objects.select_for_update().get(pk=address_list.pk)
    if address_list.issued_at is not None and not again:
        raise LetterCodeError(_("The codes of this list were issued already."))
    rows = list(
        address_list.codes.filter(used=False).select_related("neighbourhood").select_for_update()
    )
    addresses = {(row.postcode, row.house_number, row.addition) for row in rows}
    older = [
        row.pk
        for row in LetterCode.objects.unused()
        .filter(address_list__pk__lt=address_list.pk)
        .filter(postcode__in={postcode for postcode, _n, _a in addresses})
        .select_for_update()
        .only("pk", "postcode", "house_number", "addition")
        if (row.postcode, row.house_number, row.addition) in addresses
    ]
    LetterCode.objects.filter(pk__in=older).update(code_hash="")
    issued = []
    for row in rows:
        code = letter_codes.new_code()
        row.code_hash = letter_codes.code_hash(code)
        issued.append((row, code))
    LetterCode.objects.bulk_update(rows, ["code_hash"], batch_size=1000)
    address_list.issued_at = timezone.now()
    address_list.issued_by = by
    address_list.save(update_fields=["issued_at", "issued_by"])
    return issued


def redeem_letter_code(*, user: User, code: str) -> Residence:
    """A resident enters the code from the letter: their account is shown to live in
    the code's neighbourhood. A code works for one account only, also when two
    requests come at once (the database marks it used only if it was not). The code
    forgets its address in the same update: only its neighbourhood, the mark and the
    hash stay."""
    digest = letter_codes.code_hash(code)
    with transaction.atomic():
        claimed = (
            LetterCode.objects.unused()
            .filter(code_hash=digest)
            .update(used=True, postcode="", house_number=None, addition="")
        )
        if not claimed:
            if LetterCode.objects.filter(code_hash=digest, used=True).exists():
                raise LetterCodeError(
                    _("This code has been used already. Each letter's code works once.")
                )
            raise LetterCodeError(
                _("We do not know this code. Check the letter and type it again.")
            )
        neighbourhood = Neighbourhood.objects.get(letter_codes__code_hash=digest)
        return record_residence(
            user=user, neighbourhood=neighbourhood, method=Residence.Method.LETTER_CODE
        )


def follow_project(*, project: ProgrammeProject, user: User) -> None:
    ProjectFollower.objects.get_or_create(project=project, user=user)


def unfollow_project(*, project: ProgrammeProject, user: User) -> bool:
    """Returns whether the person followed the project."""
    return stop_project_emails(user, project.pk)


def stop_project_emails(user: User, project_id: int) -> bool:
    """The unsubscribe link of a project's email: the person stops following that
    project only (their other projects and kinds stay as they are)."""
    deleted, _rows = ProjectFollower.objects.filter(project_id=project_id, user=user).delete()
    return bool(deleted)


def describe_followed_project(user: User, project_id: int) -> str | None:
    """The project as the unsubscribe page names it, or None when the person does not
    follow it."""
    title = (
        ProjectFollower.objects.filter(user=user, project_id=project_id)
        .values_list("project__title", flat=True)
        .first()
    )
    if title is None:
        return None
    return _("the project “%(project)s”") % {"project": title}


def _after_commit(project_id: int, event: tasks.ProjectEvent, item_id: int | None = None) -> None:
    """Followers are told by a worker once the save has committed: the staff member's
    save never waits for, nor fails on, the telling."""
    tasks.tell_project_followers.delay_on_commit(project_id, event.value, item_id)


@transaction.atomic
def publish_project_update(
    *,
    project: ProgrammeProject,
    by: User | None,
    text_nl: str,
    text_en: str = "",
    progress: int,
    photo: ProcessedUpload | None = None,
    photo_alt_nl: str = "",
    photo_alt_en: str = "",
) -> ProjectUpdate:
    """Publish an update of a project: it sets the project's progress (a planned
    project with progress is in progress), and after the commit everyone who follows
    the project hears of it."""
    update = ProjectUpdate(
        project=project,
        author=by,
        text_nl=text_nl,
        text_en=text_en,
        progress=progress,
        photo_alt_nl=photo_alt_nl if photo else "",
        photo_alt_en=photo_alt_en if photo else "",
    )
    update.full_clean(exclude=["photo"])
    if photo is not None:
        if not (photo_alt_nl.strip() and photo_alt_en.strip()):
            raise ValidationError({"photo_alt_nl": _("Describe the photo in Dutch and English.")})
        update.photo_token = photo.token
        update.photo_content_type = photo.content_type
        update.photo.save(f"{photo.token}.{photo.extension}", photo.content, save=False)
    update.save()
    ProgrammeProject.objects.filter(pk=project.pk).update(progress=progress)
    project.progress = progress
    if progress > 0 and project.status == ProgrammeProject.Status.PLANNED:
        # Work has started: a planned project is now in progress.
        ProgrammeProject.objects.filter(pk=project.pk).update(
            status=ProgrammeProject.Status.IN_PROGRESS
        )
        project.status = ProgrammeProject.Status.IN_PROGRESS
    _after_commit(project.pk, tasks.ProjectEvent.UPDATE, update.pk)
    return update


def tell_milestone_reached(*, milestone: ProjectMilestone) -> None:
    """After the commit, followers hear that a milestone of the project was reached."""
    _after_commit(milestone.project_id, tasks.ProjectEvent.MILESTONE, milestone.pk)


def tell_project_done(*, project: ProgrammeProject) -> None:
    """After the commit, followers hear that the project is done."""
    _after_commit(project.pk, tasks.ProjectEvent.DONE)


def tell_projects_done(*, projects: Iterable[ProgrammeProject]) -> None:
    """Of projects whose status was just changed, the followers of each that is now
    done hear of it after the commit; the others' followers hear nothing."""
    for project in projects:
        if project.status == ProgrammeProject.Status.DONE:
            tell_project_done(project=project)
