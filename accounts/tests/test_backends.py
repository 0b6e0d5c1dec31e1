"""The permission check asks once and answers as Django's own would; with Redis the
answer is cached until roles or permissions change, and never outlives such a change."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.admin_site import staff_has_totp
from accounts.backends import GENERATION_KEY, RolePermissionBackend
from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", list(Role))
def test_permissions_are_those_django_finds(role):
    user = StaffFactory()
    user.groups.add(role.group())
    user.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    ours = RolePermissionBackend().get_all_permissions(fresh(user))
    assert ours == ModelBackend().get_all_permissions(fresh(user))
    assert "admin.view_logentry" in ours


def test_one_query_for_all_of_a_persons_permissions(django_assert_num_queries):
    user = StaffFactory()
    user.groups.add(Role.PROCUREMENT_OFFICER.group(), Role.AREA_MANAGER.group())
    user = fresh(user)
    with django_assert_num_queries(1):
        assert user.has_perm("procurement.view_supplier")
        assert not user.has_perm("privacy.delete_auditentry")


def test_inactive_people_and_visitors_may_do_nothing():
    user = StaffFactory(is_active=False)
    user.groups.add(Role.PROCUREMENT_OFFICER.group())
    assert RolePermissionBackend().get_all_permissions(fresh(user)) == set()
    resident = UserFactory()
    assert RolePermissionBackend().get_all_permissions(fresh(resident)) == set()


def test_superusers_have_every_permission():
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert len(RolePermissionBackend().get_all_permissions(fresh(admin))) == (
        Permission.objects.count()
    )


@pytest.fixture
def cached_permissions(settings, redis_cache):
    settings.PORTAL_PERMISSION_CACHE_SECONDS = 3600


def permission_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if "auth_permission" in query["sql"]]


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_persons_permissions_are_asked_once_until_roles_change(cached_permissions):
    user = StaffFactory()
    user.groups.add(Role.PROCUREMENT_OFFICER.group())
    assert fresh(user).has_perm("procurement.view_supplier")
    with CaptureQueriesContext(connection) as captured:
        assert fresh(user).has_perm("procurement.view_supplier")
    assert permission_queries(captured) == []
    user.groups.remove(Role.PROCUREMENT_OFFICER.group())
    assert not fresh(user).has_perm("procurement.view_supplier")


@pytest.mark.django_db(transaction=True)
def test_a_role_losing_a_permission_reaches_everyone_who_holds_it(cached_permissions):
    group = Role.PROCUREMENT_OFFICER.group()
    officers = [StaffFactory(), StaffFactory()]
    for officer in officers:
        officer.groups.add(group)
        assert fresh(officer).has_perm("procurement.view_supplier")
    group.permissions.remove(Permission.objects.get(codename="view_supplier"))
    assert not any(fresh(officer).has_perm("procurement.view_supplier") for officer in officers)


@pytest.mark.django_db(transaction=True)
def test_own_permissions_and_becoming_superuser_count_at_once(cached_permissions):
    user = StaffFactory()
    assert not fresh(user).has_perm("admin.view_logentry")
    user.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    assert fresh(user).has_perm("admin.view_logentry")
    assert not fresh(user).has_perm("privacy.delete_auditentry")
    type(user).objects.filter(pk=user.pk).update(is_superuser=True)
    assert fresh(user).has_perm("privacy.delete_auditentry")


@pytest.mark.django_db(transaction=True)
def test_a_change_counts_only_once_it_is_committed(cached_permissions):
    user = StaffFactory()
    user.groups.add(Role.PROCUREMENT_OFFICER.group())
    assert fresh(user).has_perm("procurement.view_supplier")
    before = cache.get(GENERATION_KEY)
    with transaction.atomic():
        user.groups.clear()
        assert cache.get(GENERATION_KEY) == before  # a request now must still see the old
    assert cache.get(GENERATION_KEY) != before
    assert not fresh(user).has_perm("procurement.view_supplier")


def test_without_redis_permissions_come_from_the_database(settings, unreachable_cache):
    settings.PORTAL_PERMISSION_CACHE_SECONDS = 3600
    user = StaffFactory()
    user.groups.add(Role.PROCUREMENT_OFFICER.group())
    assert fresh(user).has_perm("procurement.view_supplier")
    assert not fresh(user).has_perm("privacy.delete_auditentry")


@pytest.mark.django_db(transaction=True)
def test_removing_the_authenticator_app_closes_the_back_office_at_once(cached_permissions):
    user = StaffFactory()
    give_totp(user)
    assert staff_has_totp(fresh(user))
    with CaptureQueriesContext(connection) as captured:
        assert staff_has_totp(fresh(user))
    assert not [query for query in captured if "mfa_authenticator" in query["sql"]]
    Authenticator.objects.filter(user=user).delete()
    assert not staff_has_totp(fresh(user))
