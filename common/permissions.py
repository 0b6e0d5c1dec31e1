"""Default permissions of the staff roles, granted by each app after ``migrate``."""

from django.apps.registry import Apps


def grant_permissions(apps: Apps, grants: dict[str, list[tuple[str, str]]]) -> None:
    """Give staff roles their default permissions, ``{group: [(app_label, codename)]}``.
    Only adds; what an administrator granted or took away by hand for other permissions
    stays. Called from each app's post_migrate handler (its permissions exist by then)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, permissions in grants.items():
        group, _created = group_model.objects.get_or_create(name=group_name)
        for app_label, codename in permissions:
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
