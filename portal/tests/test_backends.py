"""The permission check asks once and answers as Django's own would."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from portal.backends import RolePermissionBackend
from portal.models import Role
from portal.tests.factories import StaffFactory, UserFactory

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
        assert not user.has_perm("portal.delete_auditentry")


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
