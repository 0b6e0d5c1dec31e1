"""How the portal asks what a colleague may do in the back office."""

import logging
import time
from collections.abc import Callable
from typing import Any, cast

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.cache import cache
from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import User
from common.public_cache import CACHE_ERRORS
from common.transactions import once_after_commit

logger = logging.getLogger(__name__)

GENERATION_KEY = "permissions:generation"


class RolePermissionBackend(ModelBackend):
    """Django's permission check, asking the database once for what a person may do
    through their roles (groups) and on their own; Django asks twice. The back office
    checks permissions on every request, so with Redis the answer is cached there too,
    until any role, permission, membership or authenticator changes
    (:func:`roles_changed`)."""

    def get_all_permissions(
        self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None
    ) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        user = cast(User, user_obj)  # signed in, so an AUTH_USER_MODEL
        if not hasattr(user, "_perm_cache"):
            user._perm_cache = cached_permissions(user)
        return user._perm_cache


def _permissions_from_database(user: User) -> set[str]:
    permissions = Permission.objects.all()
    if not user.is_superuser:
        permissions = permissions.filter(Q(user=user) | Q(group__user=user))
    return {
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list(
            "content_type__app_label", "codename"
        ).order_by()
    }


def cached_permissions(user: User) -> set[str]:
    """The person's permissions (see :func:`cached_for_colleague`)."""
    return cached_for_colleague(user, "permissions", lambda: _permissions_from_database(user))


def cached_for_colleague[T](user: User, what: str, compute: Callable[[], T]) -> T:
    """What the back office asks about a colleague on every request (their permissions,
    whether they have an authenticator app): from Redis when it was computed in the
    current generation of roles, permissions and authenticators, else ``compute()``d
    (and cached). Only with Redis: a per-process cache cannot hear of a change made in
    another process."""
    seconds = settings.PORTAL_PERMISSION_CACHE_SECONDS
    if not seconds:
        return compute()
    key = f"colleague:{user.pk}:{int(user.is_superuser)}:{what}"
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, time.time_ns() // 1000, None)
            generation = cache.get(GENERATION_KEY)
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            return cast(T, cached[1])  # stored by this function, from compute()
        value = compute()
        cache.set(key, (generation, value), seconds)
        return value
    except CACHE_ERRORS:
        logger.warning("permission cache unreachable; asking the database")
        return compute()


def _new_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or evicted: nothing cached can match
        cache.set(GENERATION_KEY, time.time_ns() // 1000, None)
    except CACHE_ERRORS:
        logger.warning("permission cache unreachable; cached permissions expire by their age")


def roles_changed(sender: object, action: str | None = None, **kwargs: Any) -> None:
    """A role, a permission, who holds them or an authenticator app changed: every cached
    answer is out of date once the change is committed (not before, or a request in
    between could cache the old answer as new). For memberships, after the rows changed
    (``post_*``)."""
    if action is not None and not action.startswith("post_"):
        return
    if settings.PORTAL_PERMISSION_CACHE_SECONDS:
        once_after_commit(_new_generation)


def connect_signals() -> None:
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(roles_changed, sender=through, dispatch_uid=f"roles_{through}")
    for model in (Group, Permission, Authenticator):
        for signal in (post_save, post_delete):
            signal.connect(roles_changed, sender=model, dispatch_uid=f"roles_{signal}_{model}")
