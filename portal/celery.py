"""Celery application: tasks are auto-discovered in each app's ``tasks.py`` (work that
actions enqueue) and ``periodic.py`` (what the beat schedule runs; they call actions,
which enqueue tasks, so the two live apart).

Without a broker (the embedded default) settings make tasks run eagerly in-process;
with ``REDIS_URL`` or ``CELERY_BROKER_URL`` they go to a real worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="periodic")
