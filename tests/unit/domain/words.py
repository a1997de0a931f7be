"""Real English and Spanish word tools for domain tests: simplemma lemmas, Snowball stems."""

from __future__ import annotations

from functools import cache

from bot.domain.patterns import Pattern, WordForms, compile_pattern
from bot.domain.text import Normaliser
from bot.packs.language import known_word_for, lemmatiser_for, stemmer_for


@cache
def normaliser(locale: str) -> Normaliser:
    """Return a locale's normaliser with a few contractions, as content would configure."""
    replacements = {
        "en": {"isnt": "is not", "cant": "can not", "can't": "can not"},
        "es": {"q": "que"},
    }
    return Normaliser(
        replacements=replacements[locale],
        clitics={"n't": "not", "'s": ""} if locale == "en" else {},
        lemmatise=lemmatiser_for(locale),
        stem=stemmer_for(locale),
        known=known_word_for(locale),
    )


def english() -> Normaliser:
    """Return the English test normaliser."""
    return normaliser("en")


def forms(locale: str = "en") -> WordForms:
    """Return how pattern words are folded in a locale."""
    words = normaliser(locale)
    return WordForms(words.words, words.lemmatise, words.stem)


def pattern(
    source: str, locale: str = "en", classes: dict[str, tuple[Pattern, ...]] | None = None
) -> Pattern:
    """Compile a pattern with real word tools."""
    return compile_pattern(source, forms(locale), classes)
