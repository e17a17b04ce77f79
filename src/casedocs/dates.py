"""The time written into outputs: the same input always gives the same bytes."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from casedocs.errors import UserError

INVARIANT_EPOCH = 946684800  # 2000-01-01, reportlab's own invariant date
LATEST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last moment a date can hold


def build_timestamp() -> datetime:
    """SOURCE_DATE_EPOCH when set, else a fixed date (2000-01-01)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not epoch.isdigit():
        raise UserError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not '{epoch}'")
    seconds = int(epoch) if epoch else INVARIANT_EPOCH
    if seconds > LATEST_EPOCH:
        raise UserError(
            f"SOURCE_DATE_EPOCH {epoch} is after the year 9999; give whole seconds since 1970"
        )
    return datetime.fromtimestamp(seconds, tz=UTC)
