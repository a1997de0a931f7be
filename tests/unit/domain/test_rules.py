"""Rotation, ranking, tone and risk rules, with literal inputs."""

from __future__ import annotations

import pytest

from bot.domain.errors import EmptyReflectionError, ReflectionTooLongError
from bot.domain.model import AgeBand, Dimension, Role, Tone
from bot.domain.ranking import Reading, SuggestionFacts, keyword_hits, rank_suggestions
from bot.domain.reflection import MAX_REFLECTION_LENGTH, clean_reflection
from bot.domain.rotation import Audience, choose_least_used, dimension_order
from bot.domain.text import fold, tokenise
from tests.unit.domain.words import english, pattern


def test_dimension_order_starts_after_the_last_one() -> None:
    """The cycle continues where it left off and wraps around."""
    assert dimension_order(None)[0] is Dimension.AVAILABILITY
    assert dimension_order(Dimension.FAMILY_MEMBERSHIP)[0] is Dimension.AVAILABILITY
    assert dimension_order(Dimension.SENSITIVITY) == [
        Dimension.ACCEPTANCE,
        Dimension.COOPERATION,
        Dimension.FAMILY_MEMBERSHIP,
        Dimension.AVAILABILITY,
        Dimension.SENSITIVITY,
    ]


def test_least_used_never_repeats_before_the_pool_is_used_up() -> None:
    """Drawing n times from n prompts yields each once, then the cycle restarts."""
    pool = [f"p{i}" for i in range(6)]
    used: dict[str, int] = {}
    drawn = []
    for _ in range(12):
        choice = choose_least_used(pool, used=used, salt="carer-7")
        assert choice is not None
        used[choice] = used.get(choice, 0) + 1
        drawn.append(choice)
    assert sorted(drawn[:6]) == pool and sorted(drawn[6:]) == pool
    assert choose_least_used([], used={}, salt="x") is None


def test_audience_filters_by_band_and_role() -> None:
    """Empty means everyone; 'several ages' sees every band."""
    infants_only = Audience(age_bands=frozenset({AgeBand.INFANT}))
    assert infants_only.suits(age_band=AgeBand.INFANT, role=Role.FOSTER)
    assert not infants_only.suits(age_band=AgeBand.TEEN, role=Role.FOSTER)
    assert infants_only.suits(age_band=AgeBand.SEVERAL, role=Role.FOSTER)
    residential = Audience(roles=frozenset({Role.RESIDENTIAL}))
    assert not residential.suits(age_band=AgeBand.TEEN, role=Role.ADOPTER)


def _facts(
    item_id: str, keywords: set[str], tone: Tone | None = None, audience: Audience | None = None
) -> SuggestionFacts:
    return SuggestionFacts(
        item_id, tuple(pattern(k) for k in sorted(keywords)), tone, audience or Audience()
    )


def _reading(
    words: set[str],
    tone: Tone = Tone.NEUTRAL,
    band: AgeBand = AgeBand.MIDDLE,
    role: Role = Role.FOSTER,
) -> Reading:
    return Reading(english().sentences(" ".join(sorted(words))), tone, band, role)


def test_struggle_tone_first_then_keywords_then_audience() -> None:
    """A struggle gets a suggestion written for struggles first; keywords order the rest."""
    candidates = [
        _facts("plain", set()),
        _facts("bedtime", {"bedtime", "night"}),
        _facts("cheerful", set(), Tone.POSITIVE),
        _facts("support", set(), Tone.STRUGGLE),
        _facts("teen", set(), audience=Audience(age_bands=frozenset({AgeBand.TEEN}))),
    ]
    ranked = rank_suggestions(
        candidates, _reading({"night"}, Tone.STRUGGLE), last_given=None, given_counts={}, salt="s"
    )
    assert [f.id for f in ranked[:3]] == ["support", "bedtime", "plain"]
    assert ranked[-1].id == "cheerful"
    assert "teen" not in [f.id for f in ranked]
    neutral = rank_suggestions(
        candidates, _reading({"night"}), last_given=None, given_counts={}, salt="s"
    )
    assert neutral[0].id == "bedtime"


def test_last_suggestion_is_never_first_again() -> None:
    """The best match is skipped when it was the previous reply."""
    candidates = [_facts("best", {"night"}), _facts("other", set())]
    ranked = rank_suggestions(
        candidates, _reading({"night"}), last_given="best", given_counts={}, salt="s"
    )
    assert ranked[0].id == "other"
    only = rank_suggestions(
        [_facts("best", {"night"})],
        _reading({"night"}),
        last_given="best",
        given_counts={},
        salt="s",
    )
    assert only[0].id == "best"  # nothing else suits: better the same idea than none


def test_ties_go_to_the_suggestion_given_least() -> None:
    """With no keyword match, variety: the less-given suggestion comes first."""
    candidates = [_facts("a", set()), _facts("b", set())]
    ranked = rank_suggestions(
        candidates, _reading(set()), last_given=None, given_counts={"a": 3, "b": 1}, salt="s"
    )
    assert ranked[0].id == "b"


def test_fold_and_tokenise_fold_case_accents_and_apostrophes() -> None:
    """'Niño' and 'nino' compare equal; curly apostrophes are kept inside words."""
    assert fold("NIÑO Pequeño") == "nino pequeno"
    assert tokenise("She can\u2019t cope, 3 times!") == ["she", "can't", "cope", "3", "times"]


def test_keywords_match_as_phrases_not_loose_words() -> None:
    """A multi-word keyword needs its words together; inflections still reach it."""
    phrase = _facts("phrase", {"push away"})
    assert keyword_hits(phrase, english().sentences("he pushed me away at bedtime")) == 0
    assert keyword_hits(phrase, english().sentences("he keeps pushing away")) == 1
    assert keyword_hits(phrase, english().sentences("push the pram away")) == 0


def test_a_struggle_prefers_a_struggle_suggestion_and_a_good_moment_avoids_one() -> None:
    """Tone decides between otherwise equal suggestions; a clash is pushed down."""
    candidates = [_facts("struggle", set(), Tone.STRUGGLE), _facts("plain", set())]
    struggle = rank_suggestions(
        candidates, _reading(set(), Tone.STRUGGLE), last_given=None, given_counts={}, salt="s"
    )
    assert struggle[0].id == "struggle"
    good = rank_suggestions(
        candidates, _reading(set(), Tone.POSITIVE), last_given=None, given_counts={}, salt="s"
    )
    assert good[0].id == "plain"


@pytest.mark.parametrize("text", ["", "   \n "])
def test_empty_reflection_is_refused(text: str) -> None:
    """Whitespace is not a reflection."""
    with pytest.raises(EmptyReflectionError):
        clean_reflection(text)


def test_long_reflection_is_refused_not_truncated() -> None:
    """Over the limit raises with both numbers; at the limit is kept whole."""
    assert clean_reflection(" " + "a" * MAX_REFLECTION_LENGTH + " ") == "a" * MAX_REFLECTION_LENGTH
    with pytest.raises(ReflectionTooLongError) as error:
        clean_reflection("a" * (MAX_REFLECTION_LENGTH + 1))
    assert (error.value.length, error.value.limit) == (
        MAX_REFLECTION_LENGTH + 1,
        MAX_REFLECTION_LENGTH,
    )
