"""Genesis section ``datamobility``: ``{"holidays": ["YYYY-MM-DD", …], "retention_days": 1096}``.

Both optional. ``retention_days`` (how long access-log entries are kept) may not be below 1096 (3 years).
"""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.context import Context
from bayledger.core.finance.dates import parse_date
from bayledger.core.finance.errors import InvalidDateError
from bayledger.core.modules.datamobility.audit import MIN_RETENTION_DAYS
from bayledger.core.modules.datamobility.records import Settings
from bayledger.core.modules.datamobility.state import set_settings
from bayledger.core.store import WritableState


def init_genesis(store: WritableState, app_state: dict[str, Any], ctx: Context) -> None:
    """Write the module settings of the genesis; ValueError for a bad section. No section writes nothing."""
    if "datamobility" not in app_state:
        return
    try:
        settings = msgspec.convert(app_state["datamobility"], type=Settings)
    except msgspec.ValidationError as exc:
        raise ValueError(f"genesis datamobility: {exc}") from None
    if settings.retention_days < MIN_RETENTION_DAYS:
        raise ValueError(f"genesis datamobility: retention_days must be at least {MIN_RETENTION_DAYS}")
    try:
        for text in settings.holidays:
            parse_date(text)
    except InvalidDateError as exc:
        raise ValueError(f"genesis datamobility holiday: {exc.message}") from None
    set_settings(
        store, Settings(holidays=sorted(set(settings.holidays)), retention_days=settings.retention_days)
    )
