from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class PortalLanguageMiddleware:
    """Dutch unless the visitor chose otherwise with the language switch, or signed in to
    an account in another language (a request that signs someone in names it in
    ``request.portal_language_chosen``; the cookie then remembers it).

    Django's LocaleMiddleware would follow the browser's Accept-Language header; a Dutch
    municipality's portal speaks Dutch by default and English only on request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = (
            chosen if chosen is not None and chosen in self.supported else settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        chosen_now = getattr(request, "portal_language_chosen", None)
        if chosen_now in self.supported and chosen_now != chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen_now,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a setting: str
            )
            language = chosen_now
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        translation.deactivate()
        return response


class RefuseNullCharactersMiddleware:
    """A NUL character in an address's query is never a person's doing, and PostgreSQL
    refuses it in text (a server error wherever a view filtered on the raw value). Such
    requests get a plain 400. Forms refuse NUL in posted fields on their own, with an
    error beside the field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the query string.")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """What a signed-in person sees may hold their personal data: no shared cache (a
    proxy, a library's computer) may cache it. Pages for visitors follow their own rules."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
