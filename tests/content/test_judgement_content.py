"""Safeguarding content that could switch judgement off, or never match, fails `packs check`."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import PROJECT_ROOT
from bot.packs import judgement
from bot.packs.loader import ContentError, load_raw_content
from bot.packs.registry import ContentRegistry
from bot.services.assess import SuggestionEngine
from tests.light import light_copy

CONTENT = PROJECT_ROOT / "content"


def _copy(tmp_path: Path) -> Path:
    return light_copy(tmp_path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _messages(content: Path) -> list[str]:
    with pytest.raises(ContentError) as error:
        load_raw_content(content)
    return [f"{issue.path.name}:{issue.line}: {issue.message}" for issue in error.value.issues]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_locale_without_judgement_files_is_refused(tmp_path: Path, locale: str) -> None:
    """Deleting a shipped locale's rules cannot silently switch safeguarding off."""
    content = _copy(tmp_path)
    (content / "judgement" / locale / "safeguarding.toml").unlink()
    assert any("safeguarding.toml:1: file is missing" in m for m in _messages(content))


def test_an_empty_rule_list_and_unmatchable_patterns_are_refused(tmp_path: Path) -> None:
    """No rules, a pattern of punctuation, an unknown class: each named with its line."""
    content = _copy(tmp_path)
    rules = content / "judgement" / "en" / "safeguarding.toml"
    text = rules.read_text(encoding="utf-8")
    head = text[: text.index("[[lookalike]]")]
    rules.write_text(head, encoding="utf-8")
    assert any("rule: Field required" in m for m in _messages(content))
    rules.write_text(text.replace('"suicid*",', '"!!!", "@nobody ..2 die",', 1), encoding="utf-8")
    messages = _messages(content)
    assert any("'!!!' has no word that can match" in m for m in messages)
    assert any("unknown class @nobody" in m for m in messages)


def test_a_rule_that_misses_its_example_and_a_level_without_signposts_are_refused(
    tmp_path: Path,
) -> None:
    """Examples prove every rule can fire; every level needs a sure rule."""
    content = _copy(tmp_path)
    rules = content / "judgement" / "es" / "safeguarding.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace('level = "distress"\n', 'level = "distress"\nstrength = "note"\n').replace(
            'strength = "note"\nstrength = "note"', 'strength = "note"'
        ),
        encoding="utf-8",
    )
    assert any("no signpost rule for level 'distress'" in m for m in _messages(content))
    first_rule = text.index("[[rule]]")
    missed = text[first_rule:].replace("examples = [", 'examples = ["nada que ver", ', 1)
    rules.write_text(text[:first_rule] + missed, encoding="utf-8")
    assert any("does not match its example 'nada que ver'" in m for m in _messages(content))


def test_empty_or_wordless_exemplars_are_refused(tmp_path: Path) -> None:
    """The semantic net needs words in every label."""
    content = _copy(tmp_path)
    exemplars = content / "judgement" / "en" / "exemplars.toml"
    text = exemplars.read_text(encoding="utf-8")
    start = text.index("disclosure = [")
    end = text.index("]", start)
    exemplars.write_text(text[:start] + 'disclosure = ["!!!"' + text[end:], encoding="utf-8")
    messages = _messages(content)
    assert any("risk.disclosure: needs at least 10 exemplars, has 1" in m for m in messages)
    assert any("'!!!' has no words and can never match" in m for m in messages)


def test_a_lookalike_that_hides_a_signpost_example_is_refused(tmp_path: Path) -> None:
    """A look-alike must not let its own example end in a signpost."""
    content = _copy(tmp_path)
    rules = content / "judgement" / "en" / "safeguarding.toml"
    _edit(
        rules,
        'examples = ["she loved grooming the pony at the farm"]',
        'examples = ["she loved grooming the pony, then said she wants to kill herself"]',
    )
    assert any("still raises a signpost" in m for m in _messages(content))


def test_packs_check_fails_on_stale_sentence_vectors(tmp_path: Path) -> None:
    """A new exemplar without `packs embed` is reported; embedding fixes it."""
    content = _copy(tmp_path)
    _edit(
        content / "judgement" / "en" / "exemplars.toml",
        "safe = [",
        'safe = [\n    "we planted sunflowers and she watered them every morning",',
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "packs", *args, str(content)],
            capture_output=True,
            text=True,
            check=False,
            cwd=PROJECT_ROOT,
        )

    stale = run("check")
    assert stale.returncode == 1 and "stale sentence vectors" in stale.stderr
    assert run("embed").returncode == 0
    assert run("check").returncode == 0


def test_a_bot_skips_only_the_proofs_that_packs_embed_recorded_for_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Identical files are not proved again at start-up; an edited locale, or packs check, is."""
    proved: list[str] = []
    real_check = judgement._check_rules

    def recording_check(compiled: judgement.LocaleJudgement, *args: Any) -> bool:
        proved.append(compiled.locale)
        return real_check(compiled, *args)

    monkeypatch.setattr(judgement, "_check_rules", recording_check)
    monkeypatch.setattr(judgement, "_CLEAN_COMPILES", {})
    monkeypatch.setitem(judgement._PROOFS, "always", False)
    content = _copy(tmp_path)
    load_raw_content(content)
    assert proved == []
    rules = content / "judgement" / "es" / "safeguarding.toml"
    text = rules.read_text(encoding="utf-8")
    first_rule = text.index("[[rule]]")
    example = tomllib.loads(text)["rule"][0]["examples"][0]
    again = text[first_rule:].replace("examples = [", f"examples = [{example!r}, ", 1)
    rules.write_text(text[:first_rule] + again, encoding="utf-8")
    load_raw_content(content)
    assert proved == ["es"]
    judgement.always_prove()  # as packs check does: en now, es was proved a moment ago
    load_raw_content(content)
    assert proved == ["es", "en"]


def _as_a_running_bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A content copy loaded as `run` loads it: no earlier compile, no forced proofs."""
    monkeypatch.setattr(judgement, "_CLEAN_COMPILES", {})
    monkeypatch.setitem(judgement._PROOFS, "always", False)
    return _copy(tmp_path)


def test_a_bot_compiles_a_proved_locale_when_a_carer_of_it_first_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up neither parses nor compiles a proved locale; a Spanish text reads Spanish only."""
    content = _as_a_running_bot(tmp_path, monkeypatch)
    registry = ContentRegistry(load_raw_content(content))
    assert registry.judgement.compiled == () and registry.judgement.read == ()
    assert "es" in registry.judgement and len(registry.judgement) == len(registry.locales)
    found = SuggestionEngine(registry).risk(
        "me dijo que su tío la toca por las noches", locale="es"
    )
    assert found is not None and found.level.value == "disclosure"
    assert registry.judgement.compiled == ("es",) and registry.judgement.read == ("es",)
    registry.warm(["en"])
    assert sorted(registry.judgement.compiled) == ["en", "es"]


def test_a_proved_locale_edited_after_start_up_fails_loudly_when_first_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files replaced under a running bot are never half-read: the first use names the problem."""
    content = _as_a_running_bot(tmp_path, monkeypatch)
    registry = ContentRegistry(load_raw_content(content))
    rules = content / "judgement" / "es" / "safeguarding.toml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n[[rule]\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"changed since start-up.*invalid TOML"):
        registry.judgement["es"]


def test_an_edited_locale_is_compiled_and_its_problems_reported_before_the_bot_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files no check has proved compile at load, so a broken rule stops start-up at once."""
    content = _as_a_running_bot(tmp_path, monkeypatch)
    _edit(content / "judgement" / "es" / "safeguarding.toml", "match = [", 'match = ["@nadie", ')
    messages = _messages(content)
    assert any("unknown class @nadie" in message for message in messages)


@pytest.mark.parametrize(
    ("locale", "text", "level"),
    [
        ("es", "llevo tres semanas sin un respiro, estoy agotada pero bien", None),
        ("es", "no he tenido ni un respiro desde que llegaron los tres", None),
        ("es", "lo encontré en la bañera sin respirar", "danger"),
        ("es", "el bebé está sin respirar y se está poniendo morado", "danger"),
        # 'manga' (comics, a fiction cue) once matched every form of 'mangiare' and softened it
        ("it", "non mangia più e dice che vuole farla finita", "danger"),
        ("it", "dopo aver mangiato mi ha detto che vuole ammazzarsi", "danger"),
        ("it", "questa verifica di storia mi ammazza", None),
        ("it", "ha svuotato il frigo di nuovo, che fame", None),
        # Роман is a common first name, not only 'a novel' (a fiction cue)
        ("uk", "Роман сказав, що хоче вбити себе", "danger"),
        ("es", "tiene fiebre y manchas de varicela, el pediatra dice que es normal", None),
        ("es", "el bebé tiene fiebre y manchitas moradas por la tripa", "danger"),
        # 'nudes' shares a stem with 'nudo' (a knot): a shoelace is no disclosure
        ("es", "aprendió a hacerse el nudo de los cordones él solo", None),
        ("es", "un chico de clase le pide nudes por instagram", "disclosure"),
        ("es", "ya se ata el nudo de los zapatos, y un hombre le pide nudes", "disclosure"),
        ("en", "she wishes she could sleep in forever on saturdays", None),
        ("en", "she wants to go to sleep forever and never wake up", "danger"),
        ("en", "he was breathing fast after the race but fine", None),
        ("en", "the baby is breathing fast and her lips look grey", "danger"),
        ("en", "he is holding a bag for his mate while he plays football", None),
        ("en", "he is holding a bag of drugs for some older lads", "disclosure"),
        ("en", "holding a bag for a mate while he goes to meet some older lads", "disclosure"),
    ],
)
def test_idioms_names_and_words_that_only_look_like_cues_decide_nothing(
    locale: str, text: str, level: str | None
) -> None:
    """A tired carer's idiom is no emergency; a name or 'eating' never softens a real one."""
    registry = ContentRegistry.load(CONTENT)
    found = SuggestionEngine(registry).risk(text, locale=locale)
    sure = found is not None and found.strength.value == "signpost"
    assert (found.level.value if found is not None and sure else None) == level


def test_an_acknowledgement_with_no_word_to_compare_is_refused(tmp_path: Path) -> None:
    """A listed acknowledgement of punctuation only could never match: named with its line."""
    content = _copy(tmp_path)
    language = content / "judgement" / "en" / "language.toml"
    text = language.read_text(encoding="utf-8")
    language.write_text(
        text.replace('whole_texts = ["ok",', 'whole_texts = ["?!", "ok",'), encoding="utf-8"
    )
    assert any("acknowledgement.whole_texts: '?!' needs 1 to 8" in m for m in _messages(content))
