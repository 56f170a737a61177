"""Audits of histories made on chain: the in-process EVM and Anvil (`chain` runs each test on both), and the
whole fetch path (eth_getLogs in shrinking chunks, state reads, saved log, `ape run audit`) on Anvil."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from eth_utils import keccak

from audit_history import make_history
from python_model.amm_math import get_amount_out
from python_model.audit import Event, audit_events
from python_model.audit.logfile import LogReader, audit_log
from python_model.audit.rpc import SELECTORS, TOPICS, FetchError, HttpRpc, audit_pool, fetch_logs

OPS = {"revm": 150, "anvil": 50}


@pytest.fixture
def clean(chain):
    """The chain, put back as it was after the test (the backends are shared by the whole session)."""
    snap = chain.snapshot()
    yield chain
    chain.revert(snap)


def test_chain_history_is_consistent(clean):
    history = make_history(clean, OPS[clean.name], seed=5)
    verdict = audit_events(history.events, history.pool.address, 30, end=history.state())
    assert verdict.consistent, verdict.summary()
    assert verdict.stats["swaps"] > 10 and verdict.stats["burns"] > 0
    assert verdict.events == len(history.events)


def test_off_by_one_output_on_chain_history_is_caught_at_that_swap(clean):
    """The history as a pool paying one wei more at one exact-in swap would have emitted it."""
    history = make_history(clean, OPS[clean.name], seed=6)
    events = [Event(e.block, e.tx_hash, e.log_index, e.address, e.event, dict(e.args)) for e in history.events]
    for i, ev in enumerate(events):
        if ev.event != "Swap" or i < len(events) // 3:
            continue
        a, s = ev.args, events[i - 1].args
        r0, r1 = s["reserve0"] - a["amount0In"] + a["amount0Out"], s["reserve1"] - a["amount1In"] + a["amount1Out"]
        if a["amount1In"] == 0 and a["amount1Out"] and a["amount1Out"] == get_amount_out(a["amount0In"], r0, r1, 30):
            field, reserve = "amount1Out", "reserve1"
        elif a["amount0In"] == 0 and a["amount0Out"] and a["amount0Out"] == get_amount_out(a["amount1In"], r1, r0, 30):
            field, reserve = "amount0Out", "reserve0"
        else:
            continue
        break
    else:
        pytest.fail("no exact-in swap in the history")
    paid = a[field]
    a[field] += 1
    s[reserve] -= 1
    d = audit_events(events, history.pool.address, 30).divergence
    assert (d.block, d.tx_hash, d.log_index, d.event, d.field) == (ev.block, ev.tx_hash, ev.log_index, "Swap", field)
    assert (d.expected, d.actual, d.relation) == (paid, paid + 1, "<=")


def test_audit_from_a_state_mid_history(clean):
    from audit_history import HistoryMaker

    maker = HistoryMaker(clean, seed=8)
    maker.run(OPS[clean.name] // 2)
    start = maker.history.state()
    done = len(maker.history.events)
    maker.run(OPS[clean.name] // 2)
    later = maker.history.events[done:]
    verdict = audit_events(later, maker.pool.address, 30, start, end=maker.history.state())
    assert verdict.consistent and verdict.events == len(later)


# --- the fetch path, on Anvil ----------------------------------------------------------------------------

class RefusingNode:
    """JSON-RPC to Anvil, refusing eth_getLogs over more than `max_range` blocks (as public nodes do)."""

    def __init__(self, uri, max_range=16):
        self.rpc = HttpRpc(uri)
        self.max_range = max_range
        self.ranges = []
        self.overrides = {}  # (method, params as str) -> result, for state "at" an old block

    def __call__(self, method, params):
        if method == "eth_getLogs":
            lo, hi = int(params[0]["fromBlock"], 16), int(params[0]["toBlock"], 16)
            self.ranges.append((lo, hi))
            if hi - lo + 1 > self.max_range:
                raise RuntimeError(f"query exceeds max block range {self.max_range}")
        key = (method, str(params))
        if key in self.overrides:
            return self.overrides[key]
        return self.rpc(method, params)


@pytest.fixture
def anvil_history(anvil_chain):
    snap = anvil_chain.snapshot()
    from audit_history import HistoryMaker

    maker = HistoryMaker(anvil_chain, seed=9)
    maker.run(25)
    mid = (anvil_chain.block, maker.history.state(), len(maker.history.events))
    maker.run(25)
    yield maker.history, mid
    anvil_chain.revert(snap)


def test_fetch_and_audit_from_anvil(anvil_chain, anvil_history, tmp_path):
    history, _ = anvil_history
    node = RefusingNode(anvil_chain.uri)
    log = tmp_path / "anvil.jsonl"
    run = audit_pool(node, history.pool.address, save_log=log, chunk=200)
    verdict = run.verdict
    assert verdict.consistent, verdict.summary()
    assert verdict.events == len(history.events) and run.to_block == anvil_chain.block
    assert run.fee_bps == 30 and not run.notes  # the end state was read and compared
    assert max(hi - lo + 1 for lo, hi in node.ranges) > 16 and node.ranges[-1][1] == anvil_chain.block
    # the saved log holds the same events as the receipts and audits the same without a node
    fetched = [(e.block, e.log_index, e.event, {k: v.lower() if isinstance(v, str) else v for k, v in e.args.items()})
               for e in LogReader(log)]
    expected = [(e.block, e.log_index, e.event, {k: v.lower() if isinstance(v, str) else v for k, v in e.args.items()})
                for e in history.events]
    assert fetched == expected
    again = audit_log(log)
    assert again.consistent and again.events == verdict.events and again.through_block == run.to_block


def test_fetch_mid_history_with_and_without_archive_state(anvil_chain, anvil_history):
    history, (block, state, done) = anvil_history
    pool = history.pool.address.lower()
    later = len(history.events) - done
    # Anvil runs with --prune-history: no state at old blocks, so the earlier events are replayed unchecked
    node = RefusingNode(anvil_chain.uri)
    run = audit_pool(node, pool, from_block=block + 1)
    assert run.verdict.consistent and run.verdict.events == later
    assert len(run.notes) == 1 and "replayed unchecked" in run.notes[0]
    # an archive node answers the state reads at block - 1 (served here from the state recorded then)
    tag = hex(block)

    def word(value):
        return "0x" + f"{value:064x}"

    code = node.rpc("eth_getCode", [pool, "latest"])
    node.overrides[("eth_getCode", str([pool, tag]))] = code
    for selector, value in (("totalSupply", state.total_supply), ("kLast", state.k_last)):
        node.overrides[("eth_call", str([{"to": pool, "data": SELECTORS[selector]}, tag]))] = word(value)
    balance_of = SELECTORS["balanceOf"] + pool[2:].rjust(64, "0")
    node.overrides[("eth_call", str([{"to": pool, "data": balance_of}, tag]))] = word(state.pool_lp)
    reserves = word(state.reserve0) + word(state.reserve1)[2:] + word(0)[2:]
    node.overrides[("eth_call", str([{"to": pool, "data": SELECTORS["getReserves"]}, tag]))] = reserves
    node.ranges.clear()
    run = audit_pool(node, pool, from_block=block + 1)
    assert run.verdict.consistent and run.verdict.events == later and run.verdict.replayed == later
    assert not run.notes and node.ranges[0][0] == block + 1


def test_ape_run_audit(anvil_chain, anvil_history, tmp_path):
    history, _ = anvil_history
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    log = tmp_path / "ape.jsonl"
    cmd = [os.path.join(os.path.dirname(sys.executable), "ape"), "run", "audit", "--pool", history.pool.address,
           "--network", anvil_chain.uri, "--save-log", str(log)]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == (
        f"consistent through block {anvil_chain.block} ({len(history.events)} events)")
    assert audit_log(log).consistent


# --- fetch plumbing without a chain ----------------------------------------------------------------------

def test_topics_and_selectors_are_the_v2_ones():
    for topic, name in TOPICS.items():
        signature = {
            "Transfer": "Transfer(address,address,uint256)", "Sync": "Sync(uint112,uint112)",
            "Swap": "Swap(address,uint256,uint256,uint256,uint256,address)",
            "Mint": "Mint(address,uint256,uint256)", "Burn": "Burn(address,uint256,uint256,address)",
        }[name]
        assert topic == "0x" + keccak(text=signature).hex()
    for name, selector in SELECTORS.items():
        arg = "address" if name == "balanceOf" else ""
        assert selector == "0x" + keccak(text=f"{name}({arg})")[:4].hex()


def fake_logs(blocks):
    return {b: [{"blockNumber": hex(b), "logIndex": hex(i), "n": (b, i)} for i in (1, 0)] for b in blocks}


def test_fetch_logs_shrinks_grows_and_orders():
    logs = fake_logs(range(0, 1000, 7))
    calls = []

    def get_logs(lo, hi):
        calls.append((lo, hi))
        if hi - lo + 1 > 50:
            raise RuntimeError("range too large")
        return [log for b in range(lo, hi + 1) for log in logs.get(b, [])]

    got = [log["n"] for log in fetch_logs(get_logs, 0, 999, chunk=400, max_chunk=1000)]
    assert got == sorted((b, i) for b in range(0, 1000, 7) for i in (0, 1))
    assert calls[:4] == [(0, 399), (0, 199), (0, 99), (0, 49)]
    assert max(hi - lo + 1 for lo, hi in calls) > 50  # it tried to grow back


def test_fetch_logs_retries_then_gives_up():
    sleeps = []
    attempts = []

    def flaky(lo, hi):
        attempts.append((lo, hi))
        if len(attempts) < 4:
            raise RuntimeError("timeout")
        return []

    assert list(fetch_logs(flaky, 5, 5, sleep=sleeps.append)) == []
    assert sleeps == [0.5, 1.0, 2.0]

    def dead(lo, hi):
        raise RuntimeError("connection refused")

    with pytest.raises(FetchError, match="block 5 after 2 retries: connection refused"):
        list(fetch_logs(dead, 5, 9, retries=2, sleep=sleeps.append))
