"""The photo of a programme project's update: its stored file goes with its row (also
when the project or the programme goes), once the deletion is committed; before the
programme is published only the staff who may edit the project see it, in the back
office."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from common.uploads import process_image
from neighbourhoods import actions
from neighbourhoods.models import ProgrammeProject, ProjectUpdate
from neighbourhoods.tests.factories import (
    NeighbourhoodFactory,
    ProgrammeFactory,
    ProgrammeProjectFactory,
)

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def update_with_photo(project=None) -> ProjectUpdate:
    return actions.publish_project_update(
        project=project or ProgrammeProjectFactory(),
        by=None,
        text_nl="Het plein is open.",
        progress=50,
        photo=process_image(SimpleUploadedFile("plein.jpg", _jpeg(), "image/jpeg")),
        photo_alt_nl="Het nieuwe plein",
        photo_alt_en="The new square",
    )


@pytest.mark.parametrize(
    "delete",
    [
        pytest.param(lambda update: update.delete(), id="the update"),
        pytest.param(lambda update: update.project.delete(), id="its project"),
        pytest.param(lambda update: update.project.programme.delete(), id="its programme"),
        pytest.param(
            lambda update: ProjectUpdate.objects.filter(pk=update.pk).delete(), id="a queryset"
        ),
    ],
)
def test_the_photo_is_removed_from_storage_once_the_deletion_is_committed(
    delete, django_capture_on_commit_callbacks
):
    update = update_with_photo()
    name = update.photo.name
    assert name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        delete(update)
        assert default_storage.exists(name), "not before the commit"
    assert not ProjectUpdate.objects.filter(pk=update.pk).exists()
    for callback in waiting:
        callback()
    assert not default_storage.exists(name)


def _delete_and_fail(project: ProgrammeProject) -> None:
    with transaction.atomic():
        project.delete()
        raise Boom


def test_a_rolled_back_deletion_keeps_the_photo(django_capture_on_commit_callbacks):
    update = update_with_photo()
    name = update.photo.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom):
        _delete_and_fail(update.project)
    assert ProgrammeProject.objects.filter(pk=update.project_id).exists()
    assert ProjectUpdate.objects.get(pk=update.pk).photo.name == name
    assert default_storage.exists(name)


@pytest.mark.django_db(transaction=True)
def test_with_real_transactions_the_photo_goes_at_the_commit_and_stays_on_a_rollback():
    kept, deleted = update_with_photo(), update_with_photo()
    with pytest.raises(Boom):
        _delete_and_fail(kept.project)
    assert default_storage.exists(kept.photo.name)
    with transaction.atomic():
        deleted.project.delete()
        assert default_storage.exists(deleted.photo.name), "not before the commit"
    assert not default_storage.exists(deleted.photo.name)
    assert ProjectUpdate.objects.filter(pk=kept.pk).exists()
    assert default_storage.exists(kept.photo.name)


def test_an_update_without_a_photo_is_deleted_without_touching_storage(
    django_capture_on_commit_callbacks,
):
    update = actions.publish_project_update(
        project=ProgrammeProjectFactory(), by=None, text_nl="Nieuws", progress=10
    )
    other = update_with_photo()
    with django_capture_on_commit_callbacks(execute=True):
        update.delete()
    assert default_storage.exists(other.photo.name)


def area_manager():
    user = StaffFactory()
    user.groups.add(Role.AREA_MANAGER.group())
    return user


def _preview_link(client, update: ProjectUpdate) -> str:
    """The photo's link on the project's page in the back office."""
    page = client.get(
        reverse("admin:neighbourhoods_programmeproject_change", args=[update.project_id])
    ).content.decode()
    links = [link for link in re.findall(r'href="([^"]+)"', page) if update.photo_token in link]
    assert len(links) == 1, links
    return links[0]


def _update_in_managers_area():
    """An area manager, and an update with a photo of a project in their wijk's
    programme (not published)."""
    manager = area_manager()
    project = ProgrammeProjectFactory(
        programme=ProgrammeFactory(neighbourhood=NeighbourhoodFactory(area_manager=manager))
    )
    return manager, update_with_photo(project)


def test_the_area_manager_sees_the_photo_in_the_back_office_before_publication(client):
    manager, update = _update_in_managers_area()
    sign_in_staff(client, manager)
    response = client.get(_preview_link(client, update))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == update.photo.read()
    # Never kept by a shared cache: the public may not see it yet.
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # The public address stays closed until the programme is published.
    assert client.get(update.photo_url()).status_code == 404


def test_before_publication_the_photo_is_closed_to_the_public_and_other_areas(client):
    manager, update = _update_in_managers_area()
    sign_in_staff(client, manager)
    preview = _preview_link(client, update)
    client.logout()
    # Anonymous: the back office's sign-in; the public address: nothing.
    response = client.get(preview)
    assert response.status_code == 302
    assert "image" not in response.get("Content-Type", "")
    assert client.get(update.photo_url()).status_code == 404
    # A resident.
    client.force_login(UserFactory())
    assert client.get(preview).status_code == 302
    assert client.get(update.photo_url()).status_code == 404
    client.logout()
    # Another area's manager, and a colleague of another role.
    other = area_manager()
    NeighbourhoodFactory(area_manager=other)
    researcher = StaffFactory()
    researcher.groups.add(Role.RESEARCHER.group())
    for colleague in (other, researcher):
        sign_in_staff(client, colleague)
        assert client.get(preview).status_code in {403, 404}
        assert client.get(update.photo_url()).status_code == 404
        client.logout()
    # Published, everyone sees it at the public address.
    update.project.programme.published_at = timezone.now()
    update.project.programme.save()
    assert client.get(update.photo_url()).status_code == 200
