"""Secret links stay out of the logs. Some links carry their secret in the address: a
survey invitation and the "leave the panel" link (handed to the session at the first
request), an initiative's team invitation and attachment, a supplier's team invitation
and personal calendar feed (calendar apps cannot send a header), one-click unsubscribe,
email confirmation and password reset; an OpenID Connect broker's answer (DigiD) carries
its authorisation code and state in the query. The first request's address is still
written by gunicorn's access log and, for an error status, by Django's request log.
Both go through ``redact``: gunicorn through ``gunicorn.conf.py``'s logger, Django's
loggers through the ``RedactSecrets`` filter on the console handler (``LOGGING`` in
settings). Which page it was stays readable; only the secret segment becomes
``[redacted]``. The same goes for an address signed by the object store (uploads on S3):
its signature, access key and token."""

import logging
import re

# The path segment after one of these is a secret token (a calendar token ends in .ics).
SECRET_PATH = re.compile(
    r"(/(?:uitnodiging|verlaten|kalender|uitschrijven|team|bestanden"
    r"|password/reset/key|confirm-email|bevestigen|tevredenheid)/)[^/?#\s\"']+?(?=\.ics\b|[/?#\s\"']|$)"
)
# An address signed by the object store (S3 and compatible): its signature, the access
# key it names and a session token are as good as a password until it expires.
SIGNED_QUERY = re.compile(
    r"((?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|AWSAccessKeyId)=)"
    r"[^&#\s\"']+",
    re.IGNORECASE,
)
# An OpenID Connect broker's answer (DigiD, neighbourhoods.digid) comes back with the
# authorisation code and state in the query; a token never should, but is redacted too.
OIDC_QUERY = re.compile(
    r"((?<=[?&])(?:code|state|session_state|id_token|access_token)=)[^&#\s\"']+"
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """The text with every secret path segment and object-store signature replaced."""
    text = SECRET_PATH.sub(rf"\1{REDACTED}", text)
    return OIDC_QUERY.sub(rf"\1{REDACTED}", SIGNED_QUERY.sub(rf"\1{REDACTED}", text))


class RedactSecrets(logging.Filter):
    """A logging filter that redacts secret path segments from the message; the record
    is always kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        request = getattr(record, "request", None)
        if request is not None and (
            SECRET_PATH.search(getattr(request, "path", ""))
            or OIDC_QUERY.search("?" + getattr(request, "META", {}).get("QUERY_STRING", ""))
        ):
            record.request = None  # Django's error reports would print its path and query
        return True
