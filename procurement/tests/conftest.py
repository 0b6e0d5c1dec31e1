import pytest

from accounts.models import Role
from accounts.tests.factories import signed_in_colleague


@pytest.fixture
def officer(client):
    """A procurement officer (inkoper), signed in to the back office."""
    return signed_in_colleague(client, Role.PROCUREMENT_OFFICER)
