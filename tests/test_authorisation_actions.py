"""Who may run which back-office action, and which records an area manager may choose.

The sibling of ``tests/test_authorisation_matrix.py`` (which asks every URL): here every
bulk action of every registered ModelAdmin is asked by every person of that matrix, and
every foreign-key and many-to-many choice of the forms of records that belong to a
neighbourhood is asked by every member of staff.

Actions: ``ACTIONS`` says who is offered each action (``delete_selected`` follows the
"d" of the URL matrix's ``BACK_OFFICE``); an action without a row fails the test. Who is
not offered an action and still posts it (a forged request) is refused: people who are
not staff are sent to the back office's sign-in, staff get the admin's refusal, recorded
in the audit log as refused on the pages that are audited.

Choices: the world has two neighbourhoods, "mine" (managed by the area manager) and
"other". Every choice of a related record that belongs to a neighbourhood offers an
area manager records of "mine" and never of "other"; choosing "other"'s record in a
forged form is a form error beside the field. Other staff are offered both, as before.
"""

from collections import Counter
from http.cookies import SimpleCookie

import pytest
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import ManyToManyRawIdWidget
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import StaffFactory
from neighbourhoods import areas
from privacy.audit import AuditedAdmin
from privacy.models import AuditEntry
from tests.test_authorisation_matrix import (
    ADMIN_LOGIN,
    ADMIN_NEVER,
    BACK_OFFICE,
    PEOPLE,
    STAFF,
    _sign_in,
    outcome,
)

pytestmark = pytest.mark.django_db

AREA_MANAGER = Role.AREA_MANAGER.value
BROKER = Role.INITIATIVE_BROKER.value
RESEARCHER = Role.RESEARCHER.value
PROCUREMENT = Role.PROCUREMENT_OFFICER.value
PRIVACY = Role.PRIVACY_OFFICER.value
ADMINISTRATOR = "superuser"

# "app_label.model.action" -> who is offered it. Residents, suppliers, council members
# and visitors never reach the back office.
ACTIONS: dict[str, set[str]] = {
    "account.emailaddress.make_verified": {ADMINISTRATOR},
    # Requests by letter: only who holds the explicit rights (privacy.*_on_behalf).
    "accounts.user.export_personal_data": {PRIVACY, ADMINISTRATOR},
    "accounts.user.erase_accounts": {PRIVACY, ADMINISTRATOR},
    "privacy.erasurerequest.approve_and_erase": {PRIVACY, ADMINISTRATOR},
    "neighbourhoods.agendaitem.put_on_agenda": {AREA_MANAGER, ADMINISTRATOR},
    "neighbourhoods.agendaitem.decline": {AREA_MANAGER, ADMINISTRATOR},
    "neighbourhoods.programme.publish": {AREA_MANAGER, ADMINISTRATOR},
    "initiatives.initiative.assign_to_me": {AREA_MANAGER, BROKER, ADMINISTRATOR},
    "initiatives.initiative.assign_to_colleague": {AREA_MANAGER, BROKER, ADMINISTRATOR},
    "initiatives.initiative.move_to_review": {AREA_MANAGER, BROKER, ADMINISTRATOR},
    "initiatives.comment.hide_comments": {BROKER, ADMINISTRATOR},
    "initiatives.comment.dismiss_reports": {BROKER, ADMINISTRATOR},
    **{
        f"surveys.survey.{action}": {RESEARCHER, ADMINISTRATOR}
        for action in (
            "draw_sample",
            "invite_panel",
            "invite_list",
            "send_invitations",
            "send_reminders",
            "close",
            "publish",
            "export_answers",
            "export_answers_xlsx",
        )
    },
    "citydata.dataset.approve_for_publication": {RESEARCHER, ADMINISTRATOR},
    "citydata.dataset.withdraw_publication": {RESEARCHER, ADMINISTRATOR},
    "citydata.apitoken.revoke": {RESEARCHER, ADMINISTRATOR},
    "procurement.supplier.verify": {PROCUREMENT, ADMINISTRATOR},
    "procurement.supplier.suspend": {PROCUREMENT, ADMINISTRATOR},
    "procurement.supplier.export_csv": {PROCUREMENT, ADMINISTRATOR},
    "procurement.supplier.export_xlsx": {PROCUREMENT, ADMINISTRATOR},
    "procurement.tender.build_invitation_list": {PROCUREMENT, ADMINISTRATOR},
    "participation.process.publish": {AREA_MANAGER, ADMINISTRATOR},
    "participation.teammembership.accept": {AREA_MANAGER, ADMINISTRATOR},
    "participation.teammembership.decline": {AREA_MANAGER, ADMINISTRATOR},
    **{
        f"participation.councilquestion.{action}": {RESEARCHER, ADMINISTRATOR}
        for action in ("accept", "ask_to_rephrase", "decline", "make_poll")
    },
    "participation.decision.publish": {AREA_MANAGER, RESEARCHER, ADMINISTRATOR},
    "community.membership.approve": {AREA_MANAGER, ADMINISTRATOR},
    "community.membership.decline": {AREA_MANAGER, ADMINISTRATOR},
    "community.message.hide_messages": {BROKER, ADMINISTRATOR},
    "community.message.dismiss_reports": {BROKER, ADMINISTRATOR},
    "budgets.ballot.confirm": {AREA_MANAGER, ADMINISTRATOR},
    "procurement.contract.use_next_option": {PROCUREMENT, ADMINISTRATOR},
    **{
        f"reports.question.{action}": {AREA_MANAGER, ADMINISTRATOR}
        for action in ("assign_to_me", "assign_to_colleague")
    },
    **{
        f"reports.report.{action}": {AREA_MANAGER, ADMINISTRATOR}
        for action in (
            "assign_to_me",
            "assign_to_colleague",
            "mark_in_progress",
            "mark_solved",
            "approve_photos",
            "merge_into_oldest",
        )
    },
}


def bulk_delete_dropped(model_admin, administrator: User) -> bool:
    """An admin whose records are deleted one by one, never in bulk, drops
    ``delete_selected`` in its own ``get_actions``, even for an administrator (a paper
    ballot is deleted on its own page, and only before a second colleague confirmed it)."""
    request = RequestFactory().get("/")
    request.user = administrator
    return "delete_selected" not in model_admin.get_actions(request)


def may_delete(model: str, person: str) -> bool:
    """``delete_selected`` is offered to who may delete the model (the URL matrix)."""
    if person not in STAFF:
        return False
    may = "vacd" if person == ADMINISTRATOR else BACK_OFFICE.get(person, {}).get(model, "")
    return "d" in may and "d" not in ADMIN_NEVER.get(model, "")


def expected_offer(model: str, action: str, person: str, *, bulk_dropped: bool = False) -> bool:
    if action == "delete_selected":
        return not bulk_dropped and may_delete(model, person)
    return person in ACTIONS[f"{model}.{action}"]


def _actions_world() -> dict:
    """One record of every model the back office lists, so every action has something
    to be forged on; people as in the URL matrix."""
    from tests.test_authorisation_matrix import _build_world

    return _build_world().people


def _offered(response) -> set[str]:
    action_form = (getattr(response, "context_data", None) or {}).get("action_form")
    if response.status_code != 200 or action_form is None:
        return set()
    return {value for value, _label in action_form.fields["action"].choices if value}


def _refused(response, model_admin, action: str, before: int) -> bool:
    """The admin did not run the action, and on audited pages recorded the attempt as
    refused. Django itself shows the list again (no action offered at all) or says "no
    action selected" (a warning) for an action it does not offer."""
    if response.status_code in (403, 404):
        return True
    if isinstance(model_admin, AuditedAdmin):
        return (
            response.status_code == 302
            and AuditEntry.objects.filter(
                pk__gt=before, outcome=AuditEntry.Outcome.REFUSED, summary=action
            ).exists()
        )
    if response.status_code == 200:
        return any(template.name == "admin/change_list.html" for template in response.templates)
    levels = {message.level for message in get_messages(response.wsgi_request)}
    return (
        response.status_code == 302
        and messages.WARNING in levels
        and messages.SUCCESS not in levels
    )


CELLS: Counter[str] = Counter()


@pytest.fixture
def generous_limits(settings):
    settings.PORTAL_RATE_LIMITS = {action: "1000/m" for action in settings.PORTAL_RATE_LIMITS}


@pytest.mark.parametrize("person", PEOPLE)
def test_every_admin_action_answers_each_person_as_the_policy_says(person, generous_limits):
    people = _actions_world()
    client = Client()
    _sign_in(client, person, people[person])
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    admin_login = reverse("admin:login")
    unexpected, unlisted = [], []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        label = f"{opts.app_label}.{opts.model_name}"
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        names = [action.name for action in model_admin._get_base_actions()]
        first = model._default_manager.order_by("pk").first()
        listing = client.get(url) if person in STAFF else None
        offered = _offered(listing) if listing is not None else set()
        for name in names:
            if name != "delete_selected" and f"{label}.{name}" not in ACTIONS:
                unlisted.append(f"{label}.{name}")
                continue
            expected = expected_offer(
                label,
                name,
                person,
                bulk_dropped=bulk_delete_dropped(model_admin, people[ADMINISTRATOR]),
            )
            CELLS["actions"] += 1
            if person in STAFF and (name in offered) != expected:
                unexpected.append(f"{label}.{name}: offered {name in offered}, policy {expected}")
            if expected:
                continue
            # Not theirs: a forged request is refused and changes nothing.
            data = {
                "action": name,
                "index": "0",
                "_selected_action": [str(first.pk if first else 0)],
            }
            before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            with transaction.atomic():
                response = client.post(url, data)
                if person not in STAFF:
                    refused = outcome(response, admin_login=admin_login) == ADMIN_LOGIN
                else:
                    refused = _refused(response, model_admin, name, before)
                transaction.set_rollback(True)
            client.cookies = SimpleCookie(cookies.output(header="", sep="\n"))
            if not refused:
                unexpected.append(f"{label}.{name}: a forged request was not refused")
    assert not unlisted, f"admin actions without a row in ACTIONS: {unlisted}"
    assert not unexpected, "\n".join([f"{person}:", *unexpected])


def test_action_policy_has_no_rows_for_actions_that_no_longer_exist():
    existing = {
        f"{model._meta.app_label}.{model._meta.model_name}.{action.name}"
        for model, model_admin in admin.site._registry.items()
        for action in model_admin._get_base_actions()
    }
    assert set(ACTIONS) <= existing, set(ACTIONS) - existing


# --- choices in the forms of records that belong to a neighbourhood ---------------------

# Choices narrower than "every record" by design, for everyone: an agenda item moves into
# a project of its own neighbourhood's programme; a plan's theme is one of its own round's.
LIMITED_BY_DESIGN = {"neighbourhoods.agendaitem.project", "budgets.plan.theme"}


def _two_areas(manager: User) -> dict:
    """A neighbourhood the area manager manages and one they do not, each with a record
    of every kind that a back-office form can choose."""
    from budgets.tests.factories import PlanFactory, RoundFactory, ThemeFactory
    from community.tests.factories import (
        AmbassadorFactory,
        NetworkFactory,
        PostFactory,
        VolunteerCallFactory,
    )
    from initiatives.models import Status
    from initiatives.tests.factories import CommentFactory, InitiativeFactory
    from neighbourhoods.tests.factories import (
        AgendaItemFactory,
        EventFactory,
        NeighbourhoodFactory,
        ProgrammeProjectFactory,
    )
    from participation.tests.factories import (
        DecisionFactory,
        MembershipFactory,
        ProcessFactory,
        TaskTeamFactory,
    )

    made = {}
    for name, area_manager in (("mine", manager), ("other", StaffFactory())):
        neighbourhood = NeighbourhoodFactory(area_manager=area_manager)
        item = AgendaItemFactory(neighbourhood=neighbourhood)
        project = ProgrammeProjectFactory(programme__neighbourhood=neighbourhood)
        initiative = InitiativeFactory(neighbourhood=neighbourhood, status=Status.SUBMITTED)
        process = ProcessFactory()
        process.neighbourhoods.add(neighbourhood)
        decision = DecisionFactory()
        decision.neighbourhoods.add(neighbourhood)
        team = TaskTeamFactory(agenda_item=item)
        MembershipFactory(team=team)
        CommentFactory(initiative=initiative)
        EventFactory(neighbourhood=neighbourhood)
        AmbassadorFactory(network=NetworkFactory(neighbourhood=neighbourhood))
        PostFactory(neighbourhood=neighbourhood)
        VolunteerCallFactory(initiative=initiative)
        budget_round = RoundFactory(neighbourhood=neighbourhood)
        PlanFactory(round=budget_round, theme=ThemeFactory(round=budget_round))
        made[name] = neighbourhood
        made[f"{name}_project"] = project
    return made


def _forms_of(model_admin, request, obj):
    """(where, form class, instance) of the admin's form and its inlines' forms."""
    change = obj is not None
    may = (
        model_admin.has_change_permission(request, obj)
        if change
        else model_admin.has_add_permission(request)
    )
    if not may:
        return
    yield "change" if change else "add", model_admin.get_form(request, obj, change=change), obj
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)
        yield f"inline {inline.model._meta.model_name}", formset.form, None


def _area_choice_fields(form_class, instance):
    """The choice fields of the form as the page shows it (some are set per record)."""
    kwargs = {"instance": instance} if issubclass(form_class, forms.ModelForm) else {}
    for name, field in form_class(**kwargs).fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and areas.area_paths(queryset.model):
            yield name, field


def _forged(form_class, instance, name: str, field, value) -> forms.BaseForm:
    several = isinstance(field, forms.ModelMultipleChoiceField)
    # A raw-id box of many records takes them as one text, "3,4".
    as_list = several and not isinstance(field.widget, ManyToManyRawIdWidget)
    data = {name: [str(value)] if as_list else str(value)}
    kwargs = {"instance": instance} if issubclass(form_class, forms.ModelForm) else {}
    return form_class(data=data, **kwargs)


@pytest.mark.parametrize("person", sorted(STAFF))
def test_every_area_choice_answers_each_colleague_as_the_policy_says(person):
    if person == ADMINISTRATOR:
        colleague = StaffFactory(is_superuser=True)
    else:
        colleague = StaffFactory()
        colleague.groups.add(Role(person).group())
    manager = colleague if person == AREA_MANAGER else StaffFactory()
    if person != AREA_MANAGER:
        manager.groups.add(Role.AREA_MANAGER.group())
    world = _two_areas(manager)
    mine, other = {world["mine"].pk}, {world["other"].pk}
    scoped = person == AREA_MANAGER
    factory = RequestFactory()
    unexpected, checked = [], 0
    for model, model_admin in admin.site._registry.items():
        if not areas.area_paths(model):
            continue
        request = factory.get("/")
        request.user = User.objects.get(pk=colleague.pk)
        own_record = areas.within(model._default_manager.all(), mine).order_by("pk").first()
        for obj in (None, own_record):
            for where, form_class, instance in _forms_of(model_admin, request, obj):
                for name, field in _area_choice_fields(form_class, instance):
                    key = f"{model._meta.label_lower}.{name}"
                    everything = field.queryset.model._default_manager.all()
                    theirs = areas.within(everything, other).order_by("pk").first()
                    ours = areas.within(everything, mine).order_by("pk").first()
                    assert theirs is not None, f"world lacks another area's {key}"
                    assert ours is not None, f"world lacks the area manager's {key}"
                    offered = field.queryset
                    cell = f"{key} ({where})"
                    checked += 1
                    CELLS["choices"] += 1
                    offers_theirs = offered.filter(pk=theirs.pk).exists()
                    if scoped:
                        if offers_theirs or offered.exclude(pk__in=areas.within(offered, mine)):
                            unexpected.append(f"{cell}: offers another area's records")
                        if not offered.filter(pk=ours.pk).exists():
                            unexpected.append(f"{cell}: does not offer their own records")
                    elif not offers_theirs and key not in LIMITED_BY_DESIGN:
                        unexpected.append(f"{cell}: no longer offers every area's records")
                    forged = _forged(form_class, instance, name, field, theirs.pk)
                    forged.is_valid()
                    codes = {error.code for error in forged.errors.as_data().get(name, [])}
                    refused = bool(codes & {"invalid_choice", "invalid_pk_value"})
                    should_refuse = scoped or key in LIMITED_BY_DESIGN
                    if refused != should_refuse:
                        unexpected.append(f"{cell}: forged choice refused={refused}")
    assert checked or person in (RESEARCHER, PROCUREMENT, PRIVACY), person
    assert not unexpected, "\n".join([f"{person}:", *unexpected])


def test_every_admin_of_a_record_in_a_neighbourhood_is_area_scoped():
    """A new model that belongs to a neighbourhood gets the area manager's limits: its
    admin uses ``AreaScopedAdmin``; the exceptions say why."""
    from neighbourhoods.area_admin import AreaScopedAdmin
    from neighbourhoods.models import Neighbourhood

    not_an_area_record = {
        # Where a person lives or is counted, not something the area manager runs.
        "accounts.user": "home neighbourhood of a person",
        "surveys.panelmember": "neighbourhood of a panel member, for the sample",
        # The area a researcher's analysis reads; researchers work city-wide, and
        # area managers have no access to analyses at all.
        "mood.analysisrun": "area an analysis of the city's texts reads",
        # A purchase of the whole city that may deliver a programme project; procurement
        # officers work city-wide, and the project is chosen among an area manager's own
        # (``AreaChoicesMixin``, asked by the choices test above).
        "procurement.tender": "the programme project a tender delivers",
    }
    bound = {Neighbourhood, *areas.area_models()}
    missing = []
    for model, model_admin in admin.site._registry.items():
        relations = [
            field
            for field in model._meta.get_fields()
            if (field.many_to_one or field.many_to_many)
            and not field.auto_created
            and field.related_model in bound
        ]
        registered = bool(areas.area_paths(model))
        if model._meta.label_lower in not_an_area_record:
            continue
        if (relations or registered) and not isinstance(model_admin, AreaScopedAdmin):
            missing.append(model._meta.label_lower)
        if relations and not registered:
            missing.append(f"{model._meta.label_lower} (not in neighbourhoods.areas)")
    assert not missing, missing


def test_no_action_runs_from_a_change_form_without_a_row_here():
    """Django 6.1 can offer actions on a record's change page too; this matrix asks the
    list's actions. A change-page action must first get its rows and forged requests."""
    from django.contrib.admin.options import ActionLocation

    on_change_pages = [
        f"{model._meta.label_lower}.{action.name}"
        for model, model_admin in admin.site._registry.items()
        for action in model_admin._get_base_actions(ActionLocation.CHANGE_FORM)
    ]
    assert on_change_pages == []
