"""Accessible form rendering for the whole portal, and the form parts every app uses."""

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.boundfield import BoundField
from django.forms.renderers import BaseRenderer, TemplatesSetting
from django.forms.widgets import Widget
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_noop

from common import public_cache
from common.geo import LATITUDE_RANGE, LONGITUDE_RANGE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Django 6.1's empty choice of a model field's select; its Dutch catalogue lacks the
# string, so ours (LOCALE_PATHS, looked up first) carries it.
gettext_noop("- Select an option -")

# NL Design System (Utrecht) component per widget type, so every form looks the same
# without each form repeating widget attributes: (classes, modifier when invalid).
_TEXTBOX = ("utrecht-textbox utrecht-textbox--html-input", "utrecht-textbox--invalid")
_SELECT = ("utrecht-select utrecht-select--html-select", "utrecht-select--invalid")
_WIDGET_CLASSES = {
    "textarea": ("utrecht-textarea utrecht-textarea--html-textarea", "utrecht-textarea--invalid"),
    "select": _SELECT,
    "selectmultiple": _SELECT,
    "checkbox": ("utrecht-checkbox utrecht-checkbox--html-input", "utrecht-checkbox--invalid"),
    "clearablefile": ("utrecht-file-input", ""),
    "file": ("utrecht-file-input", ""),
    # Radio and checkbox groups render their own inputs inside a fieldset.
    "radioselect": ("", ""),
    "checkboxselectmultiple": ("", ""),
    # The back office's password "field" is a text with a link, not a control.
    "readonlypasswordhash": ("", ""),
}


_GROUPS = {"radioselect", "checkboxselectmultiple", "readonlypasswordhash"}
_FORMSET_ROW = re.compile(r"-(\d+|__prefix__)$")


def _widget_kind(widget: Widget) -> str:
    """The kind of widget this is for the rendering: the nearest kind in its ancestry
    that has its own classes (Django's ``widget_type`` is its class name, so a subclass
    such as a checkbox list with the plan's cost would render like a text box)."""
    for cls in type(widget).__mro__:
        kind = re.sub(r"widget$|input$", "", cls.__name__.lower())
        if kind in _WIDGET_CLASSES:
            return kind
    return re.sub(r"widget$|input$", "", type(widget).__name__.lower())


class PortalBoundField(BoundField):
    @property
    def widget_kind(self) -> str:
        return _widget_kind(self.field.widget)

    def build_widget_attrs(
        self, attrs: dict[str, str | bool], widget: Widget | None = None
    ) -> dict[str, str | bool]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        kind = self.widget_kind
        if kind == "readonlypasswordhash":
            # The password "field" renders no control (a div): a div cannot be disabled.
            attrs.pop("disabled", None)
        if (
            _FORMSET_ROW.search(self.form.prefix or "")
            and not widget.is_hidden
            and kind not in _GROUPS
            and self.label
            and not widget.attrs.get("aria-label")
        ):
            # A form of a formset (the back office's inline rows) may be shown as a
            # table row whose column heading is the only label: name the field itself.
            attrs.setdefault("aria-label", str(self.label))
        css, invalid = _WIDGET_CLASSES.get(kind, _TEXTBOX)
        if css:
            if self.errors and invalid:
                css = f"{css} {invalid}"
            attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        return attrs

    @property
    def is_checkbox(self) -> bool:
        return self.widget_kind == "checkbox"


# The largest id the database can hold (64-bit); a bigger "id" from a form is no choice.
_LARGEST_ID = 2**63 - 1


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # not subscriptable at run time
    """A multiple choice of records that refuses ids beyond the database's integer range
    as invalid choices, before they reach the database (SQLite cannot even bind them:
    found by the hostile-input tests)."""

    def _check_values(self, value: Any) -> QuerySet[Model]:
        for pk in value if isinstance(value, (list, tuple)) else ():
            text = str(pk).strip()
            if text.lstrip("+-").isdigit() and abs(int(text)) > _LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:40]},
                )
        # A private Django method the stubs leave out.
        checked: QuerySet[Model] = super()._check_values(value)  # type: ignore[misc]
        return checked


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField


def filter_choice(
    *,
    label: "StrOrPromise",
    anything: "StrOrPromise",
    choices: Iterable[tuple[Any, "StrOrPromise"]],
) -> forms.ChoiceField:
    """A list filter's select: ``anything`` (no filter) first, then the choices."""
    return forms.ChoiceField(choices=[("", anything), *choices], required=False, label=label)


class CachedFilterForm(forms.Form):
    """A list's filters (a GET form that shows the same to everyone who asks the same):
    its rendering is cached while public content is unchanged, per language and per what
    was asked. Its choices come from the database (every neighbourhood, every theme), and
    rendering them was most of a signed-in resident's list page."""

    def render(
        self,
        template_name: str | None = None,
        context: dict[str, Any] | None = None,
        renderer: BaseRenderer | type[BaseRenderer] | None = None,
    ) -> SafeString:
        if template_name or context or renderer:
            return super().render(template_name, context, renderer)
        cls = type(self)
        asked = (
            f"{cls.__module__}.{cls.__qualname__}",
            self.prefix,
            self.auto_id,
            self.is_bound,
            self._asked_filters(),
            get_language(),
        )
        return public_cache.cached_while_unchanged(
            public_cache.key_for("filter-form", *asked),
            lambda: super(CachedFilterForm, self).render(),
        )

    def _asked_filters(self) -> list[tuple[str, Any]]:
        """What was asked of this form's own fields: a list's page number or anything else
        in the address leaves the form as it is, so every page of a list shares it."""
        own = {self.add_prefix(name) for name in self.fields}
        data = self.data.lists() if hasattr(self.data, "lists") else self.data.items()
        return sorted((key, value) for key, value in data if key in own)

    # Django binds these to its own render() when the class is made.
    __str__ = render
    __html__ = render


class EmptyRenderedOnce(forms.Form):
    """A form that, made empty (no data, initial values or instance), renders the same
    for everyone: no choices from the database, nothing per person. That rendering is
    made once per process and language and reused; a form with anything in it (what
    someone typed, their errors) is rendered anew. Not while DEBUG, so template edits
    show at once."""

    _empty_renderings: dict[tuple[type[forms.Form], str], SafeString] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._made_empty = not args and not kwargs

    def render(
        self,
        template_name: str | None = None,
        context: dict[str, Any] | None = None,
        renderer: BaseRenderer | type[BaseRenderer] | None = None,
    ) -> SafeString:
        if not self._made_empty or template_name or context or renderer or settings.DEBUG:
            return super().render(template_name, context, renderer)
        key = (type(self), get_language())
        if key not in self._empty_renderings:
            self._empty_renderings[key] = super().render()
        return self._empty_renderings[key]

    # Django binds these to its own render() when the class is made.
    __str__ = render
    __html__ = render


def coordinate_fields(
    *,
    hidden: bool = False,
    latitude_label: "StrOrPromise" = "",
    longitude_label: "StrOrPromise" = "",
    latitude_help: "StrOrPromise" = "",
    longitude_help: "StrOrPromise" = "",
) -> tuple[forms.DecimalField, forms.DecimalField]:
    """A point's latitude and longitude in degrees, six decimals (about 10 cm), within
    the Netherlands (``common.geo``); neither required (the form checks both or none).
    Hidden when the map fills them in; visible with labels for typing them without
    JavaScript."""
    widget = forms.HiddenInput if hidden else None

    def field(
        label: "StrOrPromise", help_text: "StrOrPromise", bounds: tuple[Any, Any]
    ) -> forms.DecimalField:
        return forms.DecimalField(
            label=label or None,
            help_text=help_text,
            max_digits=8,
            decimal_places=6,
            required=False,
            min_value=bounds[0],
            max_value=bounds[1],
            widget=widget,
        )

    return (
        field(latitude_label, latitude_help, LATITUDE_RANGE),
        field(longitude_label, longitude_help, LONGITUDE_RANGE),
    )
