"""The replica router's rules (common.replica); the real streaming replica is in
tests/test_read_replica.py."""

from types import SimpleNamespace

from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory

from common.replica import ReplicaRouter, reads_from_replica, replica_reads


def _model(app_label: str):
    return SimpleNamespace(_meta=SimpleNamespace(app_label=app_label))


def test_reads_go_to_the_replica_only_inside_a_marked_page_and_never_for_who_you_are():
    router = ReplicaRouter()
    content = _model("initiatives")
    assert router.db_for_read(content) == "default"
    with replica_reads():
        assert router.db_for_read(content) == "replica"
        for label in ("sessions", "auth", "accounts", "account", "mfa", "notifications"):
            assert router.db_for_read(_model(label)) == "default"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_write(content) == "default"
    assert router.db_for_read(content) == "default"
    assert router.allow_migrate("default", "initiatives")
    assert not router.allow_migrate("replica", "initiatives")


def test_without_a_replica_a_marked_page_reads_as_any_other(settings):
    assert "replica" not in settings.DATABASES
    router = ReplicaRouter()
    seen = []

    @reads_from_replica
    def page(request):
        seen.append(router.db_for_read(_model("initiatives")))
        return HttpResponse("ok")

    assert page(RequestFactory().get("/cijfers/")).status_code == 200
    assert seen == ["default"]
