"""Translators' workflow: coverage, export-po, import-po (docs/translation.md)."""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from bot.cli import main
from bot.config import PROJECT_ROOT
from bot.domain.model import Dimension
from bot.packs.loader import load_raw_content
from bot.packs.translations import read_translations, source_hash

CONTENT = PROJECT_ROOT / "content"
EXAMPLE = PROJECT_ROOT / "docs" / "agency-example"


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped content that the CLI reads and writes (CONTENT_DIR)."""
    copy = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    monkeypatch.setenv("CONTENT_DIR", str(copy))
    return copy


def _export(locale: str, target: Path, *extra: str) -> bytes:
    assert main(["packs", "export-po", locale, "-o", str(target), *extra]) == 0
    return target.read_bytes()


def _edit_po(path: Path, changes: dict[str, str]) -> None:
    """Set msgstr by context, as a translator would in Poedit."""
    catalog = read_po(BytesIO(path.read_bytes()))
    for message in catalog:
        if message.context in changes:
            message.string = changes[message.context]
            message.flags.discard("fuzzy")
    out = BytesIO()
    write_po(out, catalog, width=99)
    path.write_bytes(out.getvalue())


def test_export_holds_every_text_with_its_current_translation(
    content: Path, tmp_path: Path
) -> None:
    """Item id as context, English as source, Spanish as translation, nothing fuzzy."""
    catalog = read_po(BytesIO(_export("es", tmp_path / "es.po")))
    messages = {m.context: (str(m.id), str(m.string)) for m in catalog if m.id}
    assert len(messages) == 310
    source, translation = messages["availability.p01"]
    assert source.startswith("When today did the child check")
    assert translation.startswith("¿En qué momento de hoy")
    assert not any(m.fuzzy for m in catalog if m.id)
    assert messages["availability.s01|keywords"][0] == (
        "distance, ignore, push away, reject, withdrawn, cold"
    )


def test_a_changed_source_exports_fuzzy_and_coverage_calls_it_stale(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Editing the English marks its translation fuzzy in the PO and stale in coverage."""
    pack = content / "sensitivity" / "pack.toml"
    marker = 'id = "sensitivity.p03"\ntext.en = "'
    pack.write_text(pack.read_text(encoding="utf-8").replace(marker, marker + "Today: "))
    catalog = read_po(BytesIO(_export("es", tmp_path / "es.po")))
    fuzzy = [m.context for m in catalog if m.id and m.fuzzy]
    assert fuzzy == ["sensitivity.p03"]
    capsys.readouterr()
    assert main(["packs", "coverage", "--locale", "es", "--details", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "61/62 ~1" in out and "es sensitivity stale: sensitivity.p03" in out


def test_import_writes_translations_with_the_source_hash(content: Path, tmp_path: Path) -> None:
    """A translator's change lands in the translation file with the hash of its English."""
    po = tmp_path / "es.po"
    _export("es", po)
    _edit_po(po, {"availability.p02": "Piensa en un rato de hoy en que no estabais juntos."})
    assert main(["packs", "import-po", str(po)]) == 0
    found = read_translations(content / "availability" / "es.toml")
    assert found["availability.p02"].text == "Piensa en un rato de hoy en que no estabais juntos."
    english = (
        "Think of a moment today when you were apart. "
        "How did you show you were still thinking of them?"
    )
    assert found["availability.p02"].source == source_hash(english)
    loaded = load_raw_content(content)  # the imported text is current: no stale error
    assert (
        loaded.packs[Dimension.AVAILABILITY].prompt[1].text["es"].startswith("Piensa en un rato")
    )


def test_import_refuses_placeholders_and_over_long_texts(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Broken entries are listed as file:line and nothing is written."""
    po = tmp_path / "es.po"
    _export("es", po)
    before = (content / "availability" / "es.toml").read_bytes()
    _edit_po(po, {"availability.p02": "Hola {name}, ¿qué tal?", "availability.p03": "x" * 501})
    capsys.readouterr()
    assert main(["packs", "import-po", str(po)]) == 1
    err = capsys.readouterr().err
    assert f"{po}:" in err and "availability.p02: no markup or placeholders" in err
    assert "availability.p03: 501 characters; at most 500" in err
    assert "nothing written" in err
    assert (content / "availability" / "es.toml").read_bytes() == before


def test_a_new_locale_goes_from_nothing_to_complete(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Export an empty PO, fill it, import it: coverage counts every text as current."""
    po = tmp_path / "pt.po"
    catalog = read_po(BytesIO(_export("pt", po)))
    _edit_po(po, {m.context: f"[pt] {m.id}" for m in catalog if m.id and m.context})
    assert main(["packs", "import-po", str(po)]) == 0
    capsys.readouterr()
    main(["packs", "coverage", "--locale", "pt"])
    out = capsys.readouterr().out
    assert out.count("62/62") == 5


def test_agency_import_keeps_only_what_differs(content: Path, tmp_path: Path) -> None:
    """An agency layer export shows shipped texts; importing writes only its own changes."""
    agency = Path(shutil.copytree(EXAMPLE, tmp_path / "agency"))
    po = tmp_path / "agency-es.po"
    catalog = read_po(BytesIO(_export("es", po, "--agency", str(agency))))
    assert b"securebase-bot packs, agency layer" in po.read_bytes()
    shown = next(m for m in catalog if m.context == "availability.p01")
    assert str(shown.string).startswith("¿En qué")
    _edit_po(po, {"availability.p01": "¿Cuándo comprobó hoy que seguías ahí?"})
    assert main(["packs", "import-po", str(po)]) == 1  # an agency file needs --agency
    assert main(["packs", "import-po", str(po), "--agency", str(agency)]) == 0
    written = read_translations(agency / "content" / "availability" / "es.toml")
    assert set(written) == {"availability.p01"}
    shipped = read_translations(content / "availability" / "es.toml")["availability.p01"]
    assert shipped.text.startswith("¿En qué momento")
