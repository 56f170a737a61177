"""Saved event logs: JSON Lines, streamed in both directions (memory stays flat in the number of events).

Format (what ``ape run audit --save-log FILE`` writes)::

    {"format": "tidepool-audit-log", "version": 1, "pool": "0x..", "fee_bps": 30, "chain_id": 31337,
     "token0": "0x..", "token1": "0x..", "from_block": 0, "to_block": 812, "start": null}
    {"block": 12, "tx_hash": "0x..", "log_index": 3, "address": "0x..", "event": "Swap", "args": {..}, "crc": "1c2b3a4d"}
    ...
    {"end": true, "events": 4711, "to_block": 812, "end_state": {...} | null}

* ``start``: the pool's state before ``from_block`` (null: the log begins at the pool's creation).
* Each event line ends with ``"crc"``: the CRC-32 (hex) of the line's bytes before ``,"crc"``, so a line
  edited after it was written is named by its line number.  (A CRC stops accidents and careless edits;
  anyone can recompute it, which is why the replay checks the numbers themselves.)
* The end record counts the event lines, so a log cut at a line boundary is caught too; ``end_state``
  is the state read from the chain at ``to_block`` when the node could serve it.

Logs from elsewhere may omit the header, the CRCs and the end record: one event object per line,
ordered by block and log index.  Then ``--fee-bps`` is required and truncation at a line boundary
cannot be detected.
"""

from __future__ import annotations

import json
import os
import zlib

from .engine import Event, LogError, PoolState

FORMAT = "tidepool-audit-log"
VERSION = 1
_CRC_TAG = b',"crc":"'

try:  # msgspec ships with the project's environment (requirements.lock); the stdlib path is the fallback
    import msgspec
except ImportError:  # pragma: no cover - exercised only without msgspec
    msgspec = None


if msgspec is not None:
    from typing import Annotated, ClassVar, TypedDict, Union

    _uint = Annotated[int, msgspec.Meta(ge=0)]

    class _Mint(TypedDict):
        sender: str
        amount0: _uint
        amount1: _uint

    class _Burn(TypedDict):
        sender: str
        amount0: _uint
        amount1: _uint
        to: str

    class _Swap(TypedDict):
        sender: str
        amount0In: _uint
        amount1In: _uint
        amount0Out: _uint
        amount1Out: _uint
        to: str

    class _Sync(TypedDict):
        reserve0: _uint
        reserve1: _uint

    _Transfer = TypedDict("_Transfer", {"from": str, "to": str, "value": _uint})

    def _farm_args(name, fields):
        return TypedDict(f"_{name}", {f: (str if f in ("user", "funder", "lpToken") else bool if f == "authorised"
                                          else _uint) for f in fields})

    _FARM_ARGS = {
        "PoolAdded": ("pid", "lpToken", "allocPoint"), "AllocPointSet": ("pid", "allocPoint"),
        "FunderSet": ("funder", "authorised"), "Funded": ("funder", "received", "duration"),
        "ScheduleUpdated": ("ratePerPoint", "periodEnd", "carried"), "RewardsCarried": ("pid", "amount"),
        "Deposit": ("user", "pid", "amount"), "Withdraw": ("user", "pid", "amount"),
        "EmergencyWithdraw": ("user", "pid", "amount", "owed"), "Harvest": ("user", "pid", "amount"),
    }

    def _line_type(name, args, timestamp=False):
        """An event line of one kind: a msgspec struct tagged by its "event" field (one decode, validated)."""
        stamp = ("timestamp", _uint) if timestamp else ("timestamp", Union[_uint, None], None)
        fields = [("block", _uint), ("tx_hash", str), ("log_index", _uint), ("address", str), ("args", args)]
        return msgspec.defstruct(
            f"{name}Line", fields + [stamp, ("line", int, 0), ("event", ClassVar[str], name)],
            tag_field="event", tag=name, gc=False,
        )

    _LINE_TYPES = tuple(_line_type(name, kind) for name, kind in (
        ("Swap", _Swap), ("Sync", _Sync), ("Transfer", _Transfer), ("Mint", _Mint), ("Burn", _Burn))) + tuple(
        _line_type(name, _farm_args(name, fields), timestamp=True) for name, fields in _FARM_ARGS.items())
    _ARG_DECODERS = True
    _decode_line = msgspec.json.Decoder(Union[_LINE_TYPES]).decode
    _decode_any = msgspec.json.decode
    _DecodeErrors = (msgspec.DecodeError, msgspec.ValidationError)
    _encode = msgspec.json.encode
else:  # pragma: no cover
    _ARG_DECODERS = None
    _decode_any = json.loads
    _DecodeErrors = (ValueError, TypeError)

    def _encode(obj):
        return json.dumps(obj, separators=(",", ":")).encode()


_ARG_FIELDS = {
    "Mint": (("sender", str), ("amount0", int), ("amount1", int)),
    "Burn": (("sender", str), ("amount0", int), ("amount1", int), ("to", str)),
    "Swap": (("sender", str), ("amount0In", int), ("amount1In", int), ("amount0Out", int), ("amount1Out", int), ("to", str)),
    "Sync": (("reserve0", int), ("reserve1", int)),
    "Transfer": (("from", str), ("to", str), ("value", int)),
}


def _plain_event(obj, line):
    """Event from a decoded JSON object, validated by hand (the path without msgspec)."""
    if not isinstance(obj, dict):
        raise LogError(line, "corrupt line: not a JSON object")
    try:
        block, tx_hash, log_index = obj["block"], obj["tx_hash"], obj["log_index"]
        address, name, args = obj["address"], obj["event"], obj["args"]
    except KeyError as exc:
        raise LogError(line, f"corrupt line: missing field {exc}") from None
    for key, value, kind in (("block", block, int), ("log_index", log_index, int), ("tx_hash", tx_hash, str),
                             ("address", address, str), ("event", name, str), ("args", args, dict)):
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is int and value < 0):
            raise LogError(line, f"corrupt line: {key} is not a {'non-negative integer' if kind is int else kind.__name__}")
    fields = _ARG_FIELDS.get(name)
    if fields is not None:
        for key, kind in fields:
            value = args.get(key)
            if not isinstance(value, kind) or isinstance(value, bool) or (kind is int and value < 0):
                raise LogError(line, f"corrupt line: {name} argument {key!r} missing or not a {'uint' if kind is int else 'string'}")
    return Event(block, tx_hash, log_index, address, name, args, line, obj.get("timestamp"))


class LogReader:
    """Iterates the events of a saved log, checking its framing; ``header`` and ``trailer`` as read.

    Raises LogError (with the line number) for a corrupt, altered or truncated log.  ``position()`` is
    the byte offset reached (for progress bars).
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        self.size = os.path.getsize(self.path)
        self._file = open(self.path, "rb")
        self.header = None
        self.trailer = None
        self.count = 0
        self._first = None  # line 1 when it is an event (headerless log)
        first = self._file.readline()
        if not first:
            self._file.close()
            raise LogError(1, "empty log")
        if not first.endswith(b"\n"):
            raise LogError(1, "truncated: the first line is incomplete")
        obj = self._decode_object(first, 1)
        if isinstance(obj, dict) and "format" in obj:
            if obj.get("format") != FORMAT:
                raise LogError(1, f"not a {FORMAT} file (format {obj.get('format')!r})")
            if obj.get("version") != VERSION:
                raise LogError(1, f"unsupported log version {obj.get('version')!r} (this reader reads {VERSION})")
            for key in ("pool", "fee_bps", "from_block", "to_block"):
                if key not in obj:
                    raise LogError(1, f"header lacks {key!r}")
            self.header = obj
        else:
            self._first = first

    @staticmethod
    def _decode_object(raw, line):
        try:
            return _decode_any(raw)
        except _DecodeErrors as exc:
            raise LogError(line, f"corrupt line: {_short(exc)}") from None

    @property
    def framed(self):
        """Whether the log carries a header (then CRCs and the end record are required)."""
        return self.header is not None

    def position(self):
        return self._file.tell()

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        framed = self.header is not None
        crc32 = zlib.crc32
        tag = _CRC_TAG
        decode_line = _decode_line if _ARG_DECODERS is not None else None
        n = 1
        lines = self._file
        if self._first is not None:
            lines = _chain_first(self._first, lines)
            n = 0
        count = 0
        self._n = n
        self._count = 0
        try:
            for raw in lines:
                n += 1
                if raw[-1:] != b"\n":
                    raise LogError(n, "truncated: the last line is incomplete (the log was cut mid-line)")
                if raw.startswith(b'{"end"'):
                    self.count = count
                    self._end(raw, n, count)
                    return
                i = raw.rfind(tag)
                if i >= 0:
                    if crc32(raw[:i]) != int(raw[i + 8:i + 16], 16):
                        raise LogError(n, "checksum mismatch: the line was changed after it was written")
                elif framed:
                    raise LogError(n, "no checksum: every event line of a saved log carries one")
                if decode_line is not None:
                    try:
                        ev = decode_line(raw)
                    except _DecodeErrors as exc:
                        raise LogError(n, f"corrupt line: {_short(exc)}") from None
                    ev.line = n
                else:  # pragma: no cover
                    ev = _plain_event(self._decode_object(raw, n), n)
                count += 1
                yield ev
        except ValueError as exc:  # int() of a damaged checksum
            raise LogError(n, f"corrupt line: {exc}") from None
        finally:  # where a consumer that stopped early left off (see drain)
            self._n = n
            self._count = count
        self.count = count
        if framed:
            raise LogError(n + 1, f"truncated: the log ends after line {n} without its end record")

    def drain(self):
        """After the consumer stopped early: check the framing of the rest (CRCs, end record, event count)
        without decoding the events.  Raises LogError.  A log without header is not checked."""
        if self.header is None or self.trailer is not None:
            return
        n, count = self._n, self._count
        crc32, tag = zlib.crc32, _CRC_TAG
        try:
            for raw in self._file:
                n += 1
                if raw[-1:] != b"\n":
                    raise LogError(n, "truncated: the last line is incomplete (the log was cut mid-line)")
                if raw.startswith(b'{"end"'):
                    self.count = count
                    self._end(raw, n, count)
                    return
                i = raw.rfind(tag)
                if i < 0:
                    raise LogError(n, "no checksum: every event line of a saved log carries one")
                if crc32(raw[:i]) != int(raw[i + 8:i + 16], 16):
                    raise LogError(n, "checksum mismatch: the line was changed after it was written")
                count += 1
        except ValueError as exc:
            raise LogError(n, f"corrupt line: {exc}") from None
        raise LogError(n + 1, f"truncated: the log ends after line {n} without its end record")

    def _end(self, raw, n, count):
        trailer = self._decode_object(raw, n)
        if not isinstance(trailer, dict) or trailer.get("end") is not True:
            raise LogError(n, "corrupt end record")
        if trailer.get("events") != count:
            raise LogError(n, f"the end record counts {trailer.get('events')} events but the log holds {count}: "
                              "lines were removed or added")
        rest = self._file.readline()
        if rest:
            raise LogError(n + 1, "data after the end record")
        self.trailer = trailer


def _chain_first(first, rest):
    yield first
    yield from rest


def _short(exc):
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


def event_line(ev):
    """One log line (bytes, newline included) for an event: its JSON, then the CRC of those bytes."""
    obj = {
        "block": ev.block, "tx_hash": ev.tx_hash, "log_index": ev.log_index, "address": ev.address,
        "event": ev.event, "args": ev.args,
    }
    timestamp = getattr(ev, "timestamp", None)
    if timestamp is not None:
        obj["timestamp"] = timestamp
    body = _encode(obj)[:-1]
    return b'%s,"crc":"%08x"}\n' % (body, zlib.crc32(body))


class LogWriter:
    """Writes a log atomically: to ``path + '.part'``, renamed to ``path`` by ``close`` (a failed fetch
    leaves no log that looks complete)."""

    def __init__(self, path, *, pool, fee_bps, from_block, to_block, start=None, **extra):
        self.path = os.fspath(path)
        self._part = self.path + ".part"
        self._file = open(self._part, "wb")
        self.count = 0
        self.to_block = to_block
        self.end_state = None  # written by close() when the writer is used as a context manager
        header = {
            "format": FORMAT, "version": VERSION, "pool": pool, "fee_bps": fee_bps,
            "from_block": from_block, "to_block": to_block,
            "start": start.to_dict() if isinstance(start, PoolState) else start,
        }
        header.update(extra)
        self._file.write(_encode(header) + b"\n")

    def write(self, ev):
        self._file.write(event_line(ev))
        self.count += 1

    def close(self, end_state=None):
        trailer = {"end": True, "events": self.count, "to_block": self.to_block,
                   "end_state": end_state.to_dict() if isinstance(end_state, PoolState) else end_state}
        self._file.write(_encode(trailer) + b"\n")
        self._file.close()
        os.replace(self._part, self.path)

    def abort(self):
        self._file.close()
        try:
            os.unlink(self._part)
        except FileNotFoundError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is None:
            self.close(self.end_state)
        else:
            self.abort()


def write_log(path, events, *, pool, fee_bps, from_block, to_block, start=None, end_state=None, **extra):
    """Write ``events`` to ``path`` as a complete log; returns the number written."""
    writer = LogWriter(path, pool=pool, fee_bps=fee_bps, from_block=from_block, to_block=to_block,
                       start=start, **extra)
    try:
        for ev in events:
            writer.write(ev)
    except BaseException:
        writer.abort()
        raise
    writer.close(end_state)
    return writer.count


def audit_log(path, *, fee_bps=None, from_block=None, to_block=None, on_swap=None, max_divergences=1,
              progress=None, progress_every=1 << 16):
    """Replay a saved log (streamed) and return the Verdict.  Raises LogError for a bad log.

    ``fee_bps`` overrides the header's (required for a log without header).  ``from_block``: events of
    earlier blocks in the log are replayed unchecked (the state is built from them); ``to_block``: stop
    after that block.  ``progress(bytes_done, bytes_total)`` is called every ``progress_every`` events.
    """
    from .engine import PoolAuditor, _Stop

    reader = LogReader(path)
    try:
        header = reader.header or {}
        if header.get("farm"):
            return _audit_farm_log(reader, header, to_block, max_divergences)
        fee = fee_bps if fee_bps is not None else header.get("fee_bps")
        if fee is None:
            raise LogError(0, "the log has no header naming the pool's fee: pass --fee-bps")
        log_from = header.get("from_block")
        if from_block is not None and log_from is not None and from_block < log_from:
            raise LogError(1, f"the log starts at block {log_from}; it cannot be audited from block {from_block}")
        if from_block is not None and to_block is not None and to_block < from_block:
            raise LogError(0, f"--to-block {to_block} is before --from-block {from_block}")
        start = PoolState.from_dict(header["start"]) if header.get("start") else None
        check_from = from_block if from_block is not None and from_block > (log_from or 0) else None
        events = iter(reader)
        auditor = None
        pool = header.get("pool")
        if pool is not None:
            auditor = PoolAuditor(pool, fee, start, check_from=check_from, max_divergences=max_divergences,
                                  on_swap=on_swap)
        stopped = False
        try:
            if auditor is None:  # a log without header: the pool is the first event's emitter
                first = next(events, None)
                if first is None:
                    raise LogError(1, "the log holds no events and no header")
                auditor = PoolAuditor(first.address, fee, start, check_from=check_from,
                                      max_divergences=max_divergences, on_swap=on_swap)
                if to_block is None or first.block <= to_block:
                    auditor.feed(first)
            feed = auditor.feed
            if to_block is None and progress is None:
                for ev in events:
                    feed(ev)
            else:
                limit = to_block if to_block is not None else float("inf")
                count = 0
                for ev in events:
                    if ev.block > limit:
                        break
                    feed(ev)
                    count += 1
                    if progress is not None and not count % progress_every:
                        progress(reader.position(), reader.size)
        except _Stop:
            stopped = True
        if stopped:
            verdict = auditor.finish(stopped=True)
            events.close()
            try:
                reader.drain()  # a divergence in a log that is not intact says nothing about the pool
            except LogError as exc:
                first = verdict.divergence
                raise LogError(exc.line, f"{exc.message} (the replay had stopped at a divergence on line "
                                         f"{first.line}: the log is not intact)") from None
            return verdict
        if to_block is not None:
            return auditor.finish(through_block=to_block)
        trailer = reader.trailer or {}
        end = trailer.get("end_state")
        through = trailer.get("to_block", header.get("to_block"))
        return auditor.finish(PoolState.from_dict(end) if end else None, through)
    finally:
        reader.close()


def _audit_farm_log(reader, header, to_block, max_divergences):
    from .engine import _Stop
    from .farm import FarmAuditor

    auditor = FarmAuditor(header["farm"], header.get("reward_token"), max_divergences=max_divergences)
    events = iter(reader)
    try:
        for ev in events:
            if to_block is not None and ev.block > to_block:
                return auditor.finish(through_block=to_block)
            auditor.feed(ev)
    except _Stop:
        verdict = auditor.finish(stopped=True)
        events.close()
        reader.drain()
        return verdict
    trailer = reader.trailer or {}
    return auditor.finish(trailer.get("end_state") if to_block is None else None,
                          to_block if to_block is not None else trailer.get("to_block", header.get("to_block")))
