"""`make gas-breakdown` (tools/gas_breakdown.py): the opcode-level split of each benchmarked router
operation accounts for every unit of the gas Anvil charged, and sits above the V2-compatible floor."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from scriptkit import ROOT

pytestmark = pytest.mark.chain

ROUTER_OPS = ("router exact-in swap, 1 hop", "router exact-in swap, 2 hops", "router addLiquidity, existing LP",
              "router removeLiquidity")


def test_breakdown_accounts_for_every_unit_of_gas(tmp_path):
    out = tmp_path / "breakdown.json"
    done = subprocess.run([sys.executable, "tools/gas_breakdown.py", "--ops", "router", "--quiet", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    records = json.loads(out.read_text())
    assert sorted(records) == sorted(ROUTER_OPS)
    for op, record in records.items():
        assert sum(record["summary"].values()) == record["gas"], op
        # Nothing but the floor, the ERC-20s' code and ours: the floor is a bound the chain respects.
        assert record["floor"] + record["erc20_code"] + record["our_code"] == record["gas"], op
        assert record["our_code"] > 0, op
