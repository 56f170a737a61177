"""Exact gas breakdown of the benchmarked operations (`make gas-breakdown`).

Starts an Anvil of its own (history kept, as `debug_traceTransaction` needs; the same flags Ape's foundry
provider uses: zero base fee and gas price, default hardfork), runs the bench scenario of scripts/_gas.py,
traces each measured transaction and prints every state-touching opcode (SLOAD/SSTORE/TLOAD/TSTORE/LOG/
calls with their own access cost) per contract, then a per-contract summary that adds up to the receipt's
gas. `--ops` selects operations by substring; `--json FILE` writes the items and summaries; `--lines N`
adds the N source lines of the router, pools and factory that execute the most gas outside storage, calls
and logs ("compiler-generated": dispatch, ABI decoding and encoding, checked-arithmetic helpers).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]

from _gas import ANCHORS, breakdown, calldata_cost, floor, floor_terms, measure_gas  # noqa: E402
from chain import Artifacts  # noqa: E402
from chain.anvil import AnvilChain  # noqa: E402
from chain.backend import GAS_LIMIT  # noqa: E402
from mutants import SOLC, _settings, _sources  # noqa: E402

MNEMONIC = "test test test test test test test test test test test junk"


class TracedAnvil(AnvilChain):
    """AnvilChain that remembers the hash of the last transaction it sent."""

    last_hash: str = ""

    def _rpc(self, method, params):
        result = super()._rpc(method, params)
        if method == "eth_sendTransaction":
            self.last_hash = result
        elif method == "eth_sendTransactionSync":  # answers with the receipt
            self.last_hash = result["transactionHash"]
        return result


def source_maps() -> dict[str, dict[int, str]]:
    """pc -> "file:line: source" for the runtime code of Router, Pool and Factory, compiled by the project's solc
    with ape-config.yaml's settings (the bytecode Ape deploys: tests/test_mutants.py checks they agree)."""
    sources = _sources(None)
    settings, _ = _settings()
    settings["outputSelection"] = {"*": {"*": ["evm.deployedBytecode.object", "evm.deployedBytecode.sourceMap"],
                                         "": ["id"]}}
    request = {"language": "Solidity", "sources": {k: {"content": v} for k, v in sources.items()}, "settings": settings}
    out = subprocess.run(["node", str(SOLC), "--standard-json", "--base-path", str(ROOT)], input=json.dumps(request),
                         capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(out.stdout)
    files = {unit["id"]: name for name, unit in result["sources"].items()}
    texts = {}
    maps = {}
    for unit in result["contracts"].values():
        for name, c in unit.items():
            if name not in ("Router", "Pool", "Factory"):
                continue
            code = bytes.fromhex(c["evm"]["deployedBytecode"]["object"])
            pcs, i = [], 0
            while i < len(code):
                pcs.append(i)
                i += 1 + (code[i] - 0x5F if 0x60 <= code[i] <= 0x7F else 0)
            start = length = fid = -1
            where = {}
            for pc, entry in zip(pcs, c["evm"]["deployedBytecode"]["sourceMap"].split(";")):
                parts = entry.split(":")
                start = int(parts[0]) if parts[0] else start
                length = int(parts[1]) if len(parts) > 1 and parts[1] else length
                fid = int(parts[2]) if len(parts) > 2 and parts[2] else fid
                if fid not in files:
                    where[pc] = "(compiler-generated)"
                    continue
                path = files[fid]
                text = texts.setdefault(path, (sources.get(path) or (ROOT / path).read_text()).encode())
                line = text.count(b"\n", 0, start) + 1  # source maps count bytes
                snippet = text[start:start + length].split(b"\n")[0].strip()[:60].decode(errors="replace")
                where[pc] = f"{path.rsplit('/', 1)[-1]}:{line}: {snippet}"
            maps[name] = where
    return maps


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", default="router", help="substring of the operations to trace (default: router)")
    parser.add_argument("--json", help="also write the breakdown to this file")
    parser.add_argument("--quiet", action="store_true", help="summaries only, no per-opcode items")
    parser.add_argument("--lines", type=int, default=0, help="also the N source lines of our code costing the most")
    args = parser.parse_args()

    maps = source_maps() if args.lines else {}
    port = _free_port()
    env = dict(os.environ, ANVIL_PRUNE_HISTORY="0")
    cmd = [str(ROOT / ".tools/bin/anvil"), "--port", str(port), "--mnemonic", MNEMONIC, "--silent",
           "--steps-tracing", "--block-base-fee-per-gas", "0", "--gas-price", "0"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        uri = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                accounts = requests.post(uri, json={"jsonrpc": "2.0", "id": 1, "method": "eth_accounts",
                                                    "params": []}, timeout=1).json()["result"]
                break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise SystemExit("anvil did not start")
        c = TracedAnvil(Artifacts(), uri, accounts)
        hashes = {}
        gas, labels, calldata = measure_gas(c, on_tx=lambda op, receipt: hashes.__setitem__(op, c.last_hash))
        out = {}
        for op, tx_hash in hashes.items():
            if args.ops not in op:
                continue
            trace = c._rpc("debug_traceTransaction", [tx_hash, {"enableMemory": False}])
            tx = c._rpc("eth_getTransactionByHash", [tx_hash])
            per_line = defaultdict(int)

            def on_compute(contract, pc, cost):
                kind = "Pool" if contract.startswith("pool") else contract.capitalize()
                if kind in maps:
                    per_line[(kind, maps[kind].get(pc, "(unmapped)"))] += cost

            items, summary = breakdown(trace, int(tx["gas"], 16), gas[op], tx["to"], labels, on_compute)
            total = sum(summary.values())
            print(f"\n=== {op}: {gas[op]:,} gas (breakdown sums to {total:,}) ===")
            if not args.quiet:
                for contract, opcode, detail, cost in items:
                    print(f"  {contract:<8} {opcode:<12} {detail:<40} {cost:>7,}")
            print("  -- per contract --")
            for (contract, category), cost in sorted(summary.items(), key=lambda kv: (kv[0][0] != "tx", kv[0])):
                print(f"  {contract:<8} {category:<16} {cost:>8,}")
            record = {"gas": gas[op], "items": items, "summary": {f"{k[0]}:{k[1]}": v for k, v in summary.items()}}
            lower = floor(op, calldata[op])
            if lower is not None:
                tokens = sum(v for (who, what), v in summary.items() if who.startswith("token") and what == "compute")
                ours = sum(v for (who, what), v in summary.items()
                           if what == "compute" and who in ("router", "factory") or who.startswith("pool") and what == "compute")
                print(f"  -- lower bound (V2-compatible; no code execution) --")
                print(f"  {'intrinsic':<56} {21_000:>8,}")
                print(f"  {'calldata (' + str(len(calldata[op])) + ' bytes)':<56} {calldata_cost(calldata[op]):>8,}")
                for name, cost in floor_terms(op):
                    print(f"  {name:<56} {cost:>8,}")
                target = ANCHORS[op][2]
                print(f"  {'= floor':<56} {lower:>8,}   target {target:,}: " + ("unreachable" if lower > target else f"{target - lower:,} left for all code"))
                print(f"  {'+ ERC-20 code executed (OpenZeppelin, measured)':<56} {tokens:>8,}   = {lower + tokens:,}")
                print(f"  {'our code executed (router, pools, factory)':<56} {ours:>8,}")
                print(f"  {'everything else above the floor':<56} {gas[op] - lower - tokens - ours:>8,}")
                record.update(floor=lower, erc20_code=tokens, our_code=ours)
            if args.lines:
                print(f"  -- our code by source line (top {args.lines}) --")
                for (kind, where), cost in sorted(per_line.items(), key=lambda kv: -kv[1])[: args.lines]:
                    print(f"  {cost:>6,}  {kind:<7} {where}")
                record["lines"] = [[k, w, v] for (k, w), v in sorted(per_line.items(), key=lambda kv: -kv[1])]
            out[op] = record
        if args.json:
            Path(args.json).write_text(json.dumps(out, indent=1))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
