"""The photo of a programme project's update: its stored file goes with its row (also
when the project or the programme goes), once the deletion is committed."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from common.uploads import process_image
from neighbourhoods import actions
from neighbourhoods.models import ProgrammeProject, ProjectUpdate
from neighbourhoods.tests.factories import ProgrammeProjectFactory

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
