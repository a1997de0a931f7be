"""Compile a locale's judgement data (rules, cues, lexicons) and prove every rule can match."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from bot.domain.judgement import DimensionLexicon, ToneLexicon
from bot.domain.model import Dimension, RiskLevel, Strength, Tone
from bot.domain.patterns import Pattern, PatternError, WordForms, compile_pattern
from bot.domain.risk import RiskLexicon, RiskRule, find_risks, strongest
from bot.domain.text import (
    MAX_ACKNOWLEDGEMENT_WORDS,
    Normaliser,
    acknowledgement_words,
    fold,
    tokenise,
)
from bot.packs.language import corrector_for, stemmer_for
from bot.packs.lines import LineIndex
from bot.packs.schema import ExemplarsFile, LanguageFile, RiskRulesFile, SemanticTable
from bot.packs.wordbook import WordBook

SAFE_LABEL = "safe"
RISK_LABELS = (*(level.value for level in RiskLevel), SAFE_LABEL)
MIN_RISK_EXEMPLARS = 10
MIN_OTHER_EXEMPLARS = 5

Report = Callable[[Path, int, str], None]


@dataclass(frozen=True)
class SourceFile:
    """Where a parsed file came from, to report problems as ``file:line``.

    An agency layer appends its rules and look-alikes after the shipped ones; ``overlay`` and
    ``offsets`` send a problem in an appended entry to the agency's file and line.
    """

    path: Path
    index: LineIndex
    overlay: SourceFile | None = None
    offsets: tuple[tuple[str, int], ...] = ()

    def locate(self, key: tuple[str | int, ...]) -> tuple[Path, int]:
        """Return the file and line a parsed key came from."""
        offset = dict(self.offsets).get(str(key[0])) if key else None
        if self.overlay is not None and offset is not None and len(key) > 1:
            position = key[1]
            if isinstance(position, int) and position >= offset:
                return self.overlay.locate((key[0], position - offset, *key[2:]))
        return self.path, self.index.line_of(key)


@dataclass(frozen=True)
class RawJudgement:
    """A locale's three validated judgement files, before compiling."""

    language: LanguageFile
    rules: RiskRulesFile
    exemplars: ExemplarsFile
    language_source: SourceFile
    rules_source: SourceFile
    exemplars_source: SourceFile
    # The digest of the bytes these were parsed from (see ``files_digest``); "" when unknown.
    files_digest: str = ""


def files_digest(locale: str, paths: Iterable[Path]) -> str:
    """Key a locale's judgement files by their bytes, so a proved locale need not be parsed."""
    digest = hashlib.sha256(f"files\0{locale}".encode())
    for path in paths:
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


ReadJudgement = Callable[[], RawJudgement]


@dataclass(frozen=True)
class LocaleJudgement:
    """Everything the engine needs for one locale, compiled once at start-up."""

    locale: str
    normaliser: Normaliser
    risk: RiskLexicon
    tone: ToneLexicon
    dimensions: DimensionLexicon
    function_words: frozenset[str]
    semantic: SemanticTable
    exemplars: ExemplarsFile
    acknowledgements: frozenset[tuple[str, ...]] = frozenset()

    def keyword_pattern(self, keyword: str) -> Pattern | None:
        """Compile a suggestion keyword as a phrase; None when it is only function words."""
        words = self.normaliser.words(keyword)
        if not words or all(word in self.function_words for word in words):
            return None
        return compile_pattern(" ".join(words), self._forms())

    def _forms(self) -> WordForms:
        return WordForms(self.normaliser.words, self.normaliser.lemmatise, self.normaliser.stem)


class _Compiler:
    """Compile pattern lists of one locale, reporting each failure at its file and line."""

    def __init__(self, forms: WordForms, report: Report) -> None:
        self.forms = forms
        self.report = report
        self.classes: dict[str, tuple[Pattern, ...]] = {}
        self.failed = False

    def patterns(
        self, sources: Iterable[str], where: SourceFile, key: tuple[str | int, ...]
    ) -> tuple[Pattern, ...]:
        compiled = []
        for source in sources:
            try:
                compiled.append(compile_pattern(source, self.forms, self.classes))
            except PatternError as error:
                self.failed = True
                self.report(*where.locate(key), f"{'.'.join(map(str, key))}: {error}")
        return tuple(compiled)


# `packs check` and `packs embed` prove every rule on its examples; a running bot skips the
# proofs for judgement files that such a run proved (recorded in words.tsv by their digest).
_PROOFS = {"always": False}


def always_prove() -> None:
    """Make every compile in this process prove its rules, whatever words.tsv records."""
    _PROOFS["always"] = True


def proving_everything() -> bool:
    """Tell whether this process checks content fully (packs check, packs embed)."""
    return _PROOFS["always"]


# Compiling a locale takes seconds (dictionaries, every rule proved on its examples); a process
# that loads the same content twice (a reload, the test suite's copies) reuses a clean result.
# A clean compile remembers whether its rules were proved on their examples in this process.
_CLEAN_COMPILES: dict[tuple[str, str, str, str], tuple[LocaleJudgement, bool]] = {}


def judgement_digest(locale: str, raw: RawJudgement) -> tuple[tuple[str, str, str, str], str]:
    """Key a locale's three judgement files by their content: the cache key and its digest."""
    key = (
        locale,
        raw.language.model_dump_json(),
        raw.rules.model_dump_json(),
        raw.exemplars.model_dump_json(),
    )
    return key, hashlib.sha256("\0".join(key).encode()).hexdigest()[:32]


def compile_locale(
    locale: str, raw: RawJudgement, report: Report, words: WordBook
) -> LocaleJudgement | None:
    """Compile one locale, or reuse this process's clean compile of the very same data."""
    key, digest = judgement_digest(locale, raw)
    prove = _PROOFS["always"] or not words.proved(locale, digest)
    known, proved = _CLEAN_COMPILES.get(key, (None, False))
    if known is not None and (proved or not prove):
        return known
    compiled = _compile(locale, raw, report, words, prove=prove)
    if compiled is not None:
        words.record_proof(locale, digest)
        if raw.files_digest:  # the same proof, keyed by the bytes: lets a bot skip parsing
            words.record_proof(locale, raw.files_digest)
        _CLEAN_COMPILES[key] = (compiled, prove)
    return compiled


class LocaleJudgements(Mapping[str, LocaleJudgement]):
    """Every enabled locale's judgement, read and compiled when a carer of it first needs it.

    A bot serving one or two languages should not spend seconds and megabytes on ten. Files
    that a full check proved (their digest is in words.tsv) are neither parsed nor compiled
    at load; any other files compile at load, so that their problems stop the bot first.
    """

    def __init__(self, words: WordBook) -> None:
        """Start empty; the loader adds each locale's files with ``add`` or ``add_unread``."""
        self._words = words
        self._raw: dict[str, RawJudgement | None] = {}
        self._readers: dict[str, ReadJudgement] = {}
        self._compiled: dict[str, LocaleJudgement] = {}
        self._lock = threading.RLock()

    def add(self, locale: str, raw: RawJudgement, report: Report) -> None:
        """Take a locale's parsed files: compile them now unless a full check proved them."""
        _key, digest = judgement_digest(locale, raw)
        if _PROOFS["always"] or not self._words.proved(locale, digest):
            compiled = compile_locale(locale, raw, report, self._words)
            if compiled is None:
                return
            self._compiled[locale] = compiled
        elif not _check_levels(raw, report):
            return
        self._raw[locale] = raw

    def add_unread(self, locale: str, read: ReadJudgement) -> None:
        """Take a locale whose files a full check proved, byte for byte: read them on first use."""
        self._raw[locale] = None
        self._readers[locale] = read

    def exemplars(self, locale: str) -> ExemplarsFile:
        """Return a locale's exemplars without compiling its rules (the semantic net's data)."""
        return self._read(locale).exemplars

    def semantic(self, locale: str) -> SemanticTable:
        """Return a locale's semantic settings without compiling its rules."""
        return self._read(locale).language.semantic

    @property
    def compiled(self) -> tuple[str, ...]:
        """Name the locales compiled so far (for benchmarks and tests)."""
        return tuple(self._compiled)

    @property
    def read(self) -> tuple[str, ...]:
        """Name the locales whose files have been parsed so far (for benchmarks and tests)."""
        return tuple(locale for locale, raw in self._raw.items() if raw is not None)

    def __getitem__(self, locale: str) -> LocaleJudgement:
        """Return the locale's compiled judgement, compiling it on this first read."""
        compiled = self._compiled.get(locale)
        if compiled is not None:
            return compiled
        with self._lock:
            if locale not in self._compiled:
                self._compiled[locale] = self._compile_proved(locale, self._read(locale))
            return self._compiled[locale]

    def _read(self, locale: str) -> RawJudgement:
        raw = self._raw[locale]  # KeyError: no such locale, as for any Mapping
        if raw is not None:
            return raw
        with self._lock:
            raw = self._raw[locale]
            if raw is None:
                raw = self._raw[locale] = self._readers.pop(locale)()
            return raw

    def _compile_proved(self, locale: str, raw: RawJudgement) -> LocaleJudgement:
        problems: list[str] = []
        compiled = compile_locale(
            locale,
            raw,
            lambda path, line, text: problems.append(f"{path}:{line}: {text}"),
            self._words,
        )
        if compiled is None:
            raise RuntimeError(f"judgement files proved by packs check fail now: {problems}")
        return compiled

    def __iter__(self) -> Iterator[str]:
        """Name every locale with judgement files, compiled or not."""
        return iter(self._raw)

    def __len__(self) -> int:
        """Count every locale with judgement files, compiled or not."""
        return len(self._raw)


def _compile(
    locale: str, raw: RawJudgement, report: Report, words: WordBook, *, prove: bool
) -> LocaleJudgement | None:
    """Compile one locale; report problems and return None if any rule or list cannot work."""
    language, rules = raw.language, raw.rules
    base = Normaliser(
        replacements={fold(k): v for k, v in language.normalise.replacements.items()},
        clitics={fold(k): v for k, v in language.normalise.clitics.items()},
        # Longest first, so "وال" is tried before "و".
        prefixes=tuple(
            sorted({fold(p) for p in language.normalise.prefixes}, key=len, reverse=True)
        ),
        lemmatise=words.lemmatiser(locale),
        stem=stemmer_for(locale),
        known=words.known_word(locale),
    )
    # Rules repeat their words thousands of times: each is normalised once per compile.
    words_of = cache(lambda text: tuple(base.words(text)))
    compiler = _Compiler(WordForms(words_of, base.lemmatise, base.stem), report)
    where = raw.rules_source
    for name, members in rules.classes.items():
        compiler.classes[name] = compiler.patterns(members, where, ("classes", name))
    risk_rules = tuple(
        RiskRule(
            id=item.id,
            level=item.level,
            strength=item.strength,
            patterns=compiler.patterns(item.match, where, ("rule", i, "match")),
            also=compiler.patterns(item.also, where, ("rule", i, "also")),
            scope=item.scope,
        )
        for i, item in enumerate(rules.rule)
    )
    lookalikes = {
        item.id: compiler.patterns(item.match, where, ("lookalike", i, "match"))
        for i, item in enumerate(rules.lookalike)
    }
    cues, lang_where = language.cues, raw.language_source
    lexicon = RiskLexicon(
        rules=risk_rules,
        lookalikes=tuple(p for group in lookalikes.values() for p in group),
        negators=compiler.patterns(cues.negators, lang_where, ("cues", "negators")),
        negation_window=rules.negation_window,
        resolved=compiler.patterns(rules.resolved, where, ("resolved",)),
        fiction=compiler.patterns(rules.fiction, where, ("fiction",)),
    )
    tone = ToneLexicon(
        struggle=compiler.patterns(language.tone.struggle, lang_where, ("tone", "struggle")),
        positive=compiler.patterns(language.tone.positive, lang_where, ("tone", "positive")),
        negators=lexicon.negators,
        intensifiers=compiler.patterns(cues.intensifiers, lang_where, ("cues", "intensifiers")),
        contrast=compiler.patterns(cues.contrast, lang_where, ("cues", "contrast")),
    )
    dimensions = DimensionLexicon(
        {
            dimension: compiler.patterns(
                language.dimension.get(dimension, []), lang_where, ("dimension", dimension.value)
            )
            for dimension in Dimension
        }
    )
    # A fresh memo: tokens built before the corrector existed must not be reused.
    normaliser = replace(base, correct=corrector_for(_vocabulary(rules, compiler.forms)), _memo={})
    judgement = LocaleJudgement(
        locale=locale,
        normaliser=normaliser,
        risk=lexicon,
        tone=tone,
        dimensions=dimensions,
        function_words=frozenset(fold(w) for w in language.normalise.function_words),
        semantic=language.semantic,
        exemplars=raw.exemplars,
        acknowledgements=frozenset(
            map(acknowledgement_words, language.acknowledgement.whole_texts)
        ),
    )
    proofs_pass = not prove or (
        _check_rules(judgement, raw, report)
        & _check_lookalikes(judgement, raw, lookalikes, report)
    )
    checks_pass = (
        proofs_pass
        & _check_levels(raw, report)
        & _check_exemplars(judgement, raw, report)
        & _check_lexicons(judgement, raw, report)
    )
    return judgement if checks_pass and not compiler.failed else None


def _vocabulary(rules: RiskRulesFile, forms: WordForms) -> set[str]:
    """Every literal word the risk rules use: what a misspelling is corrected towards."""
    sources = [*(m for members in rules.classes.values() for m in members)]
    sources += [source for item in rules.rule for source in (*item.match, *item.also)]
    words: set[str] = set()
    for source in sources:
        for part in source.replace("[", " ").replace("]", " ").replace("|", " ").split():
            if not part.startswith(("@", "..")) and not part.endswith("*"):
                words.update(forms.normalise(part.lstrip("=")))
    return words


def _check_rules(judgement: LocaleJudgement, raw: RawJudgement, report: Report) -> bool:
    """Every rule must fire on each of its own examples."""
    ok = True
    where = raw.rules_source
    for i, (item, rule) in enumerate(zip(raw.rules.rule, judgement.risk.rules, strict=True)):
        # The rule alone, with the locale's look-alikes and cues: what it would fire on.
        alone = replace(judgement.risk, rules=(rule,))
        for example in item.examples:
            if not find_risks(judgement.normaliser.sentences(example), alone):
                ok = False
                report(
                    *where.locate(("rule", i, "examples")),
                    f"rule.{i}.examples: rule {item.id!r} does not match its example {example!r}",
                )
    return ok


def _check_levels(raw: RawJudgement, report: Report) -> bool:
    """Every level needs a sure rule, or safeguarding would be off for it (always checked)."""
    ok = True
    where = raw.rules_source
    for level in RiskLevel:
        if not any(r.level is level and r.strength is Strength.SIGNPOST for r in raw.rules.rule):
            ok = False
            report(where.path, 1, f"no signpost rule for level {level.value!r}")
    return ok


def _check_lookalikes(
    judgement: LocaleJudgement,
    raw: RawJudgement,
    lookalikes: Mapping[str, tuple[Pattern, ...]],
    report: Report,
) -> bool:
    """A look-alike must cover its examples, and no example may end in a signpost."""
    ok = True
    where = raw.rules_source
    for i, item in enumerate(raw.rules.lookalike):
        for example in item.examples:
            sentences = judgement.normaliser.sentences(example)
            covered = any(p.found_in(s) for p in lookalikes[item.id] for s in sentences)
            flag = strongest(find_risks(sentences, judgement.risk))
            if not covered or (flag is not None and flag.strength is Strength.SIGNPOST):
                ok = False
                problem = "is not matched by it" if not covered else "still raises a signpost"
                report(
                    *where.locate(("lookalike", i, "examples")),
                    f"lookalike.{i}.examples: {example!r} {problem}",
                )
    return ok


def _check_exemplars(judgement: LocaleJudgement, raw: RawJudgement, report: Report) -> bool:
    """The net needs every label filled with sentences that contain words."""
    ok = True
    where = raw.exemplars_source
    tables: list[tuple[str, Mapping[str, list[str]], Iterable[str], int]] = [
        ("risk", raw.exemplars.risk, RISK_LABELS, MIN_RISK_EXEMPLARS),
        (
            "dimension",
            {str(k): v for k, v in raw.exemplars.dimension.items()},
            [d.value for d in Dimension],
            MIN_OTHER_EXEMPLARS,
        ),
        (
            "tone",
            {str(k): v for k, v in raw.exemplars.tone.items()},
            [Tone.STRUGGLE.value, Tone.POSITIVE.value],
            MIN_OTHER_EXEMPLARS,
        ),
    ]
    for table, groups, labels, minimum in tables:
        for label in labels:
            texts = groups.get(label, [])
            key = (table, label)
            if len(texts) < minimum:
                ok = False
                report(
                    *where.locate(key),
                    f"{table}.{label}: needs at least {minimum} exemplars, has {len(texts)}",
                )
            for text in texts:
                if not tokenise(text):
                    ok = False
                    report(
                        *where.locate(key),
                        f"{table}.{label}: {text!r} has no words and can never match",
                    )
        for extra in sorted(set(map(str, groups)) - set(labels)):
            ok = False
            report(
                *where.locate((table, extra)),
                f"{table}: unknown label {extra!r}",
            )
    return ok


def _check_lexicons(judgement: LocaleJudgement, raw: RawJudgement, report: Report) -> bool:
    """Each dimension needs phrases of its own; an acknowledgement needs words to compare."""
    ok = True
    where = raw.language_source
    for i, phrase in enumerate(raw.language.acknowledgement.whole_texts):
        words = acknowledgement_words(phrase)
        if not words or len(words) > MAX_ACKNOWLEDGEMENT_WORDS:
            ok = False
            report(
                *where.locate(("acknowledgement", "whole_texts", i)),
                f"acknowledgement.whole_texts: {phrase!r} needs 1 to "
                f"{MAX_ACKNOWLEDGEMENT_WORDS} words or emoji",
            )
    for dimension, patterns in judgement.dimensions.items():
        if not patterns:
            ok = False
            report(
                *where.locate(("dimension",)),
                f"dimension.{dimension.value}: needs at least one phrase",
            )
    return ok
