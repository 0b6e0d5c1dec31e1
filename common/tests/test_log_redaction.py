"""Secret links' tokens never reach a log line (common/log_redaction.py)."""

import io
import logging
import logging.config

from django.conf import settings

from common.log_redaction import redact

TOKEN = "3f" * 32
LEAVE = "MQ:1xYh94:8s7Rfy_sRbecblymtHHeuc7gcnLfUDOUYqYMtVNvkh8"


def test_secret_path_segments_are_redacted_and_other_paths_kept():
    line = (
        f'"GET /enquetes/uitnodiging/{TOKEN}/ HTTP/1.1" 303 '
        f'"https://portal.example/enquetes/panel/verlaten/{LEAVE}/" '
        '"GET /enquetes/panel/verlaten/ HTTP/1.1" "GET /enquetes/wijkpeiling/pagina/1/"'
    )
    redacted = redact(line)
    assert TOKEN not in redacted
    assert LEAVE not in redacted
    assert "/enquetes/uitnodiging/[redacted]/" in redacted
    assert "/enquetes/panel/verlaten/ HTTP/1.1" in redacted
    assert "/enquetes/wijkpeiling/pagina/1/" in redacted


def test_the_portals_log_handler_redacts_djangos_not_found_line():
    """The console handler of ``LOGGING`` carries the filter: Django's request log names
    the path of every 404."""
    config = {**settings.LOGGING, "root": {"handlers": ["console"], "level": "INFO"}}
    stream = io.StringIO()
    config["handlers"] = {
        "console": {**config["handlers"]["console"], "stream": stream},
    }
    logging.config.dictConfig(config)
    try:
        logging.getLogger("django.request").warning(
            "Not Found: %s", f"/enquetes/uitnodiging/{TOKEN}/"
        )
    finally:
        logging.config.dictConfig(settings.LOGGING)
    assert "Not Found: /enquetes/uitnodiging/[redacted]/" in stream.getvalue()
    assert TOKEN not in stream.getvalue()
