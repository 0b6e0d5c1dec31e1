import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.apps import LANGUAGE_CHOSEN_SIGNED_OUT
from accounts.models import User


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the account so emails follow it. Chosen
    before signing in, it is remembered in the session, and signing in keeps it (see
    ``accounts.apps``): the language a person just chose is the one they want."""
    response = set_language(request)
    language = request.POST.get("language")
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            User.objects.filter(pk=request.user.pk).update(language=language)
        else:
            # With the moment: only a sign-in soon after counts it (accounts.apps).
            request.session[LANGUAGE_CHOSEN_SIGNED_OUT] = [language, int(time.time())]
    return response
