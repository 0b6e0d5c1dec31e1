import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.forms.utils import flatatt
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from common import money, public_cache
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


class PublicCacheNode(Node):
    """A part that is the same for everyone, cached in the tags of the page it is part
    of (``common.public_cache.cached_fragment``), keyed like Django's ``{% cache %}``
    (``make_template_fragment_key``) by its name, the host, the address, the language
    and what the template adds. Rendered with placeholders for the response's own CSRF
    token and script nonce, which are swapped back on every response; rendered plainly
    without a request, with caching switched off or with the cache unreachable."""

    def __init__(self, nodelist: NodeList, fragment_name: str, vary_on: list[FilterExpression]):
        self.nodelist = nodelist
        self.fragment_name = fragment_name
        self.vary_on = vary_on

    def render(self, context: Context) -> str:
        request = context.get("request")
        if request is None or not public_cache.seconds():
            return self.nodelist.render(context)
        key = make_template_fragment_key(
            self.fragment_name,
            [
                request.get_host(),
                request.get_full_path(),
                translation.get_language(),
                *(variable.resolve(context) for variable in self.vary_on),
            ],
        )
        pushed: dict[str, object] = {}
        own: dict[str, object] = {}  # placeholder -> this response's value
        for name, placeholder in PLACEHOLDERS.items():
            value = context.get(name)
            if value is not None:
                pushed[name] = placeholder
                own[placeholder] = value
        with context.push(**pushed):
            html = public_cache.cached_fragment(
                key, lambda: self.nodelist.render(context), request.build_absolute_uri()
            )
        for placeholder, value in own.items():
            if placeholder in html:
                html = html.replace(placeholder, str(value))
        # The template engine escaped the part; only a form token and a nonce (letters and
        # digits of our own making) were put in since.
        return mark_safe(html)  # nosec B308 B703


@register.tag
def publiccache(parser: Parser, token: Token) -> PublicCacheNode:
    """``{% publiccache name [vary_on ...] %}…{% endpubliccache %}``: a part of a page that
    is the same for everyone who asks for this address in this language, signed in or
    not, rendered once while what the page shows is unchanged (the tags its view names,
    ``common.public_cache.public_page``). Only for parts that hold nothing personal. A
    form that posts or a script may be inside: the token and the nonce are cached as
    placeholders, and every response gets its own."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% publiccache %} needs a name.")
    nodelist = parser.parse(("endpubliccache",))
    parser.delete_first_token()
    # As with {% cache %}, the fragment's name is not a variable.
    return PublicCacheNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


@register.filter
def euros(amount: Decimal | int | None) -> str:
    """An amount in euros as residents read it (€ 12.300)."""
    return "" if amount is None else money.euros(amount)


@register.simple_tag
def select_options(widget: dict[str, Any]) -> str:
    """A select's options (``django/forms/widgets/select.html``), written in Python: the
    same markup as Django's ``select_option.html``, but a template rendered for each option
    cost about 40 µs, and a list's filters have a hundred options (every neighbourhood and
    theme). An option without text (an autocomplete's empty choice) gets one: HTML allows
    no empty option without a label."""
    parts: list[str] = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            label = option["label"]
            if not str(label):
                label = translation.gettext("- Select an option -")
            value = conditional_escape(str(option["value"]))
            attrs = flatatt(option["attrs"]) if option["attrs"] else ""
            parts.append(f'<option value="{value}"{attrs}>{conditional_escape(label)}</option>')
        if group_name:
            parts.append("</optgroup>")
    return mark_safe("".join(parts))  # nosec B308 B703 (every value above is escaped)
