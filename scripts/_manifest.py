"""Deployment manifests: `deployments/<chain-id>.json`, one per chain, read by every tidepool script.

Shape (exactly these keys; other scripts rely on it)::

    {
      "chain_id": 31337,
      "deployer": "0xf39F...",
      "compiler": "0.8.30+commit.73712a01",
      "ape_config_sha256": "<64 hex digits>",
      "contracts": {
        "Factory": {"address": "0x...", "tx_hash": "0x...", "block": 2, "type": "Factory"},
        "Pool:dBTC/dUSD/30": {"address": "0x...", "tx_hash": "0x...", "block": 9, "type": "Pool"},
        ...
      }
    }

`contracts` keeps deployment order. A contract the deployment uses but did not deploy (a configured WETH
or reward token on a public network) has `tx_hash` and `block` null. Pools are named
`Pool:<SYMBOL_A>/<SYMBOL_B>/<fee bps>` in the order of the deployment plan (base/quote), not by address.

The file is only ever replaced whole (temporary file in the same folder, fsync, `os.replace`), so a
reader sees either the previous manifest or the new one. No chain or Ape import here: plain data.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

KEYS = ("chain_id", "deployer", "compiler", "ape_config_sha256", "contracts")
ENTRY_KEYS = ("address", "tx_hash", "block", "type")

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_TX_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ManifestError(ValueError):
    """The manifest file is unreadable or does not have the shape above (the message says where)."""


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (the ape-config.yaml fingerprint stored in the manifest)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest_path(folder: Path, chain_id: int) -> Path:
    return Path(folder) / f"{chain_id}.json"


@dataclass
class Manifest:
    chain_id: int
    deployer: str
    compiler: str
    ape_config_sha256: str
    contracts: dict[str, dict] = field(default_factory=dict)

    # --- contents ---------------------------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self.contracts

    def address(self, name: str) -> str:
        return self.contracts[name]["address"]

    def record(self, name: str, address: str, tx_hash: str | None, block: int | None, type_: str) -> None:
        """Adds one contract (never replaces one: a name is deployed once per manifest)."""
        if name in self.contracts:
            raise ManifestError(f"{name} is already recorded at {self.contracts[name]['address']}")
        entry = {"address": address, "tx_hash": tx_hash, "block": block, "type": type_}
        _check_entry(name, entry)
        self.contracts[name] = entry

    def to_json(self) -> dict:
        return {
            "chain_id": self.chain_id,
            "deployer": self.deployer,
            "compiler": self.compiler,
            "ape_config_sha256": self.ape_config_sha256,
            "contracts": {name: dict(entry) for name, entry in self.contracts.items()},
        }

    @classmethod
    def from_json(cls, data) -> "Manifest":
        validate(data)
        return cls(
            data["chain_id"],
            data["deployer"],
            data["compiler"],
            data["ape_config_sha256"],
            {name: dict(entry) for name, entry in data["contracts"].items()},
        )

    # --- files ------------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Replaces `path` atomically with this manifest (the folder is created if needed)."""
        data = self.to_json()
        validate(data)
        write_atomic(Path(path), json.dumps(data, indent=2) + "\n")


def load(path: Path) -> Manifest | None:
    """The manifest at `path`, or None if there is no file. Raises ManifestError if it is corrupt."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ManifestError(f"cannot read it ({err})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ManifestError(f"not JSON ({err.msg} at line {err.lineno})") from None
    return Manifest.from_json(data)


def validate(data) -> None:
    """Raises ManifestError naming the first thing that is not as the module docstring describes."""
    if not isinstance(data, dict):
        raise ManifestError("the top level is not an object")
    missing = [k for k in KEYS if k not in data]
    extra = sorted(set(data) - set(KEYS))
    if missing:
        raise ManifestError(f"missing key {missing[0]!r}")
    if extra:
        raise ManifestError(f"unexpected key {extra[0]!r}")
    chain_id = data["chain_id"]
    if not _is_int(chain_id) or chain_id <= 0:
        raise ManifestError(f"chain_id {chain_id!r} is not a positive integer")
    if not isinstance(data["deployer"], str) or not _ADDRESS.match(data["deployer"]):
        raise ManifestError(f"deployer {data['deployer']!r} is not an address")
    if not isinstance(data["compiler"], str) or not data["compiler"]:
        raise ManifestError("compiler is not a version string")
    if not isinstance(data["ape_config_sha256"], str) or not _SHA256.match(data["ape_config_sha256"]):
        raise ManifestError("ape_config_sha256 is not 64 lowercase hex digits")
    contracts = data["contracts"]
    if not isinstance(contracts, dict):
        raise ManifestError("contracts is not an object")
    for name, entry in contracts.items():
        _check_entry(name, entry)


def _check_entry(name, entry) -> None:
    if not isinstance(name, str) or not name:
        raise ManifestError(f"contract name {name!r} is not a non-empty string")
    if not isinstance(entry, dict):
        raise ManifestError(f"contracts.{name} is not an object")
    missing = [k for k in ENTRY_KEYS if k not in entry]
    extra = sorted(set(entry) - set(ENTRY_KEYS))
    if missing:
        raise ManifestError(f"contracts.{name} has no {missing[0]!r}")
    if extra:
        raise ManifestError(f"contracts.{name} has unexpected key {extra[0]!r}")
    if not isinstance(entry["address"], str) or not _ADDRESS.match(entry["address"]):
        raise ManifestError(f"contracts.{name}.address {entry['address']!r} is not an address")
    tx_hash, block = entry["tx_hash"], entry["block"]
    if (tx_hash is None) != (block is None):
        raise ManifestError(f"contracts.{name}: tx_hash and block must both be set or both be null")
    if tx_hash is not None and (not isinstance(tx_hash, str) or not _TX_HASH.match(tx_hash)):
        raise ManifestError(f"contracts.{name}.tx_hash {tx_hash!r} is not a transaction hash")
    if block is not None and (not _is_int(block) or block < 0):
        raise ManifestError(f"contracts.{name}.block {block!r} is not a block number")
    if not isinstance(entry["type"], str) or not entry["type"]:
        raise ManifestError(f"contracts.{name}.type is not a contract type name")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def write_atomic(path: Path, text: str) -> None:
    """Writes `text` to a temporary file next to `path`, flushes it to disk and renames it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    try:  # make the rename itself durable
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
