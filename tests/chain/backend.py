"""The small chain interface every state machine is written against.

A `Chain` deploys artifacts, sends transactions as funded accounts, reads state (many reads in one round
trip through the `Lens` test contract), takes and restores snapshots, and keeps the clock: `now` is the
timestamp the next transaction's block gets, so both backends run the same history at the same times.
Each transaction is mined in a block of its own, as Anvil's auto-mine does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from .artifacts import Artifacts, ContractType, Function, checksum

GAS_LIMIT = 16_000_000  # under Osaka's per-transaction cap (EIP-7825)


class Reverted(Exception):
    """A transaction or call reverted; `name` is the decoded custom error ('' for an empty revert)."""

    def __init__(self, name: str, args: tuple = (), data: bytes = b""):
        super().__init__(f"{name}{args if args else ''}")
        self.name = name
        self.args_ = args
        self.data = data


class HarnessError(RuntimeError):
    """The backend did something the harness cannot explain (not a contract revert)."""


@dataclass(frozen=True)
class Log:
    address: str
    name: str
    args: dict


class Receipt:
    """A mined transaction: its decoded return value, gas, block timestamp and logs. The logs are decoded
    on first use (most transactions of a property test never look at theirs)."""

    __slots__ = ("return_value", "gas_used", "timestamp", "_raw_logs", "_logs", "_artifacts")

    def __init__(self, return_value, raw_logs: list, gas_used: int, timestamp: int, artifacts: Artifacts):
        self.return_value = return_value
        self.gas_used = gas_used
        self.timestamp = timestamp
        self._raw_logs = raw_logs
        self._logs = None
        self._artifacts = artifacts

    @property
    def logs(self) -> tuple:
        """Every log as `Log(address, event name, decoded arguments)` ('' and the raw log when unknown)."""
        if self._logs is None:
            self._logs = decode_logs(self._artifacts, self._raw_logs)
        return self._logs

    def events(self, name: str, address: str | None = None) -> list[dict]:
        """The decoded arguments of every `name` event, optionally only those emitted by `address`."""
        return [
            log.args for log in self.logs if log.name == name and (address is None or log.address == address)
        ]

    def __repr__(self):
        return f"Receipt(return_value={self.return_value!r}, gas_used={self.gas_used}, logs={self.logs!r})"


def decode_logs(artifacts: Artifacts, raw_logs) -> tuple:
    """(address, topics, data) triples as `Log`s, named by the compiled events (topic0)."""
    decoded = []
    events = artifacts.events
    for address, topics, data in raw_logs:
        event = events.get(topics[0]) if topics else None
        if event is None:
            decoded.append(Log(checksum(address), "", {"topics": topics, "data": data}))
        else:
            decoded.append(Log(checksum(address), event.name, event.decode(topics, data)))
    return tuple(decoded)


class Contract:
    """A deployed contract: its address and type, with `call` and `transact` by function name."""

    __slots__ = ("chain", "address", "type")

    def __init__(self, chain: "Chain", address: str, ctype: ContractType):
        self.chain = chain
        self.address = checksum(address)
        self.type = ctype

    def call(self, fn: str, *args):
        return self.chain.call(self, self.type.function(fn), args)

    def transact(self, fn: str, *args, sender: str, value: int = 0) -> Receipt:
        return self.chain.transact(sender, self, self.type.function(fn), args, value)

    def __repr__(self):
        return f"<{self.type.name} {self.address}>"


class Snapshot:
    """A restorable point; `Chain.revert` keeps it usable for the next revert."""

    __slots__ = ("ref", "now", "block")

    def __init__(self, ref, now: int, block: int):
        self.ref, self.now, self.block = ref, now, block


class Chain(ABC):
    """What a state machine needs from a chain. Implementations: `RevmChain`, `AnvilChain`."""

    name: str
    artifacts: Artifacts
    accounts: list[str]
    chain_id: int
    now: int  # timestamp of the next transaction's block
    block: int  # number of the last mined block

    # --- transactions and reads -------------------------------------------------------------------
    @abstractmethod
    def _send(self, sender: str, to: str | None, data: bytes, value: int) -> tuple[bytes, list, int, str | None]:
        """Mine one transaction at `now`: (return data, raw logs, gas used, created address) or raise Reverted."""

    @abstractmethod
    def _eth_call(self, to: str, data: bytes) -> bytes:
        """A read-only call against the latest state; raises Reverted."""

    @abstractmethod
    def eth_balance(self, address: str) -> int: ...

    def deploy(self, name: str, *args, sender: str | None = None) -> Contract:
        ctype = self.artifacts[name]
        _, _, _, created = self._send(sender or self.accounts[0], None, ctype.constructor_data(args), 0)
        return Contract(self, created, ctype)

    def at(self, name: str, address: str) -> Contract:
        return Contract(self, address, self.artifacts[name])

    def transact(self, sender: str, contract: Contract, fn: Function, args, value: int = 0) -> Receipt:
        out, raw_logs, gas, _ = self._send(sender, contract.address, fn.calldata(args), value)
        return Receipt(fn.result(out), raw_logs, gas, self.now, self.artifacts)

    def call(self, contract: Contract, fn: Function, args=()):
        return fn.result(self._eth_call(contract.address, fn.calldata(args)))

    def send_eth(self, sender: str, to: str, value: int) -> Receipt:
        _, raw_logs, gas, _ = self._send(sender, to, b"", value)
        return Receipt(None, raw_logs, gas, self.now, self.artifacts)

    def _decode_logs(self, raw_logs) -> tuple:
        return decode_logs(self.artifacts, raw_logs)

    # --- batched reads through the Lens ---------------------------------------------------------
    def reader(self, calls: list[tuple[Contract, str, tuple]]) -> "Reader":
        """A prepared batch of static view calls, read in one round trip by `Reader.read()`."""
        return Reader(self, calls)

    # --- time and snapshots -------------------------------------------------------------------------
    def advance(self, seconds: int) -> None:
        """Let `seconds` pass before the next transaction's block."""
        self.now += seconds

    @abstractmethod
    def snapshot(self) -> Snapshot: ...

    @abstractmethod
    def revert(self, snap: Snapshot) -> None:
        """Restore `snap` (state, clock, block number); `snap` stays usable."""


class Reader:
    """Reads a fixed list of static view calls through the Lens's packed program (one eth_call per 255
    distinct targets and arguments) and decodes the concatenation.

    The program is built once: a table of the distinct addresses (20 bytes) and other argument words (32
    bytes), and records naming each call's target, selector, arguments and returned words by table entry;
    a run of one-argument calls to the same function is one record (see contracts/test/Lens.sol). Every
    call returns exactly its declared size, or the read fails."""

    MAX_ENTRIES = 255  # table entries one program can index with one byte
    MAX_RUN = 127  # calls in one run record

    def __init__(self, chain: Chain, calls: list[tuple[Contract, str, tuple]]):
        self.chain = chain
        self._lens = chain.lens.address
        self._programs = []  # calldata of each program, in order
        self._decoders = []  # (first byte, width, decode or None when every output is a uint)
        table = ({}, {})  # address bytes -> index, word -> index
        pending, pos = [], 0
        for contract, name, args in calls:
            fn = contract.type.function(name)
            if not fn.outputs.static or not fn.inputs.static:
                raise ValueError(f"{fn.signature} is not static in and out; the Lens reads static views")
            if len(fn.inputs.types) >= 128:
                raise ValueError(f"{fn.signature}: the Lens passes at most 127 arguments")
            encoded = fn.inputs.encode(args)
            keys = [(0, bytes.fromhex(contract.address[2:]))]
            for i, kind in enumerate(fn.inputs.types):
                word = encoded[32 * i : 32 * i + 32]
                keys.append((0, word[12:]) if kind == "address" else (1, word))
            fresh = {k for k in keys if k[1] not in table[k[0]]}
            if len(table[0]) + len(table[1]) + len(fresh) > self.MAX_ENTRIES:
                self._programs.append(self._program(table, pending))
                table, pending = ({}, {}), []
            entries = [(kind, table[kind].setdefault(value, len(table[kind]))) for kind, value in keys]
            width = 32 * len(fn.outputs.types)
            pending.append((entries[0], fn.selector, entries[1:], width // 32))
            all_uint = all(t.startswith("uint") for t in fn.outputs.types)
            self._decoders.append((pos, width, None if all_uint else fn.outputs.decode))
            pos += width
        if pending:
            self._programs.append(self._program(table, pending))
        self.size = pos

    @classmethod
    def _program(cls, table: tuple, calls: list) -> bytes:
        addresses, words = table
        na = len(addresses)

        def entry(key):
            kind, index = key
            return index if kind == 0 else na + index

        records, i = [], 0
        while i < len(calls):
            target, selector, args, returned = calls[i]
            run = i + 1
            if len(args) == 1:
                while (
                    run < len(calls)
                    and run - i < cls.MAX_RUN
                    and calls[run][:2] == (target, selector)
                    and len(calls[run][2]) == 1
                    and calls[run][3] == returned
                ):
                    run += 1
            if run - i > 1:
                arg_entries = [entry(calls[j][2][0]) for j in range(i, run)]
                records.append(bytes([entry(target)]) + selector + bytes([128 + run - i, returned, *arg_entries]))
            else:
                records.append(bytes([entry(target)]) + selector + bytes([len(args), returned, *map(entry, args)]))
            i = run
        return bytes([na, len(words)]) + b"".join(addresses) + b"".join(words) + b"".join(records)

    def raw(self) -> bytes:
        """The concatenated return data of every call, in order."""
        call, lens, programs = self.chain._eth_call, self._lens, self._programs
        blob = call(lens, programs[0]) if len(programs) == 1 else b"".join([call(lens, p) for p in programs])
        if len(blob) != self.size:
            raise HarnessError(f"Lens returned {len(blob)} bytes, expected {self.size}")
        return blob

    def read_words(self) -> tuple:
        """Every returned 32-byte word as an unsigned integer, in order (uint outputs need no more)."""
        blob = self.raw()
        return tuple([int.from_bytes(blob[i : i + 32], "big") for i in range(0, len(blob), 32)])

    def read(self) -> list[tuple]:
        """The decoded outputs, one tuple per call, in order."""
        blob = self.raw()
        words = [int.from_bytes(blob[i : i + 32], "big") for i in range(0, len(blob), 32)]
        return [
            tuple(words[start >> 5 : (start + width) >> 5]) if decode is None else decode(blob[start : start + width])
            for start, width, decode in self._decoders
        ]
