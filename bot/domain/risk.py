"""Fixed safeguarding rules: match a reflection against the pack's phrases, never improvise."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.model import RiskLevel
from bot.domain.text import tokenise


@dataclass(frozen=True)
class RiskPhrase:
    """A phrase whose words must appear in order; a word ending in '*' matches any ending."""

    level: RiskLevel
    words: tuple[str, ...]

    @classmethod
    def parse(cls, level: RiskLevel, phrase: str) -> RiskPhrase:
        """Build a phrase from pack text, keeping trailing '*' wildcards."""
        words = tuple(
            tokenise(word)[0] + ("*" if word.endswith("*") else "")
            for word in phrase.split()
            if tokenise(word)
        )
        return cls(level=level, words=words)

    def found_in(self, tokens: Sequence[str]) -> bool:
        """Tell whether the phrase occurs as a contiguous run of ``tokens``."""
        size = len(self.words)
        if size == 0:
            return False
        first, rest = self.words[0], self.words[1:]
        for start in range(len(tokens) - size + 1):
            if _word_matches(first, tokens[start]) and all(
                _word_matches(pattern, tokens[start + offset])
                for offset, pattern in enumerate(rest, start=1)
            ):
                return True
        return False


def _word_matches(pattern: str, token: str) -> bool:
    if pattern.endswith("*"):
        return token.startswith(pattern[:-1])
    return token == pattern


def assess_risk(text: str, phrases: Iterable[RiskPhrase]) -> RiskLevel | None:
    """Return the most urgent level whose phrase occurs in ``text``, or None."""
    tokens = tokenise(text)
    found = [phrase.level for phrase in phrases if phrase.found_in(tokens)]
    return min(found, key=lambda level: level.urgency) if found else None
