"""A small pattern language over tokens: words by lemma, alternatives, classes and bounded gaps.

Syntax (documented for content editors in docs/judgement-rules.md):

- ``word``       matches a token whose surface, lemma or stem equals the word's
- ``word*``      matches a token whose surface or lemma starts with ``word``
- ``=word``      matches the exact folded surface only
- ``a|b|c``      any one of the alternatives
- ``a_b``        the phrase "a b" as one alternative (``go_home|left`` = "go home" or "left")
- ``[a|b]``      an optional term
- ``@name``      any phrase of the class ``name`` (classes may hold multi-word phrases)
- ``..`` / ``..N``  up to 3 / up to N other words between the terms either side
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.domain.text import Sentence, Token, fold

DEFAULT_GAP = 3
MAX_GAP = 12
# Ten locales' rules repeat the same words and steps tens of thousands of times: equal parts
# are shared, which keeps compiled rules to a fraction of the memory (they are immutable).
_SHARED: dict[object, object] = {}
_Part = TypeVar("_Part")


def _shared(part: _Part) -> _Part:
    """Return the one stored copy of an immutable, hashable pattern part."""
    return _SHARED.setdefault(part, part)  # type: ignore[return-value]


class PatternError(ValueError):
    """A pattern that cannot be compiled or can never match."""


@dataclass(frozen=True, slots=True)
class Word:
    """One literal alternative, pre-folded into the forms and stem it may match."""

    forms: frozenset[str]
    stem: str
    prefix: bool = False
    exact: bool = False

    def matches(self, token: Token) -> bool:
        """Tell whether ``token`` is this word in any of its inflections."""
        if self.exact:
            return token.surface in self.forms
        if self.prefix:
            return any(form.startswith(start) for form in token.forms for start in self.forms)
        return not self.forms.isdisjoint(token.forms) or self.stem in token.stems


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A reference to a named class of phrases, resolved when rules are compiled."""

    name: str
    members: tuple[Pattern, ...]


Alternative = Word | ClassRef


@dataclass(frozen=True, slots=True)
class Step:
    """One term of a pattern: its alternatives, whether it is optional, and the gap before it."""

    alternatives: tuple[Alternative, ...]
    optional: bool = False
    gap_before: int = 0


@dataclass(frozen=True, slots=True)
class Triggers:
    """Keys one of which any match must contain: a cheap test that skips most patterns.

    A prefix wildcard ``word*`` is the key ``"word*"``; sentence keys hold every prefix of
    every form that way, so the test is one set operation.
    """

    keys: frozenset[str]

    def present(self, keys: frozenset[str]) -> bool:
        """Tell whether a sentence with these token keys could hold a match."""
        return not self.keys.isdisjoint(keys)


class TriggerIndex:
    """Which groups of patterns could match a sentence, found from its keys in one pass.

    Each group (a rule's patterns, one lexicon entry) is filed under the rarest trigger keys of
    its patterns; a group with a pattern that has no triggers is always a candidate. Testing
    thousands of patterns one by one costs a call each even when nothing is there.
    """

    def __init__(self, groups: Sequence[Sequence[Pattern]]) -> None:
        """File each group (by position) under the keys that must be present for it to match."""
        by_key: dict[str, set[int]] = {}
        always: set[int] = set()
        for position, patterns in enumerate(groups):
            if any(not pattern.triggers for pattern in patterns):
                always.add(position)
                continue
            for pattern in patterns:
                for key in pattern.triggers[0].keys:
                    by_key.setdefault(key, set()).add(position)
        self._by_key = {key: frozenset(found) for key, found in by_key.items()}
        self._always = frozenset(always)

    def candidates(self, keys: frozenset[str]) -> frozenset[int]:
        """Positions of the groups that could match a sentence with these keys."""
        found = set(self._always)
        for key in keys:
            hit = self._by_key.get(key)
            if hit is not None:
                found.update(hit)
        return frozenset(found)


def sentence_keys(tokens: Sequence[Token]) -> frozenset[str]:
    """Every form, stem and form prefix (as ``"pre*"``) of some tokens, for trigger tests."""
    if isinstance(tokens, Sentence):
        return tokens.trigger_keys
    return Sentence(tokens).trigger_keys


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern; ``source`` is the text it came from, for messages."""

    source: str
    steps: tuple[Step, ...]
    triggers: tuple[Triggers, ...] = ()
    # Keys the first word must hold (None when it is optional): most start positions fail here.
    head: Triggers | None = None

    def could_start(self, token: Token) -> bool:
        """Tell cheaply whether a match could begin at this token."""
        return self.head is None or not self.head.keys.isdisjoint(token.keys)

    def spans(
        self,
        tokens: Sequence[Token],
        masked: frozenset[int] = frozenset(),
        keys: frozenset[str] | None = None,
    ) -> list[Span]:
        """Return every (start, end) span where the pattern matches unmasked tokens."""
        if self.triggers:
            keys = sentence_keys(tokens) if keys is None else keys
            if not all(trigger.present(keys) for trigger in self.triggers):
                return []
        found: list[Span] = []
        for start in range(len(tokens)):
            if start in masked or not self.could_start(tokens[start]):
                continue
            for end in _match_steps(self.steps, 0, tokens, start, masked, first=True):
                found.append((start, end))
                break
        return found

    def found_in(
        self,
        tokens: Sequence[Token],
        masked: frozenset[int] = frozenset(),
        keys: frozenset[str] | None = None,
    ) -> bool:
        """Tell whether the pattern matches anywhere in ``tokens``."""
        return bool(self.spans(tokens, masked, keys))


Span = tuple[int, int]


def _match_steps(
    steps: tuple[Step, ...],
    index: int,
    tokens: Sequence[Token],
    position: int,
    masked: frozenset[int],
    *,
    first: bool = False,
) -> list[int]:
    """Return end positions reachable by matching ``steps[index:]`` from ``position``."""
    if index == len(steps):
        return [position]
    step = steps[index]
    ends: list[int] = []
    if step.optional:
        ends.extend(_match_steps(steps, index + 1, tokens, position, masked, first=first))
    gap = 0 if first else step.gap_before
    for offset in range(gap + 1):
        at = position + offset
        if at >= len(tokens) or any(p in masked for p in range(position, at + 1)):
            break
        for after in _match_step(step, tokens, at, masked):
            ends.extend(_match_steps(steps, index + 1, tokens, after, masked))
    return ends


def _match_step(step: Step, tokens: Sequence[Token], at: int, masked: frozenset[int]) -> list[int]:
    """Return the positions just after ``step`` when it matches starting exactly at ``at``."""
    ends: list[int] = []
    for alternative in step.alternatives:
        if isinstance(alternative, Word):
            if alternative.matches(tokens[at]):
                ends.append(at + 1)
        else:
            for member in alternative.members:
                if member.could_start(tokens[at]):
                    ends.extend(_match_steps(member.steps, 0, tokens, at, masked, first=True))
    return ends


@dataclass(frozen=True)
class WordForms:
    """How to fold a pattern's literal word into the forms tokens carry."""

    normalise: Callable[[str], Sequence[str]]
    lemmatise: Callable[[str], str]
    stem: Callable[[str], str]


def compile_pattern(
    source: str, forms: WordForms, classes: Mapping[str, tuple[Pattern, ...]] | None = None
) -> Pattern:
    """Compile pattern text, raising PatternError when it is malformed or cannot match."""
    steps: list[Step] = []
    gap = 0
    for part in source.split():
        if part.startswith(".."):
            gap = _parse_gap(part, source)
            continue
        optional = part.startswith("[") and part.endswith("]")
        body = part[1:-1] if optional else part
        alternatives = tuple(
            alt
            for choice in body.split("|")
            for alt in _alternatives(choice, forms, classes or {})
        )
        if not alternatives:
            raise PatternError(f"{source!r}: {part!r} has no word that can match")
        steps.append(_shared(Step(alternatives, optional=optional, gap_before=gap)))
        gap = 0
    if not steps or all(step.optional for step in steps):
        raise PatternError(f"{source!r}: needs at least one required word")
    if gap:
        raise PatternError(f"{source!r}: a gap must sit between two words")
    head = None if steps[0].optional else _head_triggers(steps[0])
    return Pattern(source, tuple(steps), _pattern_triggers(steps), head)


def _pattern_triggers(steps: Sequence[Step]) -> tuple[Triggers, ...]:
    """Every required step must find one of its keys in the sentence before matching is tried."""
    found = (_step_triggers(step) for step in steps if not step.optional)
    return tuple(sorted((t for t in found if t is not None), key=lambda t: len(t.keys)))


def _step_triggers(step: Step) -> Triggers | None:
    """Keys a sentence must hold somewhere for this step to match in it."""
    # A member matches only if all its triggers are present, so any one of them will do.
    return _step_keys(step, lambda member: member.triggers[0] if member.triggers else None)


def _head_triggers(step: Step) -> Triggers | None:
    """Keys the word a match starts on must hold: a class member's own first word counts."""
    return _step_keys(step, lambda member: member.head)


def _step_keys(step: Step, member_keys: Callable[[Pattern], Triggers | None]) -> Triggers | None:
    """Gather a step's keys: its words' own, and ``member_keys`` of each class member."""
    keys: set[str] = set()
    for alternative in step.alternatives:
        if isinstance(alternative, Word):
            keys.update(_word_keys(alternative))
            continue
        for member in alternative.members:
            found = member_keys(member)
            if found is None:
                return None
            keys.update(found.keys)
    return _shared(Triggers(frozenset(keys)))


def _word_keys(word: Word) -> set[str]:
    if word.prefix:
        return {f"{form}*" for form in word.forms}
    return {*word.forms, word.stem}


def _parse_gap(part: str, source: str) -> int:
    digits = part[2:]
    if not digits:
        return DEFAULT_GAP
    if not digits.isdigit() or not 1 <= int(digits) <= MAX_GAP:
        raise PatternError(f"{source!r}: gap {part!r} must be '..' or '..N' with N from 1 to 12")
    return int(digits)


def _alternatives(
    choice: str, forms: WordForms, classes: Mapping[str, tuple[Pattern, ...]]
) -> list[Alternative]:
    if not choice:
        return []
    if choice.startswith("@"):
        name = choice[1:]
        if name not in classes:
            raise PatternError(f"unknown class @{name}")
        return [ClassRef(name, classes[name])]
    if "_" in choice.strip("_"):
        return [_phrase(choice, " ".join(choice.split("_")), forms, classes)]
    exact, prefix = choice.startswith("="), choice.endswith("*")
    word = choice.lstrip("=").rstrip("*")
    words = forms.normalise(word)
    if len(words) != 1:
        # A contraction such as "can't" expands to several words: match them as a phrase.
        return (
            [_phrase(word, " ".join(words), forms, classes)]
            if words and not (prefix or exact)
            else []
        )
    folded = words[0]
    if prefix:
        return [_shared(Word(frozenset({folded}), folded, prefix=True))]
    return [_word(word, folded, forms, exact=exact)]


def _phrase(
    name: str, text: str, forms: WordForms, classes: Mapping[str, tuple[Pattern, ...]]
) -> ClassRef:
    return ClassRef(name, (compile_pattern(text, forms, classes),))


def _word(word: str, folded: str, forms: WordForms, *, exact: bool) -> Word:
    # Lemmatise the accented spelling when it is the same word: 'tocó' is known, 'toco' is not.
    lemma = fold(forms.lemmatise(word.casefold() if fold(word) == folded else folded))
    return _shared(
        Word(
            frozenset({folded}) if exact else frozenset({folded, lemma}),
            forms.stem(folded),
            exact=exact,
        )
    )
