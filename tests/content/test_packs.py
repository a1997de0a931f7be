"""The shipped packs load, cover every audience, and bad packs are reported as file:line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.domain.model import AgeBand, Dimension, RiskLevel, Role
from bot.packs.loader import ContentError, load_raw_content
from bot.packs.registry import ContentRegistry
from bot.packs.schema import MAX_TEXT_LENGTH
from tests.light import light_copy, light_env

CONTENT = PROJECT_ROOT / "content"


@pytest.fixture(scope="module")
def registry() -> ContentRegistry:
    return ContentRegistry.load(CONTENT)


def test_every_dimension_ships_twenty_prompts_and_suggestions_in_each_locale(
    registry: ContentRegistry,
) -> None:
    """At least 20 of each per dimension, every one in all ten shipped languages."""
    shipped = {"en", "es", "fr", "it", "sv", "nb", "uk", "ar", "ckb", "zh"}
    assert set(registry.locales) == shipped
    for dimension in Dimension:
        assert len(registry.prompts[dimension]) >= 20
        assert len(registry.suggestions[dimension]) >= 20
        texts = [p.texts for p in registry.prompts[dimension]]
        texts += [s.texts for s in registry.suggestions[dimension]]
        for localised in texts:
            assert set(localised) == shipped
            assert all(0 < len(text) < MAX_TEXT_LENGTH for text in localised.values())


def test_every_age_band_and_role_has_prompts_and_suggestions(registry: ContentRegistry) -> None:
    """Each audience has several items in every dimension, including age-specific ones."""
    for dimension in Dimension:
        for band in AgeBand.concrete():
            targeted = [p for p in registry.prompts[dimension] if band in p.audience.age_bands]
            assert targeted, f"no {band} prompt in {dimension}"
            for role in Role:
                prompts = [
                    p
                    for p in registry.prompts[dimension]
                    if p.audience.suits(age_band=band, role=role)
                ]
                suggestions = [
                    s
                    for s in registry.suggestions[dimension]
                    if s.audience.suits(age_band=band, role=role)
                ]
                assert len(prompts) >= 10 and len(suggestions) >= 10


def test_every_locale_has_safeguarding_rules_contacts_and_lexicons(
    registry: ContentRegistry,
) -> None:
    """Signposts need rules at every level and an emergency number in every locale."""
    for locale in registry.locales:
        judgement = registry.judgement[locale]
        assert {rule.level for rule in judgement.risk.rules} == set(RiskLevel)
        assert registry.contacts(locale).emergency_number
        assert judgement.tone.struggle and judgement.tone.positive
        assert all(judgement.dimensions[d] for d in Dimension)


def test_the_committed_sentence_vectors_are_current(registry: ContentRegistry) -> None:
    """Every locale's indexes built from the file alone: it agrees with content (`packs embed`)."""
    registry.warm(registry.locales)
    assert registry.embeddings.is_current(registry.embedded_texts())


def _broken_copy(tmp_path: Path) -> Path:
    return light_copy(tmp_path)


def _edit_pack(content: Path, dimension: str, *replacements: tuple[str, str]) -> Path:
    """Apply text replacements (each once) to one pack of a content copy."""
    pack = content / dimension / "pack.toml"
    text = pack.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    pack.write_text(text, encoding="utf-8")
    return pack


def test_missing_translation_is_reported_with_its_file(tmp_path: Path) -> None:
    """Deleting a Spanish text names the translation file, the item and what to run."""
    content = _broken_copy(tmp_path)
    spanish = content / "sensitivity" / "es.toml"
    text = spanish.read_text(encoding="utf-8")
    start = text.index('[item."sensitivity.p02"]')
    spanish.write_text(text[:start] + text[text.index("[item.", start + 1) :], encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_raw_content(content)
    [issue] = error.value.issues
    assert (issue.path, issue.line) == (spanish, 1)
    assert "1 es text(s) missing: sensitivity.p02" in issue.message
    assert "packs export-po es" in issue.message


def test_translation_of_a_changed_source_is_stale(tmp_path: Path) -> None:
    """Editing an English text makes every translation of it stale until it is redone."""
    content = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    pack = content / "sensitivity" / "pack.toml"
    text = pack.read_text(encoding="utf-8")
    marker = 'id = "sensitivity.p03"\ntext.en = "'
    assert marker in text
    pack.write_text(text.replace(marker, marker + "Today: "), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_raw_content(content)
    stale = {issue.path.name: issue.message for issue in error.value.issues}
    assert set(stale) == {
        f"{locale}.toml" for locale in ("es", "fr", "it", "sv", "nb", "uk", "ar", "ckb", "zh")
    }
    assert "1 stale es text(s)" in stale["es.toml"] and "sensitivity.p03" in stale["es.toml"]


def test_packs_check_prints_file_line_and_fails(tmp_path: Path) -> None:
    """The CLI lists every problem as file:line: message and exits 1."""
    content = _broken_copy(tmp_path)
    pack = _edit_pack(
        content,
        "acceptance",
        ('id = "acceptance.p02"', 'id = "acceptance.p01"'),
        ('tone = "struggle"', 'tone = "grumpy"'),
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "packs", "check", str(content)],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{pack}:") and "tone" in line for line in lines)
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "packs", "check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        env=light_env(tmp_path),
    )
    assert ok.returncode == 0 and "OK (100 prompts, 100 suggestions" in ok.stdout, ok.stderr


def test_duplicate_ids_and_markup_are_refused(tmp_path: Path) -> None:
    """Ids are unique across packs and texts carry no HTML or placeholders."""
    content = _broken_copy(tmp_path)
    _edit_pack(
        content,
        "cooperation",
        ('id = "cooperation.p02"', 'id = "cooperation.p01"'),
        ("What choice did you offer", "What <b>choice</b> did you offer"),
    )
    with pytest.raises(ContentError) as error:
        load_raw_content(content)
    messages = [issue.message for issue in error.value.issues]
    assert any("duplicate id 'cooperation.p01'" in message for message in messages)
    assert any("no markup" in message for message in messages)


def test_bot_refuses_to_start_on_an_invalid_pack(tmp_path: Path, sqlite_url: str) -> None:
    """build_application fails fast instead of running with broken content."""
    from bot.app import build_application
    from bot.config import Settings

    content = _broken_copy(tmp_path)
    (content / "family_membership" / "pack.toml").write_text("[pack]\n", encoding="utf-8")
    settings = Settings(database_url=sqlite_url, content_dir=content, _env_file=None)
    with pytest.raises(ContentError):
        build_application(settings)


def test_suggest_cli_prints_json(tmp_path: Path) -> None:
    """`suggest` prints the suggestion, or the safeguarding flag, as JSON."""
    import json

    def run(*args: str) -> dict[str, str]:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "suggest", *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=PROJECT_ROOT,
            env=light_env(tmp_path),
        )
        return dict(json.loads(result.stdout))

    tantrum = run("--locale", "es", "--dimension", "sensitivity", "Tuvo una rabieta enorme")
    assert tantrum["dimension"] == "sensitivity" and tantrum["id"].startswith("sensitivity.")
    assert "inferred_dimension" not in tantrum and "safeguarding_note" not in tantrum
    flag = run("--locale", "en", "I can't cope any more")
    assert flag["safeguarding"] == "distress" and flag["emergency_number"] == "999"
    assert flag["text"].startswith("Thank you for being honest about how hard this is.")
    contact = run(
        "--locale",
        "en",
        "--role",
        "kinship",
        "--age-band",
        "teen",
        "Contact with his birth dad got cancelled and he asked if he still belongs in that family",
    )
    assert contact["inferred_dimension"] == "family_membership"
    assert contact["id"].startswith("family_membership.")
    note = run("--locale", "en", "--dimension", "availability", "He begged me not to tell anyone")
    assert note["safeguarding_note"] == "disclosure" and note["id"] and note["text"]


def test_suggest_cli_refuses_unknown_role_and_age_band(tmp_path: Path) -> None:
    """Only the stored values are accepted, with argparse's clear message."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "suggest", "--locale", "en", "--role", "aunt", "hi"],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        env=light_env(tmp_path),
    )
    assert result.returncode == 2 and "invalid choice: 'aunt'" in result.stderr
