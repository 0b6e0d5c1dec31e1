"""The municipality's back office (the Django admin).

Staff sign in through the portal's own login (allauth, with its rate limits) and must
have set up an authenticator app (TOTP) and used it in this session before the admin
lets them in. Staff without TOTP are sent to set it up first.
"""

from typing import Any, cast

from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import secure_admin_login
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.backends import cached_for_colleague
from accounts.models import User
from common.attention import queues_for


def staff_has_totp(user: User) -> bool:
    """Asked on every back-office request; cached like the colleague's permissions."""
    enabled: bool = cached_for_colleague(  # allauth's is_mfa_enabled is untyped
        user, "totp", lambda: is_mfa_enabled(user, types=[Authenticator.Type.TOTP])
    )
    return enabled


def session_used_mfa(request: HttpRequest) -> bool:
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)  # allauth: untyped
    )


def staff_mfa_satisfied(request: HttpRequest) -> bool:
    # Asked after AdminSite.has_permission: a signed-in, active staff member.
    return staff_has_totp(cast(User, request.user)) and session_used_mfa(request)


class PortalAdminSite(admin.AdminSite):
    site_header = _("Back office")
    index_title = _("Triage and management")
    index_template = "admin/portal_index.html"

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        return super().index(
            request,
            {
                **(extra_context or {}),
                "attention": queues_for(
                    request.user, lambda admin_name: self._visible_rows(request, admin_name)
                ),
            },
        )

    def _visible_rows(self, request: HttpRequest, admin_name: str) -> models.QuerySet[Any]:
        """The rows the admin list ``admin_name`` (``app_model``) shows this person before
        any filter: its ModelAdmin's scoped queryset (an area manager's own areas)."""
        for model, model_admin in self._registry.items():
            if f"{model._meta.app_label}_{model._meta.model_name}" == admin_name:
                return model_admin.get_queryset(request)
        raise LookupError(f"No admin list {admin_name}")

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["site_title"] = settings.PORTAL_MUNICIPALITY_NAME
        context["site_header"] = f"{settings.PORTAL_MUNICIPALITY_NAME}: {self.site_header}"
        return context

    def each_context_without_navigation(self, request: HttpRequest) -> dict[str, Any]:
        """The context of a back-office page without the sidebar that lists every model
        (building and rendering it is most of an admin page's cost), for the pages that
        must answer at once; their breadcrumbs lead back. Only for views behind
        ``admin_view``, which has checked the permission."""
        return {
            "site_title": settings.PORTAL_MUNICIPALITY_NAME,
            "site_header": f"{settings.PORTAL_MUNICIPALITY_NAME}: {self.site_header}",
            "site_url": self.site_url,
            "has_permission": True,
            "available_apps": [],
            "is_popup": False,
            "is_nav_sidebar_enabled": False,
        }

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and staff_mfa_satisfied(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            next_url = request.GET.get("next") or reverse("admin:index")
            if not staff_has_totp(user):
                messages.warning(
                    request,
                    _(
                        "Set up an authenticator app before you use the back office. "
                        "Staff accounts need two-factor authentication."
                    ),
                )
                return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_url})}")
            if not session_used_mfa(request):
                messages.info(request, _("Confirm it is you with your authenticator app."))
                return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
        response: HttpResponse = secure_admin_login(super().login)(request, extra_context)
        return response  # allauth's decorator is untyped
