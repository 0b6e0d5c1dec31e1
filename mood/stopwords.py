"""The words left out of the topics: the Dutch stop words (``mood/data/stopwords_nl.txt``,
MIT) and the filler words residents write that say nothing about a topic
(``mood/data/fillers_nl.txt``, the portal's own). One list for finding topics and for
showing a published topic's words."""

from collections.abc import Iterable
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"
FILES = ("stopwords_nl.txt", "fillers_nl.txt")


@cache
def stop_words() -> frozenset[str]:
    words: set[str] = set()
    for name in FILES:
        lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
        words.update(
            line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
        )
    return frozenset(words)


def without_stop_words(words: Iterable[str]) -> list[str]:
    """A topic's words as the public page shows them: a topic found before a word joined
    the list keeps its stored words, and is shown without that word."""
    skip = stop_words()
    return [word for word in words if word.lower() not in skip]
