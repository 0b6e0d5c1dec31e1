"""Secrets that travel in a URL stay out of the portal's logs.

A supplier's calendar feed has its secret in the address (calendar apps cannot send a
header), and so do the links in emails (invitations, unsubscribing, password reset,
email verification). Django logs the path of a request that failed ("Not Found: …",
"Internal Server Error: …"); this filter, on the console handler, writes such a path
with the secret replaced by ``…``.
"""

import logging
import re

# The secret segment of each URL that carries one; the segment is replaced, the rest of
# the path (which page it was) is kept.
SECRET_PATH = re.compile(
    r"(?P<before>/(?:kalender|uitnodiging|uitschrijven|team|panel/verlaten|bestanden"
    r"|password/reset/key|confirm-email)/)(?P<secret>[^/\s?#\"']+?)(?P<after>\.ics\b|/|\s|$|\?|\")"
)


def redact(text: str) -> str:
    return SECRET_PATH.sub(lambda m: f"{m['before']}…{m['after']}", text)


class RedactSecretPaths(logging.Filter):
    """Replace the secret in a logged URL path by ``…``; the record is always kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        request = getattr(record, "request", None)
        if request is not None and SECRET_PATH.search(getattr(request, "path", "")):
            record.request = None  # Django's error reports would print its path
        return True
