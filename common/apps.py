from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app uses: form rendering, paging, charts, the public cache, working
    days, validators, abuse guards, and the registries through which the apps tell the
    kernel and the overview pages what they have (search, attention queues)."""

    name = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from common import abuse, public_cache  # noqa: F401 (abuse registers its checks)

        public_cache.connect_signals()
