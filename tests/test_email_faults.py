"""Faults on the way from a notification to the resident's mailbox, with real parts on
loopback: a throwaway Redis of the test's own (another port, a temporary directory) that
the test stops and starts, a real Celery worker process that the test kills, and an SMTP
server (aiosmtpd) that refuses or stalls when told to. Nothing may be lost, and nobody
may get an email twice. The machine's shared Redis and PostgreSQL are never touched."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from notifications.models import EmailFrequency, EmailState, Notification, NotificationPreference
from notifications.tests.factories import NotificationFactory
from tests.concurrency import free_port, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


class ThrowawayRedis:
    """A redis-server of the test's own, without persistence, that can be stopped."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="portal-fault-redis-")
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (fixed command, loopback only)
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                self.dir,
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        assert wait_until(self._answers, 10), "throwaway Redis did not start"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Sink:
    """An SMTP server that counts accepted emails per recipient. ``refuse`` makes it
    answer 451 to that many recipients first; ``stall_first_connection`` makes it hang
    the first client's greeting (a worker then waits mid-task)."""

    def __init__(self, refuse: int = 0, stall_first_connection: bool = False):
        self.accepted: Counter = Counter()
        self.refused = 0
        self.to_refuse = refuse
        self.stall = stall_first_connection
        self.greeted = threading.Event()
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        import asyncio

        session.host_name = hostname
        if self.stall:
            self.stall = False
            self.greeted.set()
            await asyncio.sleep(60)  # the worker is killed while it waits here
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.refused < self.to_refuse:
                self.refused += 1
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.accepted.update(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def redis_server():
    redis = ThrowawayRedis()
    redis.start()
    yield redis
    redis.remove()


@pytest.fixture
def queue(redis_server):
    """The portal's tasks go through the throwaway Redis (a Celery app made current)."""
    app = Celery("portal-fault-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_server.url,
        task_always_eager=False,
        broker_connection_retry_on_startup=False,
        broker_transport_options={"max_retries": 1},
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    app.set_current()
    yield app
    from portal.celery import app as portal_app

    portal_app.set_current()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A real `celery worker` process on the test's database and Redis."""

    def __init__(self, broker: str, smtp_port: int):
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker,
            "REDIS_URL": broker,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "120",
            "PORTAL_EMAIL_CLAIM_LEASE_SECONDS": "2",
            "PORTAL_EMAIL_RETRY_BACKOFF_SECONDS": "1",
        }
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def smtp():
    controllers = []

    def serve(sink: Sink) -> int:
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return port

    yield serve
    for controller in controllers:
        controller.stop()


@pytest.fixture
def workers():
    started = []

    def make(broker: str, smtp_port: int) -> Worker:
        worker = Worker(broker, smtp_port)
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.stop()


def _wants_email_at_once(user) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, kind="initiative_comment", defaults={"email": EmailFrequency.IMMEDIATELY}
    )


def test_redis_down_while_a_resident_comments_loses_no_email_and_sends_none_twice(
    client, queue, redis_server, smtp, workers
):
    """The comment is saved and confirmed while the queue is down; its notification
    waits in the outbox and reaches the initiator once Redis is back."""
    initiator = UserFactory()
    _wants_email_at_once(initiator)
    initiative = InitiativeFactory(status=Status.SUBMITTED, initiator=initiator)
    commenter = UserFactory()
    client.force_login(commenter)
    redis_server.stop()

    response = client.post(
        reverse("initiatives:comment", args=[initiative.pk]),
        {"text": "Goed plan, ik help mee met de bankjes."},
        follow=True,
    )
    assert response.status_code == 200
    assert initiative.comments.filter(author=commenter).exists()
    waiting = Notification.objects.get(recipient=initiator)
    assert waiting.email_state == EmailState.PENDING

    redis_server.start()
    sink = Sink()
    worker = workers(redis_server.url, smtp(sink))
    worker.start()
    from notifications.tasks import relay_outbox

    relay_outbox.delay()  # what Celery beat does every minute
    assert wait_until(lambda: sink.accepted[initiator.email] >= 1)
    time.sleep(1.5)  # room for a wrong second email
    assert sink.accepted == Counter({initiator.email: 1})
    waiting.refresh_from_db()
    assert waiting.email_state == EmailState.SENT


def test_a_worker_killed_mid_task_leaves_the_email_to_be_sent_exactly_once(
    queue, redis_server, smtp, workers
):
    """SIGKILL while the worker talks to the mail server: its claimed batch is released
    after the lease and sent by the next worker, once."""
    people = UserFactory.create_batch(3)
    for person in people:
        NotificationFactory(recipient=person, email_state=EmailState.PENDING)
    sink = Sink(stall_first_connection=True)
    port = smtp(sink)
    first = workers(redis_server.url, port)
    first.start()
    from notifications.tasks import relay_outbox, send_pending_emails

    send_pending_emails.delay()
    assert sink.greeted.wait(30), "the worker never reached the mail server"
    assert wait_until(
        lambda: Notification.objects.filter(email_state=EmailState.SENDING).count() == 3
    )
    first.kill()
    assert sum(sink.accepted.values()) == 0

    second = workers(redis_server.url, port)
    second.start()
    time.sleep(2.5)  # the lease (2 s in this test) runs out
    relay_outbox.delay()
    assert wait_until(lambda: sum(sink.accepted.values()) >= 3)
    time.sleep(1.5)
    assert sink.accepted == Counter({person.email: 1 for person in people})
    assert not Notification.objects.exclude(email_state=EmailState.SENT).exists()


def test_a_mail_server_refusing_for_a_while_gets_every_email_once_it_accepts(
    queue, redis_server, smtp, workers
):
    people = UserFactory.create_batch(2)
    for person in people:
        NotificationFactory(recipient=person, email_state=EmailState.PENDING)
    sink = Sink(refuse=3)
    worker = workers(redis_server.url, smtp(sink))
    worker.start()
    from notifications.tasks import send_pending_emails

    send_pending_emails.delay()
    assert wait_until(lambda: sum(sink.accepted.values()) >= 2, seconds=60)
    time.sleep(1.5)
    assert sink.refused == 3  # retried with backoff until the server accepted
    assert sink.accepted == Counter({person.email: 1 for person in people})
    assert not Notification.objects.exclude(email_state=EmailState.SENT).exists()
