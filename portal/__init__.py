"""The portal project package and shared kernel (users, notifications, home)."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
