from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.demo import DEMO_PASSWORD, DemoContext
from common.discovery import app_modules

# Each app that has demo data seeds it from its own ``demo.py`` (``seed(demo)``), in the
# order of INSTALLED_APPS: later apps may use what earlier ones created.
DEMO_MODULE = "demo"


class Command(BaseCommand):
    help = "Create (or complete) the demo municipality Eemdal. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (never on a real municipality's database).",
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, allow_production: bool, quiet_logins: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo accounts with DEBUG off. "
                "Pass --allow-production only for a demo or test environment."
            )
        demo = DemoContext()
        # Demo people live at example domains: their emails are dropped, not printed.
        dropped = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        with override_settings(MAILERS=dropped), transaction.atomic():
            for module in app_modules(DEMO_MODULE):
                module.seed(demo)
        self.stdout.write(self.style.SUCCESS("Demo municipality Eemdal is ready."))
        if quiet_logins:
            return
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in demo.logins:
            line = f"  {login.email:<34} {login.role}"
            if login.totp_secret:
                line += (
                    f"\n      TOTP secret {login.totp_secret}  recovery code {login.recovery_code}"
                )
            self.stdout.write(line)
        self.stdout.write(
            "\nStaff sign in at /account/login/ and confirm with a code from an authenticator "
            "app set up with the TOTP secret above (or use the recovery code once)."
        )
