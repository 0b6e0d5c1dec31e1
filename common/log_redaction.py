"""Secret links stay out of the logs. Some links carry their secret in the address (a
survey invitation, the "leave the panel" link, an initiative's team invitation): the
portal swaps the token for a session at the first request, but that first request's
address is still written by gunicorn's access log and, for an error status, by Django's
request log. Both go through ``redact``: gunicorn through ``gunicorn.conf.py``'s logger,
Django's loggers through the ``RedactSecrets`` filter on the console handler
(``LOGGING`` in settings)."""

import logging
import re

# The path segment after these is a secret token.
SECRET_PATH = re.compile(r"(/(?:uitnodiging|verlaten)/)[^/?#\s\"']+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """The text with every secret path segment replaced."""
    return SECRET_PATH.sub(rf"\1{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """A logging filter that redacts secret path segments from the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
