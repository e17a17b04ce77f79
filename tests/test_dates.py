"""The time written into outputs (issue 8: no traceback for any SOURCE_DATE_EPOCH)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casedocs.dates import INVARIANT_EPOCH, build_timestamp
from casedocs.errors import UserError


def test_unset_is_the_documented_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_timestamp() == datetime(2000, 1, 1, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(INVARIANT_EPOCH))
    assert build_timestamp() == datetime(2000, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value, message", [
    ("99999999999999", "after the year 9999"),
    ("253402300800", "after the year 9999"),
    ("-5", "whole seconds since 1970"),
    ("1e9", "whole seconds since 1970"),
])
def test_an_unusable_value_is_a_user_error(monkeypatch: pytest.MonkeyPatch, value: str,
                                           message: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UserError, match=message):
        build_timestamp()


def test_the_last_second_of_9999_is_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    assert build_timestamp().year == 9999
