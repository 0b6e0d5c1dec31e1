import datetime
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.templatetags.cache import CacheNode
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from common import public_cache
from common.log_redaction import SECRET_PATH

register = template.Library()

_SECONDARY_TAGS = {"cancel", "outline", "secondary", "minor", "link"}


@register.filter
def button_variant(tags: Iterable[str] | None) -> str:
    """NL Design System button variant for allauth's element tags: one primary action
    per form, everything that backs out or is optional looks secondary."""
    named = set(tags or ())
    if "danger" in named:
        return "primary-action"
    if named & _SECONDARY_TAGS:
        return "secondary-action"
    return "primary-action"


@register.filter
def return_path(path: str) -> str:
    """Where the language switch returns to: this page, unless its address carries a
    secret (a dead invitation link's 404, an unsubscribe or team invitation page), which
    is then not written into the page; the switch returns home instead."""
    return "/" if SECRET_PATH.search(path) else path


@register.filter
def datetime_attr(value: datetime.date | None) -> str:
    """A moment or a day for a ``<time datetime>`` attribute: local time to the second
    with its offset, or the date. HTML allows at most three digits of a second's
    fraction, so none are written."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


@register.filter
def join_if_list(value: object) -> object:
    """A value from the personal-data export as one readable cell: a list joined, a
    moment in the reader's language and time zone (the JSON download keeps ISO 8601)."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return value


# Per response, never shared: the form token and the Content-Security-Policy nonce.
PLACEHOLDERS = {
    "csrf_token": public_cache.CSRF_PLACEHOLDER,
    "csp_nonce": public_cache.NONCE_PLACEHOLDER,
}
# Resolved by Django's CacheNode from what PublicCacheNode.render pushes.
_KEY_PARTS = ("generation", "host", "path", "language")


class PublicCacheNode(CacheNode):
    """Django's ``{% cache %}`` node (its cache, its key from
    ``make_template_fragment_key``, its get and set) for a part that is the same for
    everyone. What it adds is what ``{% cache %}`` cannot say: the lifetime and the
    public content's generation read when the part is rendered, a fragment rendered with
    placeholders for the response's own CSRF token and script nonce that are swapped
    back on every response, and no caching without a request, with caching switched off
    or with the cache unreachable."""

    def render(self, context: Context) -> str:
        request = context.get("request")
        if request is None or not public_cache.seconds():
            return self.nodelist.render(context)
        try:
            generation = public_cache.generation_for(request)
        except public_cache.CACHE_ERRORS:
            return self.nodelist.render(context)
        # What Django's node resolves: the timeout and the values the key varies on.
        pushed: dict[str, Any] = {
            "publiccache": {
                "seconds": public_cache.seconds(),
                "generation": generation,
                "host": request.get_host(),
                "path": request.get_full_path(),
                "language": translation.get_language(),
            }
        }
        own: dict[str, object] = {}  # placeholder -> this response's value
        for name, placeholder in PLACEHOLDERS.items():
            value = context.get(name)
            if value is not None:
                pushed[name] = placeholder
                own[placeholder] = value
        with context.push(**pushed):
            try:
                html = super().render(context)
            except public_cache.CACHE_ERRORS:
                html = self.nodelist.render(context)
        for placeholder, value in own.items():
            if placeholder in html:
                html = html.replace(placeholder, str(value))
        # The template engine escaped the part; only a form token and a nonce (letters and
        # digits of our own making) were put in since.
        return mark_safe(html)  # nosec B308 B703


@register.tag
def publiccache(parser: Parser, token: Token) -> PublicCacheNode:
    """``{% publiccache name [vary_on ...] %}…{% endpubliccache %}``: Django's
    ``{% cache publiccache.seconds name publiccache.generation publiccache.host
    publiccache.path publiccache.language [vary_on ...] %}`` for a part of a page that is
    the same for everyone who asks for this address in this language, signed in or not,
    rendered once while public content is unchanged (``common.public_cache``): a change
    moves the generation on, and with it the key. Only for parts that hold nothing
    personal. A form that posts or a script may be inside: the token and the nonce are
    cached as placeholders, and every response gets its own."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% publiccache %} needs a name.")
    nodelist = parser.parse(("endpubliccache",))
    parser.delete_first_token()
    return PublicCacheNode(
        nodelist,
        parser.compile_filter("publiccache.seconds"),
        bits[1],  # as with {% cache %}, the fragment's name is not a variable
        [parser.compile_filter(f"publiccache.{part}") for part in _KEY_PARTS]
        + [parser.compile_filter(bit) for bit in bits[2:]],
        None,  # Django's choice: the "template_fragments" cache if there is one, else default
    )
