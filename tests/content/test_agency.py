"""An agency's own folder layered over the shipped content and wording (docs/agencies.md)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import PROJECT_ROOT, Settings
from bot.domain.model import RiskLevel, Strength
from bot.packs.loader import ContentError, load_raw_content
from bot.packs.registry import ContentRegistry
from bot.packs.validate import load_validated, validate_everything
from bot.ports import ManualClock
from tests.harness import running_chat

CONTENT = PROJECT_ROOT / "content"
LOCALES = PROJECT_ROOT / "locales"
EXAMPLE = PROJECT_ROOT / "docs" / "agency-example"


@pytest.fixture
def agency(tmp_path: Path) -> Path:
    """A copy of the example agency folder to break."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "agency"))


def test_the_example_agency_validates_and_changes_what_it_says() -> None:
    """Overrides, additions, retirements, contacts and rules all reach the registry."""
    assert validate_everything(CONTENT, LOCALES, EXAMPLE) == []
    registry = ContentRegistry.load(CONTENT, agency=EXAMPLE / "content")
    assert registry.locales == ("en",)
    overridden = registry.suggestion("availability.s01")
    assert overridden is not None and "hanging out the washing" in overridden.texts["en"]
    assert registry.prompt("acceptance.p01") is None
    added = registry.prompt("acceptance.ie01")
    assert added is not None and "link social worker" in added.texts["en"]
    assert registry.contacts("en").emergency_number == "112"
    assert {(r.id, r.path.name) for r in registry.retired} == {
        ("acceptance.p01", "pack.toml"),
        ("grooming_animals", "safeguarding.toml"),
    }
    rule_ids = {rule.id for rule in registry.judgement["en"].risk.rules}
    assert "ie_gardai_brought_home" in rule_ids and "suicide_words" in rule_ids


def test_the_shipped_content_is_untouched_by_an_agency() -> None:
    """Without AGENCY_DIR the shipped texts and contacts are what carers get."""
    registry = ContentRegistry.load(CONTENT)
    shipped = registry.suggestion("availability.s01")
    assert shipped is not None and "folding washing" in shipped.texts["en"]
    assert registry.prompt("acceptance.p01") is not None
    assert registry.contacts("en").emergency_number == "999"


def test_interface_wording_is_overridden_without_copying_the_catalog() -> None:
    """One entry in the agency's .po changes that message; every other keeps its text."""
    _, catalogs = load_validated(CONTENT, LOCALES, EXAMPLE)
    english = catalogs.get("en")
    assert english.gettext("Kinship carer") == "Relative foster carer"
    assert english.gettext("Adopter") == "Adopter"


async def test_a_carer_of_the_agency_meets_its_wording_rules_and_contacts(
    sqlite_url: str, clock: ManualClock
) -> None:
    """Through the real dispatch path: the role button, an agency rule and its helpline."""
    settings = Settings(database_url=sqlite_url, agency_dir=EXAMPLE, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.send("/start")
        await chat.tap("English")
        labels = [label for call in chat.api.calls[-1:] for label, _ in call.buttons]
        assert "Relative foster carer" in labels and "Kinship carer" not in labels
        await chat.tap("Relative foster carer")
        await chat.tap("5–10 years")
        await chat.tap("Done")
        await chat.tap("19:30")
        await chat.tap("London")
        await chat.tap("I understand")
        await chat.send("the gardai brought her home at 3am, she had been gone since teatime")
        reply = chat.last_text()
        assert "Tusla out-of-hours" in reply and "112" in reply
        [reflection] = chat.reflections()
        assert reflection.risk_level == RiskLevel.DANGER
        assert reflection.risk_strength == Strength.NOTE


def test_agency_errors_say_which_layer_they_come_from(agency: Path) -> None:
    """A broken agency file is reported as [agency] with its own file and line."""
    pack = agency / "content" / "acceptance" / "pack.toml"
    pack.write_text(
        pack.read_text(encoding="utf-8")
        + '\n[[retire]]\nid = "acceptance.p99"\nreason = "no such item"\n',
        encoding="utf-8",
    )
    issues = validate_everything(CONTENT, LOCALES, agency)
    [issue] = issues
    assert str(issue).startswith(f"[agency] {pack}:")
    assert "retire: no shipped item 'acceptance.p99'" in issue.message


def test_a_shipped_rule_cannot_be_replaced_silently(agency: Path) -> None:
    """Re-using a shipped rule's id is refused: only [[retire]] with a reason removes one."""
    rules = agency / "content" / "judgement" / "en" / "safeguarding.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace('id = "ie_gardai_brought_home"', 'id = "suicide_words"'))
    with pytest.raises(ContentError) as error:
        load_raw_content(CONTENT, agency / "content")
    messages = [str(issue) for issue in error.value.issues]
    assert any(
        "[agency]" in m and "rule id 'suicide_words' is shipped already" in m for m in messages
    )


def test_a_retirement_needs_a_reason(agency: Path) -> None:
    """A [[retire]] without a reason fails validation at its line."""
    rules = agency / "content" / "judgement" / "en" / "safeguarding.toml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("reason = ")
    rules.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_raw_content(CONTENT, agency / "content")
    [issue] = error.value.issues
    assert issue.path == rules and "retire.0.reason: Field required" in issue.message


def test_an_override_of_a_changed_shipped_text_is_stale(agency: Path) -> None:
    """When the shipped English changes, the agency's rewording of it must be looked at again."""
    override = agency / "content" / "availability" / "en.toml"
    override.write_text(
        override.read_text(encoding="utf-8").replace("4406c86b9b5a", "000000000000")
    )
    with pytest.raises(ContentError) as error:
        load_raw_content(CONTENT, agency / "content")
    [issue] = error.value.issues
    assert issue.layer == "agency" and "1 stale en text(s)" in issue.message


def test_an_agency_cannot_enable_a_locale_the_shipped_content_lacks(agency: Path) -> None:
    """Enabling a language that is not complete is refused, naming what to run."""
    (agency / "content" / "locales.toml").write_text('enabled = ["en", "pt"]\n')
    with pytest.raises(ContentError) as error:
        load_raw_content(CONTENT, agency / "content")
    [issue] = error.value.issues
    assert "pt not complete in the shipped content" in issue.message


def test_an_unknown_interface_override_is_reported(agency: Path) -> None:
    """A reworded message that does not exist, or that drops a placeholder, is an error."""
    po = agency / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8")
        + '\nmsgid "Foster parent"\nmsgstr "Resource parent"\n'
        + '\nmsgid "Ages: {ages}"\nmsgstr "Ages"\n',
        encoding="utf-8",
    )
    messages = [str(issue) for issue in validate_everything(CONTENT, LOCALES, agency)]
    assert any("no such message: 'Foster parent'" in m for m in messages), messages
    assert any("[agency]" in m and "{ages}" in m for m in messages), messages


def test_packs_check_lists_the_retirements(capsys: pytest.CaptureFixture[str]) -> None:
    """The operator sees every shipped item and rule the agency took out, and why."""
    assert main(["packs", "check", "--agency", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "retired acceptance.p01: Our carers asked" in out
    assert "retired grooming_animals: Replaced by ie_grooming_animals" in out


REGIONAL_MOMENT = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)


def test_english_follows_the_uk_and_an_agency_sets_its_own_region() -> None:
    """Shipped English writes dates, clock and lists the UK way; the Irish example its own."""
    _, shipped = load_validated(CONTENT, LOCALES)
    english = shipped.get("en")
    assert english.datetime(REGIONAL_MOMENT, "Europe/London") == "Monday 23 Nov, 18:30"
    assert english.join(["Mon", "Wed", "Fri"]) == "Mon, Wed and Fri"
    _, irish = load_validated(CONTENT, LOCALES, EXAMPLE)
    assert irish.get("en").datetime(REGIONAL_MOMENT, "Europe/Dublin") == "Monday, 23 Nov, 18:30"


def test_an_iraqi_agency_gets_the_month_names_used_in_iraq(tmp_path: Path) -> None:
    """ar_IQ names November تشرين الثاني where plain Arabic says نوفمبر; words stay the same."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "locales.toml").write_text(
        '[formats]\nar = "ar_IQ"\nckb = "ckb_IQ"\n', encoding="utf-8"
    )
    _, shipped = load_validated(CONTENT, LOCALES)
    _, iraqi = load_validated(CONTENT, LOCALES, tmp_path)
    assert "نوفمبر" in shipped.get("ar").datetime(REGIONAL_MOMENT, "Asia/Baghdad")
    assert "تشرين الثاني" in iraqi.get("ar").datetime(REGIONAL_MOMENT, "Asia/Baghdad")
    assert iraqi.get("ar").gettext("Done") == shipped.get("ar").gettext("Done")


@pytest.mark.parametrize(
    ("formats", "problem"),
    [
        ('en = "en_XX"', "formats.en: 'en_XX' is not a locale in Babel's CLDR data"),
        ('en = "fr_FR"', "formats.en: 'fr_FR' is not a form of 'en'"),
        ('th = "th_TH"', "formats.th: 'th' is not an enabled locale"),
    ],
)
def test_a_regional_format_that_cannot_apply_is_refused_with_its_line(
    agency: Path, formats: str, problem: str
) -> None:
    """An unknown region, another language or a locale not enabled fails packs check."""
    path = agency / "content" / "locales.toml"
    path.write_text(f'enabled = ["en"]\n\n[formats]\n{formats}\n', encoding="utf-8")
    messages = [
        f"{issue.path.name}:{issue.line}: {issue.message}"
        for issue in validate_everything(CONTENT, LOCALES, agency)
    ]
    assert f"locales.toml:4: {problem}" in messages
