"""Audit replay: check a pool's event history against the exact model, naming the first divergence.

* :mod:`.engine` -- the replay (pure): :class:`PoolAuditor`, :func:`audit_events`, :class:`Verdict`.
* :mod:`.logfile` -- saved logs (JSON Lines with a header, per-line CRCs and an end record).
* :mod:`.rpc` -- fetching the events from a node over JSON-RPC (chunked, retrying, shrinking).
* :mod:`.cli` -- ``python -m python_model.audit LOGFILE``.
* :mod:`.synth` -- synthetic histories from the stateful model (tests, benchmark).
"""

from .engine import (
    Divergence,
    Event,
    LogError,
    PoolAuditor,
    PoolState,
    SwapFee,
    Verdict,
    audit_events,
    fee_paid,
)
from .logfile import LogReader, LogWriter, event_line, write_log

__all__ = [
    "Divergence",
    "Event",
    "LogError",
    "LogReader",
    "LogWriter",
    "PoolAuditor",
    "PoolState",
    "SwapFee",
    "Verdict",
    "audit_events",
    "event_line",
    "fee_paid",
    "write_log",
]
