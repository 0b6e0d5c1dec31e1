"""gunicorn's settings for the portal, read from the working directory by default (the
Dockerfile's and docker-compose's commands run there). The access log's lines go through
``common.log_redaction.redact``: the secret in an invitation or leave link's address is
never written (docs/security.md, "Anonymous surveys: threat model")."""

import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common.log_redaction import redact


class RedactingLogger(Logger):
    """gunicorn's logger with every value of an access log line redacted (the request
    line, the path, the Referer, any header or environ value the format may name)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


logger_class = RedactingLogger
