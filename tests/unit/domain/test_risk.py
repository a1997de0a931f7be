"""Risk decisions: look-alikes mask, negation softens disclosure and distress, never danger."""

from __future__ import annotations

from bot.domain.judgement import NetThresholds, doubted, semantic_risk
from bot.domain.model import RiskLevel, Strength
from bot.domain.risk import RiskFinding, RiskLexicon, RiskRule, Scope, find_risks, strongest
from tests.unit.domain.words import normaliser, pattern


def _lexicon(**extra: object) -> RiskLexicon:
    rules = (
        RiskRule("die", RiskLevel.DANGER, Strength.SIGNPOST, (pattern("want ..2 die"),)),
        RiskRule("abuse", RiskLevel.DISCLOSURE, Strength.SIGNPOST, (pattern("abus*"),)),
        RiskRule("cope", RiskLevel.DISTRESS, Strength.SIGNPOST, (pattern("can not cope"),)),
        RiskRule(
            "late",
            RiskLevel.DANGER,
            Strength.SIGNPOST,
            (pattern("not ..2 come ..1 back"),),
            also=(pattern("night|midnight"),),
            scope=Scope.TEXT,
        ),
    )
    return RiskLexicon(
        rules=rules,
        lookalikes=(pattern("die ..2 laugh*"),),
        negators=(pattern("no|not|never"),),
        resolved=(pattern("turn* out"),),
        fiction=(pattern("film|book"),),
        **extra,  # type: ignore[arg-type]
    )


def _flag(text: str) -> RiskFinding | None:
    return strongest(find_risks(normaliser("en").sentences(text), _lexicon()))


def test_a_sure_rule_raises_a_signpost_at_its_level() -> None:
    """The most urgent level wins."""
    flag = _flag("I can't cope. He says he wants to die.")
    assert flag is not None and (flag.level, flag.strength) == (
        RiskLevel.DANGER,
        Strength.SIGNPOST,
    )


def test_negation_softens_disclosure_but_never_danger() -> None:
    """'no sign of abuse' is a note; 'doesn't want to die' is still danger."""
    soft = _flag("no sign of abuse at all")
    assert soft is not None and soft.strength is Strength.NOTE
    danger = _flag("he says he doesnt want to die anymore")
    assert danger is not None and danger.strength is Strength.SIGNPOST


def test_a_resolved_concern_softens_and_fiction_softens_any_level() -> None:
    """'it turned out' and a film both leave a note, not a signpost."""
    resolved = _flag("I thought it was abuse but it turned out she fell")
    assert resolved is not None and resolved.strength is Strength.NOTE
    film = _flag("in the film the girl wants to die")
    assert film is not None and (film.level, film.strength) == (RiskLevel.DANGER, Strength.NOTE)


def test_look_alikes_mask_idioms() -> None:
    """'dying of laughter' uses the words of a rule but raises nothing."""
    assert _flag("we were dying of laughter") is None


def test_also_patterns_can_need_the_whole_text() -> None:
    """'not come back' needs a time cue somewhere in the text."""
    assert _flag("he did not come back to the table") is None
    flag = _flag("He did not come back. It is midnight.")
    assert flag is not None and flag.level is RiskLevel.DANGER


def test_semantic_net_raises_a_note_for_the_text_or_one_very_sure_sentence() -> None:
    """The whole text needs the lower threshold; a single sentence the higher one."""
    low = {"danger": 0.5, "disclosure": 0.2, "distress": 0.1, "safe": 0.2}
    sure = {"danger": 0.02, "disclosure": 0.96, "distress": 0.0, "safe": 0.02}
    distress = {"danger": 0.1, "disclosure": 0.0, "distress": 0.7, "safe": 0.2}
    thresholds = NetThresholds(text=0.65, sentence=0.95)
    assert semantic_risk(low, [low, distress], thresholds) is None
    assert semantic_risk(distress, [low], thresholds) == RiskFinding(
        RiskLevel.DISTRESS, Strength.NOTE, "semantic"
    )
    assert semantic_risk(low, [low, sure], thresholds) == RiskFinding(
        RiskLevel.DISCLOSURE, Strength.NOTE, "semantic"
    )


def test_strongest_acts_on_a_sure_flag_at_its_own_level() -> None:
    """A sure disclosure beside an unsure danger is the disclosure signpost; else most urgent."""
    found = strongest(
        [
            RiskFinding(RiskLevel.DANGER, Strength.NOTE, "a"),
            RiskFinding(RiskLevel.DISCLOSURE, Strength.SIGNPOST, "b"),
            RiskFinding(RiskLevel.DISTRESS, Strength.SIGNPOST, "c"),
        ]
    )
    assert found == RiskFinding(RiskLevel.DISCLOSURE, Strength.SIGNPOST, "b")
    notes = strongest(
        [
            RiskFinding(RiskLevel.DISTRESS, Strength.NOTE, "a"),
            RiskFinding(RiskLevel.DANGER, Strength.NOTE, "b"),
        ]
    )
    assert notes == RiskFinding(RiskLevel.DANGER, Strength.NOTE, "b")
    assert strongest([]) is None


def test_a_sure_rule_the_net_reads_as_safe_everywhere_becomes_a_note_but_never_danger() -> None:
    """Disclosure and distress signposts turn to notes when every reading is safe; danger stays."""
    found = [
        RiskFinding(RiskLevel.DANGER, Strength.SIGNPOST, "die"),
        RiskFinding(RiskLevel.DISCLOSURE, Strength.SIGNPOST, "abuse"),
        RiskFinding(RiskLevel.DISTRESS, Strength.SIGNPOST, "cope"),
    ]
    assert doubted(found, [0.97, 0.95, 0.99], doubt=0.9) == [
        RiskFinding(RiskLevel.DANGER, Strength.SIGNPOST, "die"),
        RiskFinding(RiskLevel.DISCLOSURE, Strength.NOTE, "abuse"),
        RiskFinding(RiskLevel.DISTRESS, Strength.NOTE, "cope"),
    ]
    assert doubted(found, [0.97, 0.4, 0.99], doubt=0.9) == found  # one sentence reads as risk
    assert doubted(found, [], doubt=0.9) == found  # nothing read: rules stand
    assert doubted(found, [1.0], doubt=1.01) == found  # a locale may switch doubting off
