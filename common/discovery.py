"""Modules the apps provide by convention (``personal_data.py``, ``demo.py``), found in
every installed app so the kernel never lists the apps."""

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> list[ModuleType]:
    """Each installed app's module ``name``, in the order of ``INSTALLED_APPS``."""
    return [
        import_module(f"{app_config.name}.{name}")
        for app_config in apps.get_app_configs()
        if module_has_submodule(app_config.module, name)
    ]
