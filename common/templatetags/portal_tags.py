from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from common import public_cache

register = template.Library()

_SECONDARY_TAGS = {"cancel", "outline", "secondary", "minor", "link"}


@register.filter
def button_variant(tags) -> str:
    """NL Design System button variant for allauth's element tags: one primary action
    per form, everything that backs out or is optional looks secondary."""
    tags = set(tags or ())
    if "danger" in tags:
        return "primary-action"
    if tags & _SECONDARY_TAGS:
        return "secondary-action"
    return "primary-action"


@register.filter
def join_if_list(value) -> str:
    """A list from the personal-data export as one readable cell."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


class PublicCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> str:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        asked = (
            self.name.resolve(context),
            request.get_host(),
            request.get_full_path(),
            translation.get_language(),
            [str(value.resolve(context)) for value in self.vary_on],
        )
        token = context.get("csrf_token")

        def rendered() -> str:
            if token is None:
                return self.nodelist.render(context)
            # A form's token is kept as a placeholder: every response gets its own.
            with context.push(csrf_token=public_cache.CSRF_PLACEHOLDER):
                return self.nodelist.render(context)

        html = public_cache.cached_while_unchanged(
            public_cache.key_for("kept-part", *asked), rendered
        )
        if token is not None and public_cache.CSRF_PLACEHOLDER in html:
            html = mark_safe(html.replace(public_cache.CSRF_PLACEHOLDER, str(token)))
        return html


@register.tag
def kept(parser, token):
    """``{% kept "name" [vary_on ...] %}…{% endkept %}``: a part of a page that is the same
    for everyone who asks for this address in this language, signed in or not, rendered
    once while public content is unchanged (``common.public_cache``). Only for parts that
    hold nothing personal and no script (its nonce). A form that posts may be inside: its
    token is kept as a placeholder, and every response gets its own."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} needs a name.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return PublicCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
