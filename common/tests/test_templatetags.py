from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.http import HttpResponse
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from common import public_cache
from common.templatetags.portal_tags import button_variant


@pytest.mark.parametrize(
    ("tags", "variant"),
    [
        (["prominent", "login"], "primary-action"),
        (["outline", "primary", "mfa", "cancel"], "secondary-action"),
        (["link", "cancel"], "secondary-action"),
        (None, "primary-action"),
    ],
)
def test_only_the_main_action_looks_primary(tags, variant):
    assert button_variant(tags) == variant


def test_publiccache_needs_a_name_and_renders_plainly_without_a_request():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load portal_tags %}{% publiccache %}x{% endpubliccache %}")
    template = Template(
        "{% load portal_tags %}{% publiccache part %}{{ word }}{% endpubliccache %}"
    )
    assert template.render(Context({"word": "hallo"})) == "hallo"


PART = Template(
    "{% load portal_tags %}{% publiccache part kind %}"
    "{{ word }} {{ csrf_token }} {{ csp_nonce }}{% endpubliccache %}"
)


def _render(request, **values) -> str:
    return PART.render(Context({"request": request, "kind": "visitor", **values}))


def test_publiccache_is_keyed_like_djangos_fragment_cache(settings, rf):
    """The key is Django's ``make_template_fragment_key`` of the part's name, the host,
    the address, the language and what the template adds; the fragment is stored with
    placeholders and the generations of its tags, and every response gets its own token
    and nonce in their place."""
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    request = rf.get("/initiatieven/?pagina=2")
    first = _render(request, word="bankje", csrf_token="token-one", csp_nonce="nonce-one")
    assert first == "bankje token-one nonce-one"
    key = make_template_fragment_key(
        "part",
        ["testserver", "/initiatieven/?pagina=2", translation.get_language(), "visitor"],
    )
    stamp, stored = cache.get(key)
    assert stored == f"bankje {public_cache.CSRF_PLACEHOLDER} {public_cache.NONCE_PLACEHOLDER}"
    # Outside a page that names its tags, a part depends on any change.
    assert [tag for tag, _generation in stamp] == [public_cache.ANY, public_cache.EVERYTHING]
    # Served from the cache (the word is not read again), with this response's own values.
    again = _render(request, word="bank", csrf_token="token-two", csp_nonce="nonce-two")
    assert again == "bankje token-two nonce-two"
    # Public content changed: the next request renders the part again.
    public_cache.bump("initiative:1")
    following = rf.get("/initiatieven/?pagina=2")
    assert _render(following, word="bank", csrf_token="t", csp_nonce="n") == "bank t n"
    # Another address is another part.
    other = rf.get("/initiatieven/")
    assert _render(other, word="plein", csrf_token="t", csp_nonce="n") == "plein t n"


class _Renderings:
    """A value that says how often it was rendered (not read from the cache)."""

    def __init__(self) -> None:
        self.count = 0

    def __str__(self) -> str:
        self.count += 1
        return f"r{self.count}"


def _signed_in(request):
    request.user = SimpleNamespace(is_authenticated=True)
    request.LANGUAGE_CODE = "nl"
    return request


def test_every_part_of_one_page_reads_the_tags_once(settings, rf, count_cache_calls):
    """A page's cached parts share one read of the page's tags, made with the first
    part's look-up, and everything the page caches is stored in one round trip."""
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    word = _Renderings()

    @public_cache.public_page("initiative:{pk}")
    def page(request, pk):
        parts = [_render(request, word=word, csrf_token="t", csp_nonce="n")]
        public_cache.bump(f"initiative:{pk}")  # committed by someone else meanwhile
        # The rest of this page stays in the generations it started in.
        parts.append(_render(request, word=word, csrf_token="t", csp_nonce="n"))
        return HttpResponse(" | ".join(parts))

    with count_cache_calls() as calls:
        response = page(_signed_in(rf.get("/initiatieven/7/")), pk=7)
    assert response.content == b"r1 t n | r1 t n"
    # The tags with the part, the bump, and the store at the end.
    assert [name for name, _args in calls] == ["get_many", "set_many", "set_many"]
    # Stored in the generation the page started in: the next request renders again.
    response = page(_signed_in(rf.get("/initiatieven/7/")), pk=7)
    assert response.content == b"r2 t n | r2 t n"


def test_a_part_moves_on_with_its_pages_tags_only(settings, rf):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    word = _Renderings()

    @public_cache.public_page("initiative:{pk}")
    def page(request, pk):
        return HttpResponse(_render(request, word=word, csrf_token="t", csp_nonce="n"))

    def read(pk):
        return page(_signed_in(rf.get(f"/initiatieven/{pk}/")), pk=pk).content

    assert read(7) == b"r1 t n"
    assert read(8) == b"r2 t n"
    public_cache.bump("initiative:8", "initiatives")
    assert read(7) == b"r1 t n"  # unchanged, still from the cache
    assert read(8) == b"r3 t n"
    public_cache.bump()  # everything
    assert read(7) == b"r4 t n"


def test_publiccache_renders_every_time_when_switched_off(rf):
    request = rf.get("/")
    assert _render(request, word="een", csrf_token="t", csp_nonce="n") == "een t n"
    assert _render(request, word="twee", csrf_token="t", csp_nonce="n") == "twee t n"


def test_publiccache_renders_every_time_when_the_cache_is_unreachable(
    settings, rf, unreachable_cache
):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    request = rf.get("/")
    assert _render(request, word="een", csrf_token="t", csp_nonce="n") == "een t n"
    assert _render(request, word="twee", csrf_token="t", csp_nonce="n") == "twee t n"


def test_datetime_attr_is_local_time_to_the_second_or_the_date(settings):
    """HTML allows at most three digits of a second's fraction in ``<time datetime>``."""
    import datetime
    import zoneinfo

    from common.templatetags.portal_tags import datetime_attr

    settings.TIME_ZONE = "Europe/Amsterdam"
    moment = datetime.datetime(2026, 7, 1, 10, 4, 5, 123456, tzinfo=datetime.UTC)
    assert datetime_attr(moment) == "2026-07-01T12:04:05+02:00"
    amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
    assert datetime_attr(moment.astimezone(amsterdam)) == "2026-07-01T12:04:05+02:00"
    assert datetime_attr(datetime.date(2026, 1, 31)) == "2026-01-31"
    assert datetime_attr(None) == ""
    rendered = Template('{% load portal_tags %}<time datetime="{{ m|datetime_attr }}">').render(
        Context({"m": moment})
    )
    assert rendered == '<time datetime="2026-07-01T12:04:05+02:00">'
