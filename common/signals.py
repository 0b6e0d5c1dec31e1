"""Moments one app announces and another acts on, without importing each other.

``taking_part_ended`` is sent when people's part in something is over: an initiative
they started, supported or discussed was decided (``moment="initiative_decided"``), a
phase of a participation process they followed closed (``"phase_closed"``), or the
municipality published what it did with their input (``"feedback_published"``). The
surveys app answers by asking them how it went (``surveys.evaluations``). Arguments:
``moment``, ``people`` (users) and ``about`` (the title the email names)."""

from django.dispatch import Signal

taking_part_ended = Signal()

INITIATIVE_DECIDED = "initiative_decided"
PHASE_CLOSED = "phase_closed"
FEEDBACK_PUBLISHED = "feedback_published"
MOMENTS = (INITIATIVE_DECIDED, PHASE_CLOSED, FEEDBACK_PUBLISHED)
