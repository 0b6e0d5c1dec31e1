"""Topics in what residents wrote: TF-IDF over the masked texts with the Dutch stop
words left out, then non-negative matrix factorisation (NMF), started from the texts'
singular value decomposition with its zeros filled with small random values drawn from
the run's seed (``init="nndsvdar"``: the seed is what makes it repeatable). Each text
belongs to the topic it weighs most in; a topic with one text is still a topic.

The texts are sorted by kind and key before anything is fitted, and the vocabulary is
alphabetical, so the outcome depends only on which texts there are and the seed, not on
the order they came in or the process computing it."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from mood.masking import MASKS, mask
from mood.stopwords import stop_words

WORDS_PER_TOPIC = 8
# Words of three letters or more, without digits.
_WORD = re.compile(r"[^\W\d_]{3,}")


def words_of(text: str) -> list[str]:
    """The words the topic finder reads in a text: masked, lower case, without stop
    words and masks."""
    skip = stop_words()
    plain = MASKS.sub(" ", mask(text)).lower()
    return [word for word in _WORD.findall(plain) if word not in skip]


@dataclass(frozen=True)
class Text:
    """One thing a resident wrote: its kind (``initiative``, ``comment``, …), its key in
    its own table, the day it was written and its neighbourhood (if known)."""

    kind: str
    pk: str
    day: date
    neighbourhood_id: int | None
    text: str

    def sort_key(self) -> tuple[str, int, str]:
        # Numeric keys in numeric order; others (none today) after them, as text.
        number = int(self.pk) if self.pk.isdigit() else -1
        return (self.kind, number, self.pk)


@dataclass(frozen=True)
class FoundTopic:
    """A topic: its most telling words and the texts that belong to it, each with its
    weight in the topic (heaviest first)."""

    words: tuple[str, ...]
    members: tuple[tuple[Text, float], ...]

    @property
    def size(self) -> int:
        return len(self.members)


def find_topics(
    texts: Iterable[Text],
    *,
    topics: int,
    seed: int,
    vectorised: Callable[[], None] | None = None,
) -> list[FoundTopic]:
    """At most ``topics`` topics in ``texts``, largest first. Texts with no word left
    after masking and stop words belong to none. ``vectorised`` is called once the
    texts are read into words, before the topics are fitted."""
    ordered = sorted(set(texts), key=Text.sort_key)
    readable = [text for text in ordered if words_of(text.text)]
    if not readable or topics < 1:
        return []
    vectoriser = TfidfVectorizer(analyzer=words_of, sublinear_tf=True)
    matrix = vectoriser.fit_transform([text.text for text in readable])
    terms = vectoriser.get_feature_names_out()
    if vectorised is not None:
        vectorised()
    count = min(topics, matrix.shape[0], matrix.shape[1])
    model = NMF(n_components=count, init="nndsvdar", random_state=seed, max_iter=500, tol=1e-5)
    weights = model.fit_transform(matrix)
    members: list[list[tuple[Text, float]]] = [[] for _ in range(count)]
    for row, text in enumerate(readable):
        best = int(weights[row].argmax())
        if weights[row, best] > 0:
            members[best].append((text, round(float(weights[row, best]), 6)))
    found = []
    for index in range(count):
        if not members[index]:
            continue
        component = model.components_[index]
        ranked = sorted(
            (i for i in range(len(terms)) if component[i] > 0),
            key=lambda i: (-round(float(component[i]), 9), terms[i]),
        )
        words = tuple(str(terms[i]) for i in ranked[:WORDS_PER_TOPIC])
        ordered_members = sorted(members[index], key=lambda m: (-m[1], m[0].sort_key()))
        found.append(FoundTopic(words=words, members=tuple(ordered_members)))
    return sorted(found, key=lambda topic: (-topic.size, topic.words))
