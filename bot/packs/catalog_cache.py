"""Catalogs that passed the start-up check, kept compiled under a digest of all the check read.

Parsing and checking eleven ``.po`` files with Babel is most of what loading content costs at a
restart, and it gives the same verdict as long as the same bytes go in. So a start that passed
stores each locale's compiled ``.mo`` under a digest of every input of that verdict (catalogs,
template, the agency's overlay, the enabled locales, the signpost code and the checking code);
the next start with identical inputs loads those and skips the parse. Any changed byte gives a
new digest, so the check runs again. The cache is only ever a shortcut: an unreadable or
unwritable folder means the check runs, never that it is skipped.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import babel

from bot import i18n
from bot.packs import catalogs

logger = logging.getLogger(__name__)

PREFIX = "catalogs-"
KEPT = 4
# The code whose behaviour decides the verdict and the compiled result.
CHECKING_CODE = (Path(catalogs.__file__), Path(i18n.__file__), catalogs.SIGNPOSTS)


class CatalogCache:
    """Compiled catalogs in ``folder``, one sub-folder per digest of the check's inputs."""

    def __init__(self, folder: Path) -> None:
        """Use ``folder`` (created on the first store)."""
        self.folder = folder

    def key(self, locales_dir: Path, content_locales: Sequence[str], overlay: Path | None) -> str:
        """Digest every input of the check, by name and bytes: one changed byte, a new key."""
        digest = hashlib.sha256()
        for part in (babel.__version__, sys.version, ",".join(content_locales)):
            digest.update(part.encode() + b"\0")
        _add_files(digest, "code", CHECKING_CODE)
        _add_files(digest, "shipped", _catalog_files(locales_dir))
        if overlay is not None:
            _add_files(digest, "agency", _catalog_files(overlay))
        return digest.hexdigest()[:32]

    def get(self, key: str) -> dict[str, bytes] | None:
        """Return the compiled catalogs stored under ``key``, or None (then the check runs)."""
        entry = self.folder / f"{PREFIX}{key}"
        try:
            return {path.stem: path.read_bytes() for path in sorted(entry.glob("*.mo"))} or None
        except OSError:
            return None

    def put(self, key: str, compiled: Mapping[str, bytes]) -> None:
        """Store catalogs that passed the check, and drop entries older keys left behind."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.folder))
            for locale, data in compiled.items():
                (staging / f"{locale}.mo").write_bytes(data)
            try:
                # Atomic: another process starting at the same moment sees all or nothing.
                os.rename(staging, self.folder / f"{PREFIX}{key}")
            except OSError:  # the same key stored by another process first
                shutil.rmtree(staging, ignore_errors=True)
        except OSError as error:
            logger.info("compiled catalogs not cached (%s): every start will check them", error)
            return
        self._prune()

    def _prune(self) -> None:
        """Keep the newest few entries: deployments sharing a folder (agencies) keep theirs."""
        entries = sorted(self.folder.glob(f"{PREFIX}*"), key=_modified, reverse=True)
        for stale in entries[KEPT:]:
            shutil.rmtree(stale, ignore_errors=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed a moment ago by another process's prune
        return 0.0


def _catalog_files(root: Path) -> list[Path]:
    return [root / catalogs.TEMPLATE, *catalogs.catalog_paths(root).values()]


def _add_files(digest: hashlib._Hash, layer: str, paths: Iterable[Path]) -> None:
    """Feed each file's place (layer, locale, name; never the clone's folder) and bytes."""
    for path in paths:
        locale = path.parent.parent.name if path.parent.name == "LC_MESSAGES" else ""
        digest.update(f"{layer}/{locale}/{path.name}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing\0")
        digest.update(b"\0")
