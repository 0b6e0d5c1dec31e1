"""What other apps show on a neighbourhood's page (for example its newest initiatives),
registered from their ``AppConfig.ready()`` so this app never imports them."""

from collections.abc import Callable

from neighbourhoods.models import Neighbourhood

_SECTIONS: dict[str, Callable[[Neighbourhood], object]] = {}


def register_section(name: str, provider: Callable[[Neighbourhood], object]) -> None:
    """``provider(neighbourhood)`` gives what the page's template shows as ``name``."""
    _SECTIONS[name] = provider


def sections_for(neighbourhood: Neighbourhood) -> dict[str, object]:
    return {name: provider(neighbourhood) for name, provider in _SECTIONS.items()}
