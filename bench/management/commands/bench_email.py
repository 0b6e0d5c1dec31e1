"""Benchmark (not a test): 10,000 notification emails through a real Celery worker
(Redis broker) to a local SMTP sink (aiosmtpd on 127.0.0.1), each exactly once.

The residents want immediate emails; one ``notify_each`` call tells them all (as an
announcement would), and its commit starts the outbox relay: batches over one SMTP
connection each, shared by the worker's processes.

Needs the city dataset's 20,000 made-up residents (``bench_load`` or ``bench_portal``
creates them). Uses Redis database 13, never the machine's other databases.
"""

import logging
import os
import subprocess
import sys
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import User
from bench.dataset import PREFIX
from bench.management.commands.bench_load import _free_port
from notifications import service as kernel
from notifications.models import EmailFrequency, EmailState, Notification
from notifications.models import NotificationPreference as Preference
from portal.celery import app

BROKER = "redis://127.0.0.1:6379/13"


class Sink:
    """An SMTP server that only counts who got what."""

    def __init__(self):
        self.recipients: Counter = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


class Command(BaseCommand):
    help = "Send 10,000 notification emails through a real worker to a local SMTP sink."

    def add_arguments(self, parser):
        parser.add_argument("--emails", type=int, default=10_000)
        parser.add_argument("--concurrency", type=int, default=8)

    def handle(self, *args, emails, concurrency, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        users = list(User.objects.filter(email__endswith=f"@{PREFIX}.invalid")[:emails])
        if len(users) < emails:
            raise CommandError("Too few benchmark residents: run bench_load first.")
        # aiosmtpd logs every command it receives: five lines an email, in this process.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        sink = Sink()
        port = _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        worker = subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--pool",
                "prefork",
            ],
            env={
                **os.environ,
                "CELERY_BROKER_URL": BROKER,
                "REDIS_URL": BROKER,
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(port),
            },
        )
        try:
            app.conf.update(broker_url=BROKER, task_always_eager=False)
            with app.connection_for_write() as conn:
                conn.default_channel.client.flushdb()
            stamp = timezone.now().strftime("%Y%m%d%H%M%S")
            Preference.objects.filter(user__in=users, kind="announcement").delete()
            Preference.objects.bulk_create(
                Preference(user=user, kind="announcement", email=EmailFrequency.IMMEDIATELY)
                for user in users
            )
            time.sleep(3)  # the worker is up
            started = time.perf_counter()
            kernel.notify_each(
                users,
                kind="announcement",
                dedupe_key=f"bench-email:{stamp}",
                message=lambda: "Benchmark: de gemeente zegt hallo.",
            )
            queued = time.perf_counter() - started
            deadline = time.monotonic() + 300
            while sum(sink.recipients.values()) < emails and time.monotonic() < deadline:
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            time.sleep(2)  # anything sent twice would arrive now
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            controller.stop()
        delivered = sum(sink.recipients.values())
        twice = [email for email, count in sink.recipients.items() if count > 1]
        mailing = Notification.objects.filter(dedupe_key=f"bench-email:{stamp}")
        sent_state = mailing.filter(email_state=EmailState.SENT).count()
        self.stdout.write(
            f"notification emails: {delivered:,} of {emails:,} delivered to the SMTP sink in "
            f"{elapsed:.1f} s from the start of notify_each ({delivered / elapsed:.0f}/s; "
            f"creating the notifications took {queued:.1f} s of it, delivery after the "
            f"commit {elapsed - queued:.1f} s), {len(twice)} recipients got one twice, "
            f"{sent_state:,} marked sent (worker: prefork, {concurrency} processes, batches "
            f"of {settings.PORTAL_EMAIL_BATCH})"
        )
        mailing.delete()
