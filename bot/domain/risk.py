"""Fixed safeguarding rules over lemmas: look-alikes first, then rules, then softening."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from bot.domain.model import RiskLevel, Strength
from bot.domain.patterns import Pattern, Span, TriggerIndex, sentence_keys
from bot.domain.text import Token


class Scope(StrEnum):
    """Where a rule's ``also`` patterns must be found: the matching sentence or the whole text."""

    SENTENCE = "sentence"
    TEXT = "text"


@dataclass(frozen=True)
class RiskRule:
    """Any of ``patterns``, plus every one of ``also``, raises ``level`` at ``strength``."""

    id: str
    level: RiskLevel
    strength: Strength
    patterns: tuple[Pattern, ...]
    also: tuple[Pattern, ...] = ()
    scope: Scope = Scope.SENTENCE


@dataclass(frozen=True)
class RiskLexicon:
    """A locale's rules with the cues that mask or soften them."""

    rules: tuple[RiskRule, ...]
    lookalikes: tuple[Pattern, ...] = ()
    negators: tuple[Pattern, ...] = ()
    negation_window: int = 3
    resolved: tuple[Pattern, ...] = ()
    fiction: tuple[Pattern, ...] = ()

    @cached_property
    def rule_index(self) -> TriggerIndex:
        """Which rules could fire on a sentence, from its keys (built on first use)."""
        return TriggerIndex([rule.patterns for rule in self.rules])

    @cached_property
    def lookalike_index(self) -> TriggerIndex:
        """Which look-alikes could mask words of a sentence, from its keys."""
        return TriggerIndex([(pattern,) for pattern in self.lookalikes])


@dataclass(frozen=True)
class RiskFinding:
    """One flag: its level, how sure it is, and which rule (or net) raised it."""

    level: RiskLevel
    strength: Strength
    source: str


def find_risks(sentences: Sequence[Sequence[Token]], lexicon: RiskLexicon) -> list[RiskFinding]:
    """Return every flag the rules raise, softened where the text negates or resolves it."""
    keys = [sentence_keys(sentence) for sentence in sentences]
    masks = [_masked(s, k, lexicon) for s, k in zip(sentences, keys, strict=True)]
    resolved = any(
        pattern.found_in(sentence, keys=k)
        for sentence, k in zip(sentences, keys, strict=True)
        for pattern in lexicon.resolved
    )
    context = _Context(sentences, masks, keys)
    candidates = [lexicon.rule_index.candidates(k) for k in keys]
    findings = []
    for position in sorted(frozenset().union(*candidates)):  # the rules' own order
        rule = lexicon.rules[position]
        for index, sentence in enumerate(sentences):
            if position not in candidates[index]:
                continue
            span = _rule_span(rule, index, context)
            if span is None:
                continue
            strength = _strength(rule, sentence, span, lexicon, resolved=resolved)
            findings.append(RiskFinding(rule.level, strength, rule.id))
            break
    return findings


def strongest(findings: Iterable[RiskFinding]) -> RiskFinding | None:
    """Pick the flag to act on: any sure flag first, then the most urgent level."""
    found = sorted(
        findings,
        key=lambda f: (f.strength is not Strength.SIGNPOST, f.level.urgency),
    )
    return found[0] if found else None


@dataclass(frozen=True)
class _Context:
    """Sentences with their look-alike masks and trigger keys, computed once per text."""

    sentences: Sequence[Sequence[Token]]
    masks: Sequence[frozenset[int]]
    keys: Sequence[frozenset[str]]

    def found(self, pattern: Pattern, index: int) -> bool:
        return pattern.found_in(self.sentences[index], self.masks[index], self.keys[index])


def _masked(
    sentence: Sequence[Token], keys: frozenset[str], lexicon: RiskLexicon
) -> frozenset[int]:
    """Positions covered by a look-alike ('cut her fringe'), which no rule may use."""
    return frozenset(
        position
        for index in lexicon.lookalike_index.candidates(keys)
        for start, end in lexicon.lookalikes[index].spans(sentence, keys=keys)
        for position in range(start, end)
    )


def _rule_span(rule: RiskRule, index: int, context: _Context) -> Span | None:
    sentence, masked, keys = context.sentences[index], context.masks[index], context.keys[index]
    for pattern in rule.patterns:
        spans = pattern.spans(sentence, masked, keys)
        if spans and all(_also_found(p, rule.scope, index, context) for p in rule.also):
            return spans[0]
    return None


def _also_found(pattern: Pattern, scope: Scope, index: int, context: _Context) -> bool:
    if scope is Scope.SENTENCE:
        return context.found(pattern, index)
    return any(context.found(pattern, i) for i in range(len(context.sentences)))


def _strength(
    rule: RiskRule,
    sentence: Sequence[Token],
    span: Span,
    lexicon: RiskLexicon,
    *,
    resolved: bool,
) -> Strength:
    """Soften to a note for fiction, and for negated or resolved concerns other than danger."""
    if any(pattern.found_in(sentence) for pattern in lexicon.fiction):
        return Strength.NOTE
    if rule.level is RiskLevel.DANGER:
        return rule.strength  # negation never cancels or softens danger
    before = sentence[max(0, span[0] - lexicon.negation_window) : span[0]]
    if resolved or any(pattern.found_in(before) for pattern in lexicon.negators):
        return Strength.NOTE
    return rule.strength
