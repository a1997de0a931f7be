"""Normalise carers' words per locale so every later stage compares like with like."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

Stemmer = Callable[[str], str]
Lemmatiser = Callable[[str], str]
# Returns the known word a misspelt token most likely meant, or None.
Corrector = Callable[[str], str | None]
# Tells whether a word is in the locale's dictionary.
KnownWord = Callable[[str], bool]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
# Arabic-script spellings that keyboards mix up (Arabic and Persian kaf and yeh), and tatweel.
_ARABIC_SCRIPT = str.maketrans(
    {"\u0643": "\u06a9", "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0640": None}
)
_SENTENCE_END = re.compile(
    r"[.!?;:\n\u2026\u061f\u061b\u06d4\u3002\uff01\uff1f\uff1b\uff1a]+|\s[-\u2013\u2014]\s"
)
# Han characters are words of their own (Chinese has no spaces): a rule word of several
# characters is matched as a phrase of single characters.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTERS = rf"[^\W\d_{_HAN}]+"
_TOKEN = re.compile(
    rf"{_LETTERS}(?:'{_LETTERS})*|[{_HAN}]|\d+|[\U0001F000-\U0001FAFF\u2600-\u27BF]"
)
_RUN = re.compile(r"([^\W\d_])\1{2,}")
_SHORTEST_TYPO = 5
_SHORTEST_STEM = 2


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Fold case and strip accents so 'Niño' and 'nino' compare equal (words recur: cached)."""
    folded = unicodedata.normalize(
        "NFKD", text.casefold().translate(_APOSTROPHES).translate(_ARABIC_SCRIPT)
    )
    return "".join(char for char in folded if not unicodedata.combining(char))


def tokenise(text: str) -> list[str]:
    """Split text into folded words; the cheap baseline benchmarks compare against."""
    return _TOKEN.findall(fold(text))


# Skin tones change nothing a thumbs up says.
_EMOJI_MODIFIERS = frozenset(chr(code) for code in range(0x1F3FB, 0x1F400))
MAX_ACKNOWLEDGEMENT_WORDS = 8


def acknowledgement_words(text: str) -> tuple[str, ...]:
    """Fold a short text as acknowledgement lists compare it: 'Thanksss!! 👍🏽' is thanks, 👍."""
    return _acknowledgement_words(tokenise(text))


def _acknowledgement_words(tokens: list[str]) -> tuple[str, ...]:
    return tuple(_RUN.sub(r"\1", word) for word in tokens if word not in _EMOJI_MODIFIERS)


def only_acknowledges(text: str, phrases: frozenset[tuple[str, ...]]) -> bool:
    """Tell 'ok thanks 👍' from a reflection: the whole text is listed phrases, nothing else."""
    tokens = [word for word in tokenise(text) if word not in _EMOJI_MODIFIERS]
    if not tokens or not phrases or len(tokens) > MAX_ACKNOWLEDGEMENT_WORDS:
        return False  # checked before folding letters: most texts are reflections
    words = _acknowledgement_words(tokens)
    longest = max(len(phrase) for phrase in phrases)
    covered = [True] + [False] * len(words)  # covered[i]: words[:i] splits into phrases
    for end in range(1, len(words) + 1):
        covered[end] = any(
            covered[end - size] and words[end - size : end] in phrases
            for size in range(1, min(longest, end) + 1)
        )
    return covered[-1]


@dataclass(frozen=True, slots=True)
class Token:
    """One word as every stage sees it: its folded forms (surface, lemma, correction) and stems."""

    surface: str
    forms: frozenset[str]
    stems: frozenset[str]

    @property
    def keys(self) -> frozenset[str]:
        """Every form, stem and form prefix (as ``"pre*"``): what pattern triggers look for."""
        return _token_keys(self.forms, self.stems)


@lru_cache(maxsize=1 << 16)
def _token_keys(forms: frozenset[str], stems: frozenset[str]) -> frozenset[str]:
    """Build a word's trigger keys once: words recur across sentences and carers."""
    prefixes = (f"{form[:size]}*" for form in forms for size in range(1, len(form) + 1))
    return frozenset((*forms, *stems, *prefixes))


class Sentence(list[Token]):
    """A sentence's tokens, remembering the keys pattern triggers test (computed once)."""

    @cached_property
    def trigger_keys(self) -> frozenset[str]:
        """Every form, stem and form prefix (as ``"pre*"``) of the tokens."""
        return frozenset().union(*(token.keys for token in self))


@dataclass(frozen=True)
class Normaliser:
    """A locale's rules for turning phone-typed text into comparable tokens."""

    replacements: Mapping[str, str] = field(default_factory=dict)
    clitics: Mapping[str, str] = field(default_factory=dict)
    # Attached particles (Arabic "و", "ال"): a token also matches without them.
    prefixes: tuple[str, ...] = ()
    lemmatise: Lemmatiser = str
    stem: Stemmer = str
    known: KnownWord = lambda _word: True
    correct: Corrector = lambda _word: None
    _memo: dict[str, Token] = field(default_factory=dict, compare=False, repr=False)

    def sentences(self, text: str) -> list[Sentence]:
        """Split text into sentences of tokens, dropping sentences with no words."""
        return [tokens for _piece, tokens in self.split(text)]

    def split(self, text: str) -> list[tuple[str, Sentence]]:
        """Return each sentence for the sentence model (phone spellings spelt out), with tokens."""
        pieces = (piece.strip() for piece in _SENTENCE_END.split(text))
        tokenised = ((piece, self._tokens(_prepare(piece))) for piece in pieces)
        return [(self._spelt_out(piece), tokens) for piece, tokens in tokenised if tokens]

    def _spelt_out(self, piece: str) -> str:
        """Replace phone spellings ('q', 'isnt') in place, keeping everything else as written."""
        if not self.replacements:
            return piece
        return _TOKEN.sub(lambda m: self.replacements.get(fold(m[0]), m[0]), piece)

    def words(self, text: str) -> list[str]:
        """Return the folded surface words after expansion; used for keywords and rules."""
        return [token.surface for sentence in self.sentences(text) for token in sentence]

    def _tokens(self, piece: str) -> Sentence:
        return Sentence(
            self._token(word) for raw in _TOKEN.findall(piece) for word in self._expand(raw)
        )

    def _expand(self, raw: str) -> list[str]:
        """Undo repeated letters, contractions and common typos: 'isnt' -> 'is not'."""
        word = self._squeeze(raw)
        folded = fold(word)
        if folded in self.replacements:
            return self.replacements[folded].split()
        for clitic, expansion in self.clitics.items():
            if folded.endswith(clitic) and len(folded) > len(clitic):
                head = word[: len(word) - len(clitic)]
                return [*self._expand(head), *expansion.split()]
        return [word.replace("'", "")] if "'" in word else [word]

    def _squeeze(self, word: str) -> str:
        """Shorten letters repeated three or more times to the spelling the dictionary knows."""
        if not _RUN.search(word):
            return word
        double = _RUN.sub(r"\1\1", word)
        return double if self.known(double) else _RUN.sub(r"\1", word)

    def _token(self, word: str) -> Token:
        """Build (once per distinct word) the token every stage compares."""
        cached = self._memo.get(word)
        if cached is None:
            cached = self._memo[word] = self._build_token(word)
        return cached

    def _build_token(self, word: str) -> Token:
        surface = fold(word)
        forms = {surface, fold(self.lemmatise(word))}
        for bare in self._unprefixed(surface):
            forms.update((bare, fold(self.lemmatise(bare))))
        if len(surface) >= _SHORTEST_TYPO and not self.known(word):
            meant = self.correct(surface)
            if meant is not None:
                forms.update((meant, fold(self.lemmatise(meant))))
        return Token(
            surface=surface,
            forms=frozenset(forms),
            stems=frozenset(self.stem(form) for form in forms),
        )

    def _unprefixed(self, surface: str) -> list[str]:
        """Return the word without each attached particle it starts with ('والبيت' -> 'بيت')."""
        return [
            surface[len(prefix) :]
            for prefix in self.prefixes
            if surface.startswith(prefix) and len(surface) - len(prefix) >= _SHORTEST_STEM
        ]


def _prepare(text: str) -> str:
    return unicodedata.normalize("NFC", text.casefold().translate(_APOSTROPHES))
