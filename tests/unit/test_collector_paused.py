"""Long-running commands start with the collector paused and end with start-up objects frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.startup import collector_paused


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    """Leave the interpreter's collector as the test found it."""
    yield
    gc.unfreeze()
    gc.enable()


def test_collection_is_paused_while_starting_and_back_afterwards() -> None:
    """Start-up objects are frozen (never scanned again) and collection resumes."""
    gc.enable()
    frozen_before = gc.get_freeze_count()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen_before + len(kept)


def test_a_failed_start_still_turns_collection_back_on() -> None:
    """A start that raises (invalid content, say) leaves the collector running."""
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("content refused")
    assert gc.isenabled()


def test_a_collector_the_caller_had_turned_off_stays_off() -> None:
    """The pause restores what it found rather than assuming collection was on."""
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
