"""The roles as auth groups, created after every ``migrate`` or ``flush`` where missing
(a wiped table fills itself again); existing groups are never changed."""

from django.contrib.auth.models import Group

from accounts.models import Role


def create_roles(group_model: type[Group]) -> None:
    """Create what is missing; takes the model class so a migration could pass its
    historical model."""
    for role in Role:
        group_model.objects.get_or_create(name=role.value)
