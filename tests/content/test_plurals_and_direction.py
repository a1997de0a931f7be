"""CLDR plural forms (uk three, ar six) and right-to-left output, on the shipped catalogs."""

from __future__ import annotations

import unicodedata

import pytest
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT
from bot.i18n import FSI, PDI, RLM, Catalogs, Translator, right_to_left

JOURNAL = (
    "Your journal: {count} reflection. Page {page} of {pages}.",
    "Your journal: {count} reflections. Page {page} of {pages}.",
)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load(PROJECT_ROOT / "locales")


def _journal(t: Translator, count: int) -> str:
    return t.ngettext(*JOURNAL, count).format(count=count, page=1, pages=1)


def _forms(locale: str) -> list[str]:
    """The journal message's msgstr[0..n] exactly as the translator wrote them."""
    path = PROJECT_ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        message = read_po(handle, locale=locale).get(JOURNAL)
    assert message is not None and isinstance(message.string, tuple | list)
    return [str(form) for form in message.string]


# count -> index of the plural form gettext must pick (CLDR categories in gettext order).
EXPECTED_FORM = {
    "uk": {1: 0, 21: 0, 101: 0, 2: 1, 4: 1, 22: 1, 0: 2, 5: 2, 11: 2, 25: 2},
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 103: 3, 11: 4, 99: 4, 100: 5, 101: 5, 102: 5},
    "fr": {0: 0, 1: 0, 2: 1, 10: 1},
    "ckb": {1: 0, 0: 1, 2: 1},
    "it": {1: 0, 0: 1, 2: 1},
    "sv": {1: 0, 0: 1, 2: 1},
    "nb": {1: 0, 0: 1, 2: 1},
    "es": {1: 0, 0: 1, 2: 1},
    "zh": {0: 0, 1: 0, 2: 0, 100: 0},
}


@pytest.mark.parametrize("locale", sorted(EXPECTED_FORM))
def test_each_plural_form_is_chosen_by_cldr_rules(catalogs: Catalogs, locale: str) -> None:
    """Ukrainian one/few/many, Arabic zero/one/two/few/many/other, French 0 as singular."""
    forms = _forms(locale)
    t = catalogs.get(locale)
    for count, index in EXPECTED_FORM[locale].items():
        chosen = t.ngettext(*JOURNAL, count)
        assert chosen.removeprefix(RLM).replace(f"{FSI}/", "/").replace(f"{PDI}", "") == (
            forms[index].removeprefix(RLM)
        ), (count, index)
    assert len(forms) == len(set(EXPECTED_FORM[locale].values()))


def test_ukrainian_forms_differ_and_read_right(catalogs: Catalogs) -> None:
    """Three different nouns: 1 запис, 3 записи, 5 записів."""
    t = catalogs.get("uk")
    assert "1 запис." in _journal(t, 1)
    assert "3 записи." in _journal(t, 3)
    assert "5 записів." in _journal(t, 5)


def test_arabic_uses_dual_and_plural_forms(catalogs: Catalogs) -> None:
    """Two takes the dual; three to ten the plural; eleven on the singular accusative."""
    forms = _forms("ar")
    assert len({forms[1], forms[2], forms[3], forms[4]}) == 4


@pytest.mark.parametrize("locale", ["ar", "ckb"])
def test_right_to_left_messages_isolate_every_inserted_value(
    catalogs: Catalogs, locale: str
) -> None:
    """Numbers and Latin values sit inside FSI ... PDI; the message starts right to left."""
    t = catalogs.get(locale)
    assert t.rtl
    text = _journal(t, 3)
    assert f"{FSI}3{PDI}" in text and f"{FSI}1{PDI}" in text
    first = text.lstrip(RLM)[0]
    assert unicodedata.bidirectional(first) in {"R", "AL"} or text.startswith(RLM)
    signpost = t.gettext("You can also contact: {helpline}").format(helpline="Tusla 1800")
    assert f"{FSI}Tusla 1800{PDI}" in signpost


@pytest.mark.parametrize("locale", ["ar", "ckb"])
def test_commands_in_right_to_left_text_are_isolated(catalogs: Catalogs, locale: str) -> None:
    """A Latin /command inside Arabic-script text keeps its own direction."""
    text = catalogs.get(locale).gettext("Your journal is empty so far. Send /prompt to begin.")
    assert f"{FSI}/prompt{PDI}" in text


def test_a_message_that_would_start_left_to_right_gets_a_right_to_left_mark() -> None:
    """A translation starting with a value or a command is led by a right-to-left mark."""
    assert right_to_left("{name}: مرحبا").format(name="Sam") == f"{RLM}{FSI}Sam{PDI}: مرحبا"
    assert right_to_left("/journal دفتر").startswith(f"{RLM}{FSI}/journal{PDI}")
    assert right_to_left("مرحبا {name}").format(name="Sam") == f"مرحبا {FSI}Sam{PDI}"


@pytest.mark.parametrize("locale", ["en", "es", "fr", "uk", "zh"])
def test_left_to_right_messages_carry_no_controls(catalogs: Catalogs, locale: str) -> None:
    """Only right-to-left locales get bidi controls."""
    text = _journal(catalogs.get(locale), 3)
    assert not {FSI, PDI, RLM} & set(text)
