"""Settings of the participation portal.

Everything comes from environment variables (documented in `.env.example`). With no
variables at all the portal runs embedded: SQLite, tasks in-process, email to the
console. Bad values fail loudly at start-up instead of being silently ignored.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset and empty both mean the default."""
    return (os.environ.get(name) or default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
else:
    # Only for a developer's own machine: never valid with DEBUG off (checked above).
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the portal, used for links in emails (no trailing slash).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_MUNICIPALITY_NAME = env_str("PORTAL_MUNICIPALITY_NAME", "Gemeente Eemdal")
PORTAL_ADMIN_PATH = env_str("PORTAL_ADMIN_PATH", "beheer").strip("/")
# Map tiles for Leaflet; default the Dutch government's base map (PDOK BRT-Achtergrondkaart).
PORTAL_MAP_TILE_URL = env_str(
    "PORTAL_MAP_TILE_URL",
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
)
# The credit under every map; empty: "Map data © Kadaster (PDOK)" in the reader's language
# (common.context_processors). Set it with other tiles.
PORTAL_MAP_ATTRIBUTION = env_str("PORTAL_MAP_ATTRIBUTION", "")
# Where maps open: "latitude,longitude", the middle of the municipality.
try:
    PORTAL_MAP_CENTER = [float(p) for p in env_list("PORTAL_MAP_CENTER", "52.1561,5.3878")]
except ValueError:
    PORTAL_MAP_CENTER = []
if len(PORTAL_MAP_CENTER) != 2:
    raise ImproperlyConfigured("PORTAL_MAP_CENTER must be 'latitude,longitude' in degrees.")
if not PORTAL_ADMIN_PATH:
    raise ImproperlyConfigured("PORTAL_ADMIN_PATH must not be empty.")

INSTALLED_APPS = [
    "accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The kernel: what every app builds on.
    "common",
    "accounts",
    "notifications",
    "privacy",
    # The shared geography, then the domain apps.
    "neighbourhoods",
    "initiatives",
    "surveys",
    "procurement",
    "reports",
    "budgets",
    "participation",
    # The inner city's data: partners' series beside the portal's own.
    "citydata",
    "community",
    # Near me: saved areas and what is new in them (reads the domain apps).
    "radar",
    # The pages that read every app.
    "overview",
    "mood",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "common.middleware.RefuseNullCharactersMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.portal",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the embedded default: one writer at a time, so wait instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
# PostgreSQL: parameters bound by the server, so psycopg can prepare a statement once a
# connection has run it five times (its own cache of the last 100 per connection). From
# then on PostgreSQL may plan it once (a generic plan, taken only where it is estimated to
# cost no more than planning for each set of values), and an initiative's page costs it a
# third of the time it did (docs/benchmarks.md, "Prepared reads and statements"). Off
# (PORTAL_DATABASE_PREPARED_STATEMENTS=false) behind a pooler that hands one session's
# statements to another (PgBouncer in transaction mode without max_prepared_statements).
USE_PREPARED_STATEMENTS = env_bool("PORTAL_DATABASE_PREPARED_STATEMENTS", True)


def _prepare_statements(database: dj_database_url.DBConfig) -> None:
    """Turn on server-side binding and psycopg's prepared statements for a PostgreSQL
    database (unless PORTAL_DATABASE_PREPARED_STATEMENTS is false)."""
    if USE_PREPARED_STATEMENTS and database["ENGINE"].endswith(("postgresql", "postgis")):
        options = database.setdefault("OPTIONS", {})
        options.update(server_side_binding=True, prepare_threshold=5)


_prepare_statements(DATABASES["default"])
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
# A PostgreSQL streaming replica (hot standby) of DATABASE_URL: the heavy read-only pages
# (city dashboard, neighbourhood monitor, open data) read from it (common.replica);
# writes, sign-in and every other page stay on the primary.
DATABASE_REPLICA_URL = env_str("PORTAL_DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    try:
        DATABASES["replica"] = dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            f"PORTAL_DATABASE_REPLICA_URL is not a database address: {error}"
        ) from None
    _prepare_statements(DATABASES["replica"])
    # Tests read "the replica" from their own test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]

AUTH_USER_MODEL = "accounts.User"

# Covering indexes (INCLUDE) exist on PostgreSQL, where the city's data lives; SQLite, for
# development only, builds the same index without the extra column.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.redis_cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
    # Signed-in requests read their session from Redis; the database stays the record.
    SESSION_ENGINE = "accounts.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- DigiD through an OpenID Connect broker (neighbourhoods.digid) -----------
# Not a way to sign in: a signed-in resident shows where they live. The broker (for
# example Keycloak in front of DigiD) releases a claim with the CBS code of the wijk of
# the person's registered address, or their postcode; the portal keeps only the derived
# neighbourhood and the date (``Residence``), never the BSN or a token. Empty issuer:
# no DigiD button. mozilla-django-oidc's settings (OIDC_*) are set from these.
PORTAL_DIGID_OIDC_ISSUER = env_str("PORTAL_DIGID_OIDC_ISSUER")
OIDC_RP_CLIENT_ID = env_str("PORTAL_DIGID_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("PORTAL_DIGID_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("PORTAL_DIGID_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("PORTAL_DIGID_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("PORTAL_DIGID_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("PORTAL_DIGID_OIDC_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("PORTAL_DIGID_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("PORTAL_DIGID_OIDC_SCOPES", "openid")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "verification:digid_callback"
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
# The claims the broker releases: the wijk's CBS code (WK…) or else the postcode.
PORTAL_DIGID_NEIGHBOURHOOD_CLAIM = env_str("PORTAL_DIGID_NEIGHBOURHOOD_CLAIM", "wijkcode")
PORTAL_DIGID_POSTCODE_CLAIM = env_str("PORTAL_DIGID_POSTCODE_CLAIM", "postcode")
# The key of the keyed hashes (HMAC-SHA256) of verification: the DigiD pseudonym (one
# person, one residence) and the letter codes. Kept out of the database; changing it
# voids issued letter codes and lets a person show residence once more.
PORTAL_VERIFICATION_KEY = env_str("PORTAL_VERIFICATION_KEY")
if DEBUG and not PORTAL_VERIFICATION_KEY:
    PORTAL_VERIFICATION_KEY = "development-only-verification-key-do-not-use-in-production"

# --- Accounts (django-allauth) ---------------------------------------------

AUTHENTICATION_BACKENDS = [
    "accounts.backends.RolePermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id as OWASP advises (accounts.hashers); PBKDF2 hashes are read and rehashed at
# sign-in, and a failed check costs both kinds' work whatever the account.
PASSWORD_HASHERS = [
    "accounts.hashers.PortalArgon2PasswordHasher",
    "accounts.hashers.PortalPBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "common.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Signed in at once when the link is opened in the browser that signed up (allauth only
# does so then: a leaked link signs nobody in); elsewhere the sign-in page says so.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PORTAL_MUNICIPALITY_NAME}] "
# Links in allauth emails use the scheme of the portal's public address.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = PORTAL_BASE_URL.split("://", 1)[0]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# A sign-up for an address that has an account costs a password hash too (issue 21).
ACCOUNT_FORMS = {"signup": "accounts.forms.PortalSignupForm"}
# allauth's rate limits stay at their defaults (login failures, sign-up, password
# reset, email confirmation, ...); only the authenticator code after the password is
# counted per account and address instead of per account (accounts.forms, issue 21):
# a few wrong codes a minute from one address, and a ceiling for the account over all
# addresses together.
ACCOUNT_RATE_LIMITS = {"mfa_code": "5/m/key", "mfa_code_account": "100/h/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {"authenticate": "accounts.forms.StaffAuthenticateForm"}

# --- Abuse guards (portal/abuse.py) -------------------------------------------

# How often one person (or one address, for visitors) may do each action: "count/period"
# with period s, m, h or d. Generous for people, tight for scripts.
PORTAL_RATE_LIMITS = {
    "initiative_write": "20/h",  # creating and editing initiatives (drafts included)
    "initiative_submit": "5/h",
    "support": "30/m",
    "comment": "10/m",
    "report": "10/h",
    "agenda_propose": "10/h",
    "agenda_vote": "30/m",
    "letter_code": "10/h",  # entering the code from the letter (a wrong one counts too)
    "digid": "10/h",  # going to the DigiD broker to show residence
    "survey_answer": "60/m",  # each page of a survey counts
    "panel_join": "10/h",
    "supplier_register": "10/h",
    "council_question": "5/h",
    "team_apply": "10/h",
    "event_rsvp": "20/m",
    "public_space_report": "10/h",  # reports about the public space (meldingen)
    "public_space_support": "30/h",  # "I saw this too"
    "public_space_question": "10/h",  # questions to the municipality (webcare)
    "open311_request": "120/h",  # reports sent by apps through Open311 (per address)
    "open311_client": "600/h",  # the same, per app (api_key), from whatever address
    "partner_api": "120/h",  # partners' observations through the API (per address)
    "partner_token": "600/h",  # the same, per partner's API token, from whatever address
    "partner_upload": "30/h",  # partners' CSV uploads
    "community_message": "20/h",  # messages between residents (offers, calls, ambassadors)
    "community_post": "20/h",  # offers, requests and joining networks
    "budget_plan": "10/h",  # plans for the neighbourhood budget
    "budget_ballot": "60/h",  # casting, changing and recounting a ballot (buurtbudget)
}
# django_ratelimit is not an installed app: its cache checks predate Django's own
# RedisCache (atomic INCRBY) and call the embedded portal's one-process memory cache
# broken; common.abuse has a deploy check that warns when production runs without Redis.
RATELIMIT_VIEW = "common.abuse.too_many_requests"
# Behind a reverse proxy, the header that carries the visitor's address as Django sees
# it (for example HTTP_X_REAL_IP); the proxy must set it, never pass a client's own.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "REMOTE_ADDR")
RATELIMIT_IP_META_KEY = CLIENT_IP_HEADER
if CLIENT_IP_HEADER != "REMOTE_ADDR":
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = CLIENT_IP_HEADER.removeprefix("HTTP_").replace("_", "-")
MFA_TOTP_ISSUER = PORTAL_MUNICIPALITY_NAME

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day-first with a 24-hour clock (portal/formats/en), Dutch as Django has it.
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Surveys ----------------------------------------------------------------

# Breakdowns hide groups with fewer answers than this (privacy and reliability).
SURVEY_MIN_GROUP_SIZE = env_int("SURVEY_MIN_GROUP_SIZE", 10)
# An anonymous survey's answers wait sealed until at least this many can be released
# together in a shuffled batch (or the survey closes); see docs/security.md.
SURVEY_RELEASE_BATCH_MINIMUM = env_int("SURVEY_RELEASE_BATCH_MINIMUM", 5, minimum=2)

# Only for `make bench`: installs the benchmarks (bench/: the dataset builder, the bench_*
# commands) and serves their baseline page (the base layout, no queries) at /_bench/.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)
if BENCHMARK_VIEWS:
    INSTALLED_APPS.append("bench")

# How old the city dashboard's figures may be (seconds); 0 computes them on every visit.
PORTAL_DASHBOARD_CACHE_SECONDS = env_int("PORTAL_DASHBOARD_CACHE_SECONDS", 600)

# How long public pages are cached for visitors who are not signed in (common.public_cache;
# any change to public content renews them at once, this bounds clock-driven changes).
# Only with Redis: a per-process cache cannot tell other processes what changed.
PORTAL_VISITOR_CACHE_SECONDS = env_int("PORTAL_VISITOR_CACHE_SECONDS", 60 if REDIS_URL else 0)

# How long a colleague's permissions (and whether they have an authenticator app) are
# cached in Redis (accounts.backends; any change to roles, permissions or authenticators renews
# them at once). Only with Redis, as above.
PORTAL_PERMISSION_CACHE_SECONDS = env_int(
    "PORTAL_PERMISSION_CACHE_SECONDS", 3600 if REDIS_URL else 0
)

# Public-space reports: the "is it solved?" link in the email after a report closed works
# this many days; an unhappy reporter (answer "no") may reopen the report within this many
# days after it closed, when its category allows reopening.
# The neighbourhood (slug) whose figures the inner-city dashboard (/binnenstad/) shows
# beside the partners' series.
PORTAL_INNER_CITY_NEIGHBOURHOOD = env_str("PORTAL_INNER_CITY_NEIGHBOURHOOD", "binnenstad")
PORTAL_REPORT_FEEDBACK_DAYS = env_int("PORTAL_REPORT_FEEDBACK_DAYS", 14, minimum=1)
PORTAL_REPORT_REOPEN_DAYS = env_int("PORTAL_REPORT_REOPEN_DAYS", 14, minimum=0)
# The figures of reports (lead times, satisfaction) and "You said, we did" hide groups
# with fewer reports or answers than this, like the survey's breakdowns.
PORTAL_REPORT_FIGURES_MIN_GROUP = env_int(
    "PORTAL_REPORT_FIGURES_MIN_GROUP", SURVEY_MIN_GROUP_SIZE, minimum=1
)

# How long after the answer a visitor's email address stays with their question.
PORTAL_QUESTION_RETENTION_DAYS = env_int("PORTAL_QUESTION_RETENTION_DAYS", 90, minimum=15)

# How long residents' conversations (community: messages about offers, calls and
# ambassadors) are kept after their last message; ended offers and requests go as long
# after their end date (community.periodic.apply_retention, daily).
PORTAL_CONVERSATION_RETENTION_DAYS = env_int("PORTAL_CONVERSATION_RETENTION_DAYS", 365, minimum=30)

# How long the buurtradar keeps what it told a saved area (emailed or settled rows of
# radar.Delivery; radar.periodic.prune_deliveries, daily).
RADAR_DELIVERY_RETENTION_DAYS = env_int("RADAR_DELIVERY_RETENTION_DAYS", 90, minimum=7)

# Retention: accounts unused this many days are warned, and erased this many days later
# unless they sign in (privacy.tasks.apply_retention, daily).
PORTAL_RETENTION_INACTIVE_DAYS = env_int("PORTAL_RETENTION_INACTIVE_DAYS", 730)
PORTAL_RETENTION_GRACE_DAYS = env_int("PORTAL_RETENTION_GRACE_DAYS", 30)
# A panel member gets at most this many invitations per calendar year.
PANEL_INVITATIONS_PER_YEAR = env_int("PANEL_INVITATIONS_PER_YEAR", 4)

# --- Procurement ------------------------------------------------------------


# Postcode ranges that count as "local" for suppliers, e.g. "3800-3829,3840-3849".
def _postcode_ranges(value: str) -> list[tuple[int, int]]:
    ranges = []
    for part in env_list("PROCUREMENT_LOCAL_POSTCODES", value):
        low, _sep, high = part.partition("-")
        try:
            ranges.append((int(low), int(high or low)))
        except ValueError:
            raise ImproperlyConfigured(
                f"PROCUREMENT_LOCAL_POSTCODES: {part!r} is not a postcode range like 3800-3829."
            ) from None
    return ranges


PROCUREMENT_LOCAL_POSTCODES = _postcode_ranges("3800-3829")
# The OCDS prefix (ocid) the municipality registered with the Open Contracting Partnership.
OCDS_PREFIX = env_str("OCDS_PREFIX", "ocds-eemdal")
# The buyer's identifier in the OCDS feed, preferably a registered one such as the
# municipality's OIN (NL-OIN-…); by default one made from the municipality's name, so a
# portal that only sets its name does not publish another municipality's identifier.
OCDS_BUYER_ID = env_str("OCDS_BUYER_ID", "NL-" + slugify(PORTAL_MUNICIPALITY_NAME).upper())
# Procurement officers handle only the contracts of their own departments.
PROCUREMENT_LIMIT_TO_DEPARTMENTS = env_bool("PROCUREMENT_LIMIT_TO_DEPARTMENTS", False)
# Days before a contract's end date, and before an option's decision date, that its
# contract manager is reminded.
PROCUREMENT_CONTRACT_END_WARNING_DAYS = env_int("PROCUREMENT_CONTRACT_END_WARNING_DAYS", 90)
PROCUREMENT_OPTION_WARNING_DAYS = env_int("PROCUREMENT_OPTION_WARNING_DAYS", 30)


def _kpi_threshold(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"PROCUREMENT_KPI_THRESHOLD must be a score such as 5.5, not {raw!r}."
        ) from None
    if not 1 <= value <= 10:
        raise ImproperlyConfigured(f"PROCUREMENT_KPI_THRESHOLD must be 1 to 10, not {raw!r}.")
    return value


# Supplier performance: a supplier whose mean KPI score (1-10) over its last
# PROCUREMENT_KPI_CHECKPOINTS checkpoints is below PROCUREMENT_KPI_THRESHOLD goes to the
# end of a private procedure's suggested shortlist, flagged in its reason; a checkpoint
# below it is a "notMet" reporting milestone in OCDS.
PROCUREMENT_KPI_THRESHOLD = _kpi_threshold(env_str("PROCUREMENT_KPI_THRESHOLD", "5.5"))
PROCUREMENT_KPI_CHECKPOINTS = env_int("PROCUREMENT_KPI_CHECKPOINTS", 3, minimum=1)

# --- Static files -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# NL Design System CSS comes from npm (package.json) into node_modules/, which is not in
# git; collectstatic copies the few files we serve, so nothing loads from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", BASE_DIR / "node_modules/leaflet/dist"),
    ("nlds/utrecht", BASE_DIR / "node_modules/@utrecht/component-library-css/dist"),
    (
        "nlds/voorbeeld",
        BASE_DIR / "node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist",
    ),
]


def object_storage() -> dict:
    """Uploaded files in an S3-compatible bucket (django-storages), from PORTAL_S3_*.

    Every object is private: no ACL is sent, so the bucket's own (private) applies, and
    no public or custom-domain address is ever made. Files reach people only through
    the portal's views, which check who may see them; an address signed by the storage
    (nothing hands one out today) would expire after PORTAL_S3_SIGNED_URL_SECONDS, and
    its signature is redacted from logs (common.log_redaction)."""
    endpoint = env_str("PORTAL_S3_ENDPOINT_URL")
    options = {
        "bucket_name": env_str("PORTAL_S3_BUCKET"),
        "location": env_str("PORTAL_S3_PREFIX").strip("/"),
        "endpoint_url": endpoint or None,
        "region_name": env_str("PORTAL_S3_REGION") or None,
        # Empty: boto3's own chain (the AWS_* variables, an instance or pod role).
        "access_key": env_str("PORTAL_S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("PORTAL_S3_SECRET_ACCESS_KEY") or None,
        "default_acl": None,
        "querystring_auth": True,
        "signature_version": "s3v4",
        "querystring_expire": env_int("PORTAL_S3_SIGNED_URL_SECONDS", 60, minimum=1),
        # Like the local disk: a second file of the same name gets a name of its own.
        "file_overwrite": False,
        # MinIO and most other S3-compatible servers serve buckets under the path.
        "addressing_style": "path" if endpoint else None,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    # Uploads on the local disk (MEDIA_ROOT) by default; with PORTAL_S3_BUCKET in an
    # S3-compatible object store that every node shares.
    "default": (
        object_storage()
        if env_str("PORTAL_S3_BUCKET")
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Files a browser asks for at the site's root, whatever the page links: favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "webroot"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# --- Email ------------------------------------------------------------------

_EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_EMAIL_OPTIONS = {}
if _EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    _EMAIL_OPTIONS = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1),
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
# The sender a resident sees names the municipality: "Gemeente Eemdal <noreply@…>".
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", f"{PORTAL_MUNICIPALITY_NAME} <noreply@example.nl>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work (Celery) ----------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Without a broker (the embedded default) tasks run in-process, right after the commit
# that enqueued them, so the portal works on a bare machine.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
# Immediate emails leave the outbox in batches over one mail-server connection; a claim
# older than the lease (longer than any task may run) belongs to a worker that died.
PORTAL_EMAIL_BATCH = env_int("PORTAL_EMAIL_BATCH", 100)
PORTAL_EMAIL_CLAIM_LEASE_SECONDS = env_int("PORTAL_EMAIL_CLAIM_LEASE_SECONDS", 600)
# While the mail server refuses, retries wait this long, doubling each time (at most 1 h).
PORTAL_EMAIL_RETRY_BACKOFF_SECONDS = env_int("PORTAL_EMAIL_RETRY_BACKOFF_SECONDS", 30)

CELERY_BEAT_SCHEDULE = {
    "relay-email-outbox": {
        "task": "notifications.tasks.relay_outbox",
        "schedule": crontab(minute="*"),
    },
    "send-daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    "remind-about-initiative-deadlines": {
        "task": "initiatives.periodic.remind_about_deadlines",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    "remind-event-attendees": {
        "task": "neighbourhoods.periodic.remind_event_attendees",
        "schedule": crontab(hour=9, minute=0),
    },
    "send-survey-reminders": {
        "task": "surveys.periodic.send_due_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    "release-survey-responses": {
        "task": "surveys.periodic.release_responses",
        "schedule": crontab(minute="*/30"),
    },
    "ask-about-closed-phases": {
        "task": "participation.periodic.ask_about_closed_phases",
        "schedule": crontab(hour=9, minute=30),
    },
    "close-due-surveys": {
        "task": "surveys.periodic.close_due_surveys",
        "schedule": crontab(minute="*/15"),
    },
    "remind-expiring-certificates": {
        "task": "procurement.periodic.remind_expiring_certificates",
        "schedule": crontab(hour=8, minute=0),
    },
    "remind-contract-deadlines": {
        "task": "procurement.periodic.remind_contract_deadlines",
        "schedule": crontab(hour=8, minute=15),
    },
    "apply-question-retention": {
        "task": "reports.periodic.apply_question_retention",
        "schedule": crontab(hour=3, minute=40),
    },
    "apply-conversation-retention": {
        "task": "community.periodic.apply_retention",
        "schedule": crontab(hour=3, minute=45),
    },
    # The wijkradar's overviews of saved areas emailed once a day or once a week.
    "send-radar-daily-overviews": {
        "task": "radar.periodic.send_daily_overviews",
        "schedule": crontab(hour=7, minute=20),
    },
    "send-radar-weekly-overviews": {
        "task": "radar.periodic.send_weekly_overviews",
        "schedule": crontab(hour=7, minute=25, day_of_week="mon"),
    },
    # Items found while the task queue was unreachable, told when it is back.
    "deliver-missed-radar-items": {
        "task": "radar.periodic.deliver_missed",
        "schedule": crontab(minute="*/5"),
    },
    "prune-radar-deliveries": {
        "task": "radar.periodic.prune_deliveries",
        "schedule": crontab(hour=3, minute=50),
    },
    # The neighbourhood budget's results, counted once voting has closed.
    "budget-results": {
        "task": "budgets.periodic.compute_due_results",
        "schedule": crontab(minute="*/5"),
    },
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "summarise-moderation-queue": {
        "task": "initiatives.periodic.summarise_moderation_queue",
        "schedule": crontab(hour=7, minute=15),
    },
    # Analyses of the mood of the city whose worker died or hit the hard time limit.
    "fail-stuck-mood-runs": {
        "task": "mood.periodic.fail_stuck_runs",
        "schedule": crontab(minute="*/15"),
    },
    # The figures pages' default selections, in every language, before anyone asks
    # (common.figures); a run at city scale takes well under a minute.
    "refresh-default-figures": {
        "task": "common.periodic.refresh_default_figures",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
    },
}

# --- Security headers -------------------------------------------------------

# Whether the portal is served over HTTPS only (HSTS, secure cookies, redirect).
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _origin(url: str) -> str:
    scheme, _sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", _origin(PORTAL_MAP_TILE_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Logging ----------------------------------------------------------------

# Personal data is never logged: no request bodies, no email addresses in messages.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No secret link's token in a log line (common/log_redaction.py).
    "filters": {"redact": {"()": "common.log_redaction.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Every form renders through one accessible template set (label, hint, error beside the
# field, error summary at the top) with NL Design System classes.
FORM_RENDERER = "common.forms.PortalFormRenderer"
