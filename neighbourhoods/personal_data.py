"""Personal data in the neighbourhoods app (see ``privacy.registry``)."""

from django.db import models

from neighbourhoods.actions import forget_votes
from neighbourhoods.models import (
    AddressList,
    AgendaItem,
    AgendaItemChange,
    AgendaVote,
    CbsImport,
    EventRSVP,
    Neighbourhood,
    NeighbourhoodFollow,
    ProjectFollower,
    ProjectUpdate,
    Residence,
)
from privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="neighbourhoods.AgendaItem",
        rows=lambda user: AgendaItem.objects.filter(proposed_by=user),
        exported=("neighbourhood", "title", "description", "location", "status", "created_at"),
        # Kept as a public contribution; the proposer's name goes.
        not_personal=(
            "id",
            "origin",
            "initiative",
            "proposed_by",
            "answer",
            "vote_count",
            "updated_at",
        ),
    ),
    PersonalData(
        model="neighbourhoods.AgendaVote",
        rows=lambda user: AgendaVote.objects.filter(user=user),
        exported=("item", "year", "created_at"),
        not_personal=("id", "user", "neighbourhood", "slot"),
        erase=lambda user: forget_votes(user=user),
    ),
    PersonalData(
        model="neighbourhoods.AgendaItemChange",
        rows=lambda user: AgendaItemChange.objects.filter(actor=user),
        exported=("item", "from_status", "to_status", "message", "created_at"),
        not_personal=("id", "actor"),
    ),
    PersonalData(
        model="neighbourhoods.EventRSVP",
        rows=lambda user: EventRSVP.objects.filter(user=user),
        exported=("event", "created_at"),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="neighbourhoods.NeighbourhoodFollow",
        rows=lambda user: NeighbourhoodFollow.objects.filter(user=user),
        exported=("neighbourhood", "created_at"),
        not_personal=("id", "user"),
    ),
    # Following a programme project (voters of a budget round follow its winners).
    # Goes with the account (cascade).
    PersonalData(
        model="neighbourhoods.ProjectFollower",
        rows=lambda user: ProjectFollower.objects.filter(user=user),
        exported=("project", "created_at"),
        not_personal=("id", "user"),
    ),
    # A colleague's update of a project: the public text stays, who wrote it goes with
    # them (set null).
    PersonalData(
        model="neighbourhoods.ProjectUpdate",
        rows=lambda user: ProjectUpdate.objects.filter(author=user),
        exported=("project", "progress", "published_at"),
        not_personal=(
            "id",
            "author",
            "text_nl",
            "text_en",
            "photo",
            "photo_token",
            "photo_content_type",
            "photo_alt_nl",
            "photo_alt_en",
        ),
    ),
    PersonalData(
        model="neighbourhoods.Neighbourhood",
        rows=lambda user: Neighbourhood.objects.filter(area_manager=user),
        exported=("name",),
        not_personal=(
            "id",
            "slug",
            "cbs_code",
            "population",
            "boundary",
            "vote_budget",
            "postcodes",
            "area_manager",
        ),
    ),
    # A colleague's import of CBS figures: the work stays, who did it goes with them
    # (the foreign key is set null).
    PersonalData(
        model="neighbourhoods.CbsImport",
        rows=lambda user: CbsImport.objects.filter(imported_by=user),
        exported=("year", "file_name", "imported_at"),
        not_personal=("id", "imported_by", "source", "rows", "ignored_columns"),
    ),
    # A colleague's import of addresses for letter codes and the issuing of their codes:
    # the work stays, who did it goes with them (set null). The addresses (LetterCode)
    # carry no name and no link to an account, so they are no one's data here; still a
    # used code forgets its address as it is used (only neighbourhood, mark and hash
    # stay), and an unused one keeps it only so the letter can be issued again. A list
    # whose codes are all used holds its counts per neighbourhood and no address.
    PersonalData(
        model="neighbourhoods.AddressList",
        rows=lambda user: AddressList.objects.filter(
            models.Q(imported_by=user) | models.Q(issued_by=user)
        ),
        exported=("file_name", "imported_at", "issued_at"),
        not_personal=("id", "imported_by", "issued_by", "addresses"),
    ),
    # That the person showed they live in a neighbourhood: which one, how and when
    # (no address, no BSN). Goes with the account (cascade).
    PersonalData(
        model="neighbourhoods.Residence",
        rows=lambda user: Residence.objects.filter(user=user),
        exported=("neighbourhood", "method", "verified_at"),
        # digid_subject: a keyed pseudonym that means nothing outside the portal (not
        # exported); it only keeps one person to one residence and goes with the row.
        not_personal=("id", "user", "digid_subject"),
    ),
]
