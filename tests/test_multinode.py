"""Two machines' worth of portal on the loopback: nothing is kept on one node.

Two gunicorn nodes (each with a media folder of its own, which must stay empty) serve
the portal behind Debian's nginx (``scripts/proxy`` installs it), round robin, and share
a throwaway database on the machine's PostgreSQL, Redis (TEST_REDIS_URL: sessions, cache,
the task queue) and an S3-compatible object store (moto's server). A Celery worker runs
in a third process and sends email to an SMTP sink. nginx says which node answered each
request (``X-Portal-Node``). Then:

- a resident who signs in on one node is signed in on the other;
- a photo uploaded through one node is served by the other, from the bucket;
- a visitor's report: the worker sends the confirmation email, and the link opened on
  one node (its token moved into the session) is confirmed on the other.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
import pytest
import redis
import requests
from aiosmtpd.controller import Controller

from reports.tests.test_resident import make_image
from tests.concurrency import free_port, wait_until
from tests.loopback import (
    POSTGRES,
    ROOT,
    gunicorn,
    production_env,
    s3_client,
    s3_env,
    s3_server,
    stop,
    throwaway_database,
)
from tests.test_email_faults import Sink, Worker

pytestmark = [pytest.mark.multinode, pytest.mark.postgres]

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SETUP = """
import json
from accounts.tests.factories import UserFactory
from reports.tests.factories import loose_paving

resident = UserFactory(display_name="Fatima")
print(json.dumps({"email": resident.email, "category": loose_paving().pk}))
"""

NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 20m;
    upstream portal {{
        server 127.0.0.1:{node1};
        server 127.0.0.1:{node2};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_read_timeout 30s;
            add_header X-Portal-Node $upstream_addr always;
        }}
    }}
}}
"""


class Mailbox(Sink):
    """The SMTP sink of the email fault tests, keeping each message too."""

    def __init__(self):
        super().__init__()
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def nginx(port: int, nodes: list[str]) -> Iterator[str]:
    """Debian's nginx on the loopback, round robin over the nodes; its base URL."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run scripts/proxy (CI and make test-all do).")
    directory = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    ports = [node.rsplit(":", 1)[1] for node in nodes]
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, port=port, node1=ports[0], node2=ports[1]))
    process = subprocess.Popen(  # noqa: S603 (nginx on the loopback)
        [NGINX, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _answers(f"{base}/health/"), seconds=20), (
            directory / "error.log"
        ).read_text()
        yield base
    finally:
        stop(process)
        shutil.rmtree(directory, ignore_errors=True)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _node(response: requests.Response) -> str:
    return response.headers["X-Portal-Node"]


def _csrf(page: requests.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def _on_another_node(session: requests.Session, url: str, node: str) -> requests.Response:
    """GET until the other node answers (round robin: at once, or the next time)."""
    for _ in range(4):
        response = session.get(url, timeout=30, allow_redirects=False)
        if _node(response) != node:
            return response
    pytest.fail(f"every answer came from {node}")


@pytest.fixture
def shared_redis() -> Iterator[str]:
    """The machine's Redis database for tests, empty before and after."""
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    yield REDIS
    client.flushdb()
    client.close()


def test_two_nodes_behind_a_proxy_share_sessions_uploads_and_a_worker(shared_redis, tmp_path):
    proxy_port = free_port()
    mailbox = Mailbox()
    smtp_port = free_port()
    with ExitStack() as stack:
        name = stack.enter_context(throwaway_database("portal_multinode"))
        database = f"{POSTGRES}/{name}"
        endpoint, bucket = stack.enter_context(s3_server())
        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        stack.callback(controller.stop)
        env = production_env(
            database,
            tmp_path / "media",
            **s3_env(endpoint, bucket),
            REDIS_URL=shared_redis,
            CELERY_BROKER_URL=shared_redis,
            PORTAL_BASE_URL=f"http://127.0.0.1:{proxy_port}",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            LOG_LEVEL="WARNING",
        )
        run = {"cwd": ROOT, "check": True, "capture_output": True, "text": True, "timeout": 300}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, **run)
        world = json.loads(
            subprocess.run(  # noqa: S603 (manage.py)
                [sys.executable, "manage.py", "shell", "-v0", "-c", SETUP],
                env={**env, "DEBUG": "true"},
                **run,
            ).stdout.splitlines()[-1]
        )
        media = [tmp_path / "node1", tmp_path / "node2"]
        nodes = [
            stack.enter_context(gunicorn({**env, "MEDIA_ROOT": str(folder)}, "--workers", "1"))[0]
            for folder in media
        ]
        worker = Worker(shared_redis, smtp_port)
        worker.env.update(env)
        worker.start()
        stack.callback(worker.stop)
        base = stack.enter_context(nginx(proxy_port, nodes))

        # 1. Signed in on one node, signed in on the other.
        resident = requests.Session()
        form = resident.get(f"{base}/account/login/", timeout=30)
        signed_in = resident.post(
            f"{base}/account/login/",
            {
                "login": world["email"],
                "password": "Veilig-wachtwoord-42",
                "csrfmiddlewaretoken": _csrf(form),
            },
            timeout=30,
            allow_redirects=False,
        )
        assert signed_in.status_code == 302, signed_in.text[:1000]
        my_page = _on_another_node(resident, f"{base}/mijn/", _node(signed_in))
        assert my_page.status_code == 200
        assert "Fatima" in my_page.text

        # 2. A photo uploaded through one node is served by the other, from the bucket.
        create = f"{base}/openbare-ruimte/melden/"
        form = resident.get(create, timeout=30)
        photo = make_image()
        sent = resident.post(
            create,
            {
                "category": world["category"],
                "address": "Kerkstraat 1",
                "description": "Losse stoeptegels voor de bakker, iemand is gestruikeld.",
                "homepage": "",
                "csrfmiddlewaretoken": _csrf(form),
            },
            files={"photos": (photo.name, photo.read(), "image/jpeg")},
            timeout=30,
            allow_redirects=False,
        )
        assert sent.status_code == 302, sent.text[:1000]
        with psycopg.connect(database) as db:
            token, name_in_bucket = db.execute("SELECT token, file FROM reports_photo").fetchone()
        served = _on_another_node(resident, f"{base}/openbare-ruimte/foto/{token}/", _node(sent))
        assert served.status_code == 200
        stored = s3_client(endpoint).get_object(Bucket=bucket, Key=f"uploads/{name_in_bucket}")
        assert served.content == stored["Body"].read()

        # 3. A visitor's report: the worker sends the email; the link is opened on one
        # node and confirmed on the other.
        visitor = requests.Session()
        form = visitor.get(create, timeout=30)
        answered = visitor.post(
            create,
            {
                "category": world["category"],
                "address": "Kerkstraat 3",
                "description": "Een lantaarnpaal brandt al een week niet meer.",
                "email": "bezoeker@example.nl",
                "homepage": "",
                "csrfmiddlewaretoken": _csrf(form),
            },
            timeout=30,
        )
        assert answered.status_code == 200
        assert wait_until(lambda: mailbox.messages, seconds=60), "the worker sent no email"
        (message,) = mailbox.messages
        assert message["To"] == "bezoeker@example.nl"
        text = message.get_body(("plain",)).get_content()
        link = re.search(rf"{base}/openbare-ruimte/bevestigen/[^/\s]+/", text)
        assert link, text[:2000]
        opened = visitor.get(link.group(0), timeout=30, allow_redirects=False)
        assert opened.status_code == 303
        page = _on_another_node(visitor, f"{base}/openbare-ruimte/bevestigen/", _node(opened))
        confirmed = visitor.post(
            f"{base}/openbare-ruimte/bevestigen/",
            {"csrfmiddlewaretoken": _csrf(page)},
            timeout=30,
            allow_redirects=False,
        )
        assert confirmed.status_code in {302, 303}, confirmed.text[:1000]
        with psycopg.connect(database) as db:
            statuses = [row[0] for row in db.execute("SELECT status FROM reports_report")]
        assert len(statuses) == 2
        assert "unconfirmed" not in statuses

        # Nothing was kept on a node's own disk.
        assert not [path for folder in media for path in folder.rglob("*") if path.is_file()]
