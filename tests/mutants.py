"""Deliberately broken variants of the contracts ("mutants"), each compiled from a patched copy of
`contracts/` and run through a property suite that must catch it.

A mutant names one file, one exact piece of source and its replacement. `compile_mutant` checks the
piece occurs exactly once (so a refactor that moves the code makes the mutant fail loudly instead of
silently testing the original), compiles every contract with the settings of ape-config.yaml through the
project's `solc` command, and returns `Artifacts` for the in-process backend. Compiled mutants are cached
by the hash of their patched sources under `.cache/mutants/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from chain.artifacts import ROOT, Artifacts

CONTRACTS = ROOT / "contracts"
CACHE = ROOT / ".cache" / "mutants"
SOLC = ROOT / "tools" / "solc.cjs"


@dataclass(frozen=True)
class Mutant:
    name: str  # what the bug is, in a few words
    file: str  # path under contracts/
    original: str  # exact source text, occurring once
    broken: str  # its replacement
    caught_by: tuple[str, ...]  # the properties (assertion messages or rule names) allowed to catch it


def _sources(mutant: Mutant | None) -> dict[str, str]:
    sources = {}
    for path in sorted(CONTRACTS.rglob("*.sol")):
        rel = path.relative_to(ROOT).as_posix()
        sources[rel] = path.read_text()
    if mutant is not None:
        key = f"contracts/{mutant.file}"
        text = sources[key]
        count = text.count(mutant.original)
        if count != 1:
            raise AssertionError(f"mutant {mutant.name!r}: the original text occurs {count} times in {key}")
        sources[key] = text.replace(mutant.original, mutant.broken)
    return sources


def _settings() -> tuple[dict, list[str]]:
    config = yaml.safe_load((ROOT / "ape-config.yaml").read_text())["solidity"]
    settings = {
        "evmVersion": config["evm_version"],
        "optimizer": {"enabled": config.get("optimize", True), "runs": config["optimization_runs"]},
        "remappings": [
            f"{prefix}={target}" for prefix, target in (r.split("=", 1) for r in config["import_remapping"])
        ],
        "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
    }
    return settings, settings["remappings"]


def compile_mutant(mutant: Mutant | None) -> Artifacts:
    """Artifacts of every contract, with `mutant` applied (None: the contracts as they are)."""
    sources = _sources(mutant)
    settings, _ = _settings()
    request = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": settings,
    }
    body = json.dumps(request, sort_keys=True)
    digest = hashlib.sha256(body.encode()).hexdigest()[:20]
    cached = CACHE / f"{digest}.json"
    if not cached.exists():
        out = subprocess.run(
            ["node", str(SOLC), "--standard-json", "--base-path", str(ROOT)],
            input=body,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        result = json.loads(out.stdout)
        errors = [e["formattedMessage"] for e in result.get("errors", []) if e["severity"] == "error"]
        if errors:
            raise AssertionError(f"mutant {getattr(mutant, 'name', None)!r} does not compile:\n" + "\n".join(errors))
        manifest = {"contractTypes": {}}
        for unit in result["contracts"].values():
            for name, c in unit.items():
                manifest["contractTypes"][name] = {
                    "abi": c["abi"],
                    "deploymentBytecode": {"bytecode": "0x" + c["evm"]["bytecode"]["object"]},
                }
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest))
        os.replace(tmp, cached)
    return Artifacts(cached)
