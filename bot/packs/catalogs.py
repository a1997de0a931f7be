"""Check the interface catalogs against the template, the packs and the safeguarding replies."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from io import BytesIO
from pathlib import Path
from string import Formatter

from babel import UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import PoFileError, read_po

from bot.i18n import DEFAULT_LOCALE, DOMAIN, ParsedCatalogs
from bot.packs.loader import PackIssue

TEMPLATE = f"{DOMAIN}.pot"
KEYWORDS = {"gettext": None, "ngettext": (1, 2)}
# The code that sends the signposts, so a new safeguarding text is checked the day it is written.
SIGNPOSTS = Path(__file__).resolve().parent.parent / "handlers" / "signposts.py"

Key = str | tuple[str, ...]


def check_catalogs(
    locales_dir: Path,
    content_locales: Sequence[str],
    overlay: Path | None = None,
    parsed: ParsedCatalogs | None = None,
) -> list[PackIssue]:
    """List every catalog problem that would crash a reply or show carers the wrong language.

    Catalogs that parse are left in ``parsed``, so start-up compiles them without reading the
    files a second time.
    """
    issues: list[PackIssue] = []
    template_path = locales_dir / TEMPLATE
    template = _read(template_path, None, issues)
    if template is not None:
        issues += _template_problems(template_path, template)
    found = catalog_paths(locales_dir)
    issues += _coverage_problems(locales_dir, found, content_locales)
    for locale, path in found.items():
        # A catalog still being translated is not shipped until its locale is enabled.
        if locale in content_locales:
            issues += catalog_issues(path, locale, template, parsed)
    if overlay is not None:
        issues += _overlay_issues(overlay, template, content_locales, parsed)
    return issues


def _overlay_issues(
    overlay: Path,
    template: Catalog | None,
    content_locales: Sequence[str],
    parsed: ParsedCatalogs | None,
) -> list[PackIssue]:
    """An agency's partial catalog may only reword known messages, keeping their placeholders."""
    issues: list[PackIssue] = []
    known = set(_entries(template)) if template is not None else set()
    for locale, path in catalog_paths(overlay).items():
        catalog = _read(path, locale, issues, parsed)
        if catalog is None:
            continue
        if locale not in content_locales:
            issues.append(PackIssue(path, 1, f"locale {locale} is not enabled", "agency"))
        for key, message in _entries(catalog).items():
            line = message.lineno or 1
            if template is not None and key not in known:
                issues.append(PackIssue(path, line, f"no such message: {_shown(key)}", "agency"))
                continue
            issues += [
                PackIssue(path, line, problem, "agency")
                for problem in _entry_problems(message, locale)
            ]
    return issues


def _shown(key: Key) -> str:
    return repr(key if isinstance(key, str) else key[0])


def catalog_issues(
    path: Path, locale: str, template: Catalog | None, parsed: ParsedCatalogs | None = None
) -> list[PackIssue]:
    """Every problem in one locale's catalog (what ``packs coverage`` counts as missing)."""
    issues: list[PackIssue] = []
    catalog = _read(path, locale, issues, parsed)
    if catalog is not None:
        issues += _catalog_problems(path, catalog, template)
    return issues


def read_template(locales_dir: Path) -> Catalog | None:
    """Read ``messages.pot``, or None when it cannot be read."""
    return _read(locales_dir / TEMPLATE, None, [])


def catalog_paths(locales_dir: Path) -> dict[str, Path]:
    """Map each locale to its ``<locale>/LC_MESSAGES/messages.po``, as Catalogs.load finds them."""
    return {
        path.parent.parent.name: path
        for path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }


@cache
def safeguarding_ids() -> frozenset[Key]:
    """Extract the signpost msgids from their module, so none can be forgotten in a list."""
    found = extract_from_file("python", str(SIGNPOSTS), keywords=KEYWORDS)
    return frozenset(_key(message) for _, message, _, _ in found)


def _read(
    path: Path, locale: str | None, issues: list[PackIssue], parsed: ParsedCatalogs | None = None
) -> Catalog | None:
    """Parse one catalog; a syntax error becomes an issue at its line, never a traceback."""
    if not path.is_file():
        issues.append(PackIssue(path, 1, "file is missing; run make messages"))
        return None
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        catalog = read_po(BytesIO(data), locale=locale, abort_invalid=True)
    except UnicodeDecodeError as exc:
        issues.append(PackIssue(path, data[: exc.start].count(b"\n") + 1, "not valid UTF-8"))
    except PoFileError as exc:
        reason = str(exc.args[0]).rsplit(" on ", 1)[0]
        issues.append(PackIssue(path, exc.lineno + 1, f"invalid catalog: {reason}: {exc.line!r}"))
    except (ValueError, UnknownLocaleError) as exc:
        issues.append(PackIssue(path, 1, f"invalid catalog: {exc}"))
    else:
        if parsed is not None and locale is not None:
            parsed[path] = catalog
        return catalog
    return None


def _template_problems(path: Path, template: Catalog) -> Iterator[PackIssue]:
    """A signpost missing from the template would never be translated anywhere."""
    known = _entries(template)
    for key in sorted(safeguarding_ids() - set(known), key=str):
        yield PackIssue(
            path, 1, f"safeguarding message {_short(key)} is missing; run make messages"
        )


def _coverage_problems(
    locales_dir: Path, found: dict[str, Path], content_locales: Sequence[str]
) -> Iterator[PackIssue]:
    """Every enabled locale needs a catalog, or carers would read the interface in English."""
    for locale in content_locales:
        if locale not in found:
            yield PackIssue(
                locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po",
                1,
                f"locale {locale} is enabled but has no catalog; create it with: pybabel init "
                f"-i {locales_dir / TEMPLATE} -d {locales_dir} -l {locale}",
            )


def _catalog_problems(path: Path, catalog: Catalog, template: Catalog | None) -> list[PackIssue]:
    """Check every entry, then compare the catalog with the template when there is one."""
    entries = _entries(catalog)
    issues = [
        PackIssue(path, message.lineno or 1, problem)
        for message in entries.values()
        for problem in _entry_problems(message, str(catalog.locale))
    ]
    issues += [
        PackIssue(path, message.lineno or 1, str(error))
        for message, errors in catalog.check()
        for error in errors
    ]
    if template is not None:
        known = _entries(template)
        issues += _missing(path, list(known), entries)
        issues += [
            PackIssue(
                path,
                message.lineno or 1,
                "entry not in messages.pot (stale catalog; run make messages)",
            )
            for key, message in entries.items()
            if key not in known
        ]
    return sorted(issues, key=lambda issue: issue.line)


def _entry_problems(message: Message, locale: str) -> Iterator[str]:
    """Name what is wrong with one translation: fuzzy, empty, English, or wrong placeholders."""
    ids, strings = _forms(message.id), _forms(message.string)
    safeguarding = _key(message.id) in safeguarding_ids()
    untranslated = "safeguarding message not translated: " if safeguarding else ""
    if message.fuzzy:
        yield "fuzzy entry; check the translation, then remove the fuzzy flag"
    for index, string in enumerate(strings):
        label = _label(index, strings)
        english = ids[min(index, len(ids) - 1)]
        if not string:
            yield f"{untranslated}{label} is empty"
        elif safeguarding and locale != DEFAULT_LOCALE and string == english:
            yield f"{untranslated}{label} is the English text"
    yield from _placeholder_problems(ids, strings)


def _placeholder_problems(ids: Sequence[str], strings: Sequence[str]) -> Iterator[str]:
    """A renamed or malformed placeholder raises KeyError or ValueError when the reply is sent."""
    try:
        wanted = [_fields(text) for text in ids]
    except ValueError:
        return  # the msgid is not a format string, so the code never formats it
    for index, string in enumerate(strings):
        label = _label(index, strings)
        expected = wanted[min(index, len(wanted) - 1)]
        if not string:
            continue  # reported as empty
        try:
            got = _fields(string)
        except ValueError as exc:
            yield f"{label} has malformed braces: {exc}"
            continue
        if got != expected:
            yield (
                f"{label} placeholders {_names(got)} differ from the msgid's {_names(expected)}"
            )


def _fields(text: str) -> set[str]:
    """Return the names ``str.format`` looks up; raise ValueError on malformed braces."""
    names: set[str] = set()
    for _literal, name, spec, _conversion in Formatter().parse(text):
        if name is not None:
            names.add(re.split(r"[.\[]", name, maxsplit=1)[0])
        if spec:
            names |= _fields(spec)
    return names


def _missing(path: Path, template_keys: list[Key], entries: dict[Key, Message]) -> list[PackIssue]:
    """Point each missing msgid at the entry it should precede, where an editor would add it."""
    issues = []
    following = _line_count(path)
    for key in reversed(template_keys):
        if key in entries:
            following = entries[key].lineno or following
        else:
            issues.append(
                PackIssue(path, following, f"msgid {_short(key)} is missing; run make messages")
            )
    return issues[::-1]


def _entries(catalog: Catalog) -> dict[Key, Message]:
    return {_key(message.id): message for message in catalog if message.id}


def _key(message_id: object) -> Key:
    if isinstance(message_id, str):
        return message_id
    return tuple(str(part) for part in message_id) if isinstance(message_id, Iterable) else ""


def _forms(value: object) -> list[str]:
    if value is None or isinstance(value, str):
        return [value or ""]
    return [str(form or "") for form in value] if isinstance(value, Iterable) else [""]


def _label(index: int, strings: Sequence[str]) -> str:
    return "msgstr" if len(strings) == 1 else f"msgstr[{index}]"


def _names(fields: set[str]) -> str:
    return "{" + ", ".join(sorted(fields)) + "}" if fields else "none"


def _short(key: Key) -> str:
    text = key if isinstance(key, str) else key[0]
    return repr(text if len(text) <= 60 else f"{text[:57]}...")


def _line_count(path: Path) -> int:
    return max(1, path.read_bytes().count(b"\n"))
