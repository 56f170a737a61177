"""Compiled contracts as both backends see them: ABI, bytecode, and a small, fast ABI codec.

The artifacts are the ones Ape compiled (`.build/__local__.json`), so the in-process EVM runs exactly the
bytecode that Ape deploys to Anvil. Static argument and return types (uint/int/address/bool/bytesN) take a
fast path of 32-byte words; anything dynamic goes through eth_abi.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

checksum = lru_cache(maxsize=None)(to_checksum_address)
"""EIP-55 spelling of an address (hex string or 20 bytes), memoised: the harness converts the same few
addresses millions of times."""

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / ".build" / "__local__.json"


# Errors raised inside Solady libraries, which solc leaves out of the calling contract's ABI.
LIBRARY_ERRORS = (
    "FullMulDivFailed", "DivFailed", "MulDivFailed", "TransferFailed", "TransferFromFailed",
    "ETHTransferFailed", "ApproveFailed", "TotalSupplyOverflow", "InsufficientBalance",
    "InsufficientAllowance", "Reentrancy", "Permit2Failed", "Permit2AmountOverflow",
)


def _canonical(param: dict) -> str:
    """The ABI type string of one parameter, tuples expanded."""
    kind = param["type"]
    if kind.startswith("tuple"):
        inner = ",".join(_canonical(c) for c in param["components"])
        return f"({inner}){kind[5:]}"
    return kind


def _is_static(kind: str) -> bool:
    return (
        kind.startswith(("uint", "int", "bytes"))
        and kind != "bytes"
        and "[" not in kind
        or kind in ("address", "bool")
    )


def _word_decoder(kind: str):
    if kind == "address":
        return lambda w: checksum(w[12:])
    if kind == "bool":
        return lambda w: w[31] == 1
    if kind.startswith("uint"):
        return lambda w: int.from_bytes(w, "big")
    if kind.startswith("int"):
        return lambda w: int.from_bytes(w, "big", signed=True)
    size = int(kind[5:])  # bytesN
    return lambda w: w[:size]


def _word_encoder(kind: str):
    if kind == "address":
        return lambda v: bytes(12) + bytes.fromhex(v[2:])
    if kind == "bool":
        return lambda v: (1 if v else 0).to_bytes(32, "big")
    if kind.startswith("uint"):
        return lambda v: v.to_bytes(32, "big")
    if kind.startswith("int"):
        return lambda v: v.to_bytes(32, "big", signed=True)
    return lambda v: bytes(v).ljust(32, b"\0")


def _tail_encoder(kind: str):
    """The encoder of a dynamic parameter's tail for `bytes`, `string` and arrays of word types, else None."""
    if kind in ("bytes", "string"):

        def encode(v):
            data = v.encode() if isinstance(v, str) else bytes(v)
            return len(data).to_bytes(32, "big") + data + bytes(-len(data) % 32)

        return encode
    if kind.endswith("[]") and _is_static(kind[:-2]):
        word = _word_encoder(kind[:-2])
        return lambda v: len(v).to_bytes(32, "big") + b"".join([word(x) for x in v])
    return None


class Codec:
    """Encodes a list of values for, or decodes them from, one ABI parameter list.

    Static parameter lists are words; lists whose dynamic parameters are all `bytes`, `string` or arrays of
    word types are encoded here as well (head of words and offsets, then the tails); anything else, and
    every dynamic decode, goes through eth_abi."""

    __slots__ = ("types", "static", "_enc", "_dec", "_parts")

    def __init__(self, params: list[dict]):
        self.types = [_canonical(p) for p in params]
        self.static = all(_is_static(t) for t in self.types)
        self._parts = None
        if self.static:
            self._enc = [_word_encoder(t) for t in self.types]
            self._dec = [_word_decoder(t) for t in self.types]
        else:
            parts = [(True, _word_encoder(t)) if _is_static(t) else (False, _tail_encoder(t)) for t in self.types]
            if all(enc is not None for _, enc in parts):
                self._parts = parts

    def encode(self, values) -> bytes:
        if self.static:
            return b"".join([enc(v) for enc, v in zip(self._enc, values)])
        if self._parts is None:
            return abi_encode(self.types, list(values))
        heads, tails, offset = [], [], 32 * len(self._parts)
        for (static, enc), v in zip(self._parts, values, strict=True):
            if static:
                heads.append(enc(v))
            else:
                tail = enc(v)
                heads.append(offset.to_bytes(32, "big"))
                tails.append(tail)
                offset += len(tail)
        return b"".join(heads) + b"".join(tails)

    def decode(self, data: bytes) -> tuple:
        if self.static:
            return tuple(dec(data[32 * i : 32 * i + 32]) for i, dec in enumerate(self._dec))
        return tuple(abi_decode(self.types, data))


@dataclass(frozen=True)
class Function:
    name: str
    signature: str
    selector: bytes
    inputs: Codec
    outputs: Codec

    def calldata(self, args) -> bytes:
        return self.selector + self.inputs.encode(args)

    def result(self, data: bytes):
        """The decoded return value: None, a single value, or a tuple."""
        if not self.outputs.types:
            return None
        values = self.outputs.decode(data)
        return values[0] if len(values) == 1 else values


@dataclass(frozen=True)
class Event:
    name: str
    topic: bytes
    indexed: tuple  # (name, type) of indexed inputs, in order
    data: Codec
    data_names: tuple

    @cached_property
    def _topic_decoders(self) -> tuple:
        """(name, decoder or None) per indexed input: a dynamic indexed value is kept as its topic hash."""
        return tuple((name, _word_decoder(kind) if _is_static(kind) else None) for name, kind in self.indexed)

    def decode(self, topics: list[bytes], data: bytes) -> dict:
        out = {}
        for (name, decode), topic in zip(self._topic_decoders, topics[1:]):
            out[name] = topic if decode is None else decode(topic)
        if self.data_names:
            out.update(zip(self.data_names, self.data.decode(data)))
        return out


@dataclass
class ContractType:
    """One compiled contract: its ABI split into functions, events and errors, and its bytecode."""

    name: str
    abi: list
    bytecode: bytes
    functions: dict = field(default_factory=dict)  # name and signature -> Function
    events: dict = field(default_factory=dict)  # topic0 -> Event
    errors: dict = field(default_factory=dict)  # selector -> (name, Codec)

    def __post_init__(self):
        for item in self.abi:
            kind = item["type"]
            if kind in ("function", "error"):
                sig = f"{item['name']}({','.join(_canonical(p) for p in item['inputs'])})"
                selector = keccak(text=sig)[:4]
                if kind == "error":
                    self.errors[selector] = (item["name"], Codec(item["inputs"]))
                    continue
                fn = Function(item["name"], sig, selector, Codec(item["inputs"]), Codec(item["outputs"]))
                self.functions[sig] = fn
                # A bare name resolves to the function when the name is not overloaded.
                if item["name"] in self.functions:
                    self.functions[item["name"]] = None
                else:
                    self.functions[item["name"]] = fn
            elif kind == "event":
                sig = f"{item['name']}({','.join(_canonical(p) for p in item['inputs'])})"
                indexed = tuple((p["name"], _canonical(p)) for p in item["inputs"] if p["indexed"])
                plain = [p for p in item["inputs"] if not p["indexed"]]
                self.events[keccak(text=sig)] = Event(
                    item["name"], keccak(text=sig), indexed, Codec(plain), tuple(p["name"] for p in plain)
                )

    def function(self, name_or_signature: str) -> Function:
        fn = self.functions.get(name_or_signature)
        if fn is None:
            raise KeyError(f"{self.name} has no single function {name_or_signature!r}; name its signature")
        return fn

    def constructor_data(self, args) -> bytes:
        ctor = next((i for i in self.abi if i["type"] == "constructor"), None)
        if ctor is None:
            return self.bytecode
        return self.bytecode + Codec(ctor["inputs"]).encode(args)


class Artifacts:
    """Every contract type Ape compiled into the project's `.build` folder."""

    def __init__(self, manifest: Path = MANIFEST):
        if not manifest.exists():
            raise FileNotFoundError(f"{manifest} is missing: run `make compile` first")
        data = json.loads(manifest.read_text())
        self.types: dict[str, ContractType] = {}
        for name, ct in data["contractTypes"].items():
            code = (ct.get("deploymentBytecode") or {}).get("bytecode") or "0x"
            self.types[name] = ContractType(name, ct["abi"], bytes.fromhex(code[2:]))

    def __getitem__(self, name: str) -> ContractType:
        return self.types[name]

    @cached_property
    def errors(self) -> dict:
        """selector -> (name, Codec) over every compiled contract, plus Error(string) and Panic(uint256)."""
        merged = {
            keccak(text="Error(string)")[:4]: ("Error", Codec([{"type": "string"}])),
            keccak(text="Panic(uint256)")[:4]: ("Panic", Codec([{"type": "uint256"}])),
        }
        for name in LIBRARY_ERRORS:
            merged[keccak(text=f"{name}()")[:4]] = (name, Codec([]))
        for ct in self.types.values():
            merged.update(ct.errors)
        return merged

    @cached_property
    def events(self) -> dict:
        merged = {}
        for ct in self.types.values():
            merged.update(ct.events)
        return merged

    def decode_error(self, data: bytes) -> tuple[str, tuple]:
        """(error name, arguments) for revert data; ('', ()) for an empty revert."""
        if len(data) < 4:
            return ("", ())
        found = self.errors.get(data[:4])
        if found is None:
            return (f"0x{data[:4].hex()}", ())
        name, codec = found
        try:
            return (name, codec.decode(data[4:]))
        except Exception:  # malformed error payload: keep the name, drop the arguments
            return (name, ())
