"""Signals other apps may listen to without neighbourhoods knowing them."""

from django.dispatch import Signal

# A programme was just published (``actions.publish_programme``), sent with
# ``programme=``. Publication is a queryset update, so no ``post_save`` tells it.
programme_published = Signal()
