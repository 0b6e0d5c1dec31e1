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


def test_an_object_stores_signed_address_loses_its_signature_key_and_token():
    v4 = (
        "https://s3.example.nl/portal/uploads/reports/foto.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAEXAMPLE%2F20261203%2Feu%2Fs3%2Faws4_request&X-Amz-Date=20261203T1"
        "&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Security-Token=sessie"
        "&X-Amz-Signature=abc123def"
    )
    v2 = "http://minio:9000/portal/a.pdf?AWSAccessKeyId=AKIAEXAMPLE&Signature=xyz%3D&Expires=1"
    redacted = redact(f'"GET {v4} HTTP/1.1" {v2}')
    for secret in ("AKIAEXAMPLE", "abc123def", "sessie", "xyz%3D"):
        assert secret not in redacted
    assert "X-Amz-Signature=[redacted]" in redacted
    assert "/portal/uploads/reports/foto.jpg?" in redacted  # which file stays readable
    assert "X-Amz-Expires=60" in redacted


def test_an_openid_connect_brokers_code_and_state_are_redacted():
    """Back from the DigiD broker, the address carries the authorisation code and state."""
    code, state = "SplxlOBeZQQYbYS6WxSbIA", "af0ifjsldkj"
    line = (
        f'"GET /mijn/woonplaats/digid/terug/?code={code}&state={state}&iss=x HTTP/1.1" 302 '
        '"GET /open311/v2/requests.json?service_code=stoep&status=open HTTP/1.1"'
    )
    redacted = redact(line)
    assert code not in redacted
    assert state not in redacted
    assert "/mijn/woonplaats/digid/terug/?code=[redacted]&state=[redacted]&iss=x" in redacted
    assert "service_code=stoep&status=open" in redacted
