"""The pages the municipality writes itself."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PortalPage(models.Model):
    """A page the municipality writes itself: the privacy statement and the
    accessibility statement (toegankelijkheidsverklaring). Plain text with blank lines
    between paragraphs, in Dutch and English."""

    class Slug(models.TextChoices):
        PRIVACY = "privacy", _("Privacy statement")
        ACCESSIBILITY = "toegankelijkheid", _("Accessibility statement")

    slug = models.CharField(_("page"), max_length=32, choices=Slug.choices, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_nl = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("portal page")
        verbose_name_plural = _("portal pages")

    def __str__(self) -> str:
        return self.get_slug_display()

    def get_absolute_url(self) -> str:
        return reverse("overview:page", args=[self.slug])

    def title_for(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_nl

    def body_for(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_nl
