"""Farm audit: histories made on chain audit consistent (every harvest equals the model's pending reward), and a
wrong reward, carry or schedule is named at its event; the fetch path and saved farm logs on Anvil."""

from __future__ import annotations

import pytest

from audit_history import make_farm_history
from python_model.audit import Event
from python_model.audit.cli import main
from python_model.audit.farm import audit_farm_events
from python_model.audit.rpc import HttpRpc, audit_farm


@pytest.fixture  # per test, like the chain (tests/conftest.py: Ape reverts Anvil after every test)
def farm_history(chain):
    snap = chain.snapshot()
    yield make_farm_history(chain, 120 if chain.name == "revm" else 40, seed=3)
    chain.revert(snap)


def copy_events(events):
    return [Event(e.block, e.tx_hash, e.log_index, e.address, e.event, dict(e.args), e.line, e.timestamp)
            for e in events]


def test_farm_history_is_consistent(farm_history):
    h = farm_history
    verdict = audit_farm_events(h.events, h.farm.address, h.reward.address, end=h.end_state())
    assert verdict.consistent, verdict.summary()
    assert verdict.stats["harvests"] > 5 and verdict.stats["paid"] > 0 and verdict.stats["deposits"] > 5
    assert verdict.farm_state["total_paid"] == h.farm.call("totalPaid")


@pytest.mark.parametrize("event,field,delta", [
    ("Harvest", "amount", 1),
    ("EmergencyWithdraw", "owed", 1),
    ("ScheduleUpdated", "ratePerPoint", 1),
])
def test_wrong_farm_number_is_named(farm_history, event, field, delta):
    h = farm_history
    events = copy_events(h.events)
    candidates = [i for i, e in enumerate(events) if e.event == event and e.args[field] + delta >= 0
                  and (event != "Harvest" or e.args["amount"] > 0)]
    assert candidates, f"the seeded history has no {event} to tamper with: lengthen it"
    i = candidates[len(candidates) // 2]
    events[i].args[field] += delta
    d = audit_farm_events(events, h.farm.address, h.reward.address).divergence
    assert (d.block, d.log_index, d.event, d.field, d.actual - d.expected) == (
        events[i].block, events[i].log_index, event, field, delta)


def test_missing_carry_is_named(farm_history):
    h = farm_history
    events = copy_events(h.events)
    i = next((i for i, e in enumerate(events) if e.event == "RewardsCarried"), None)
    assert i is not None, "the seeded history has no idle emission to remove: lengthen it"
    gone = events.pop(i)
    d = audit_farm_events(events, h.farm.address, h.reward.address).divergence
    assert d.block == gone.block and d.field == "RewardsCarried"


def test_fetch_and_saved_farm_log_on_anvil(anvil_chain, tmp_path, capsys):
    snap = anvil_chain.snapshot()
    try:
        h = make_farm_history(anvil_chain, 30, seed=4)
        log = tmp_path / "farm.jsonl"
        run = audit_farm(HttpRpc(anvil_chain.uri), h.farm.address, save_log=log, chunk=7)
        assert run.verdict.consistent, run.verdict.summary()
        assert run.verdict.events == len(h.events) and not run.notes
        assert main([str(log)]) == 0
        out = capsys.readouterr().out.strip()
        assert out == f"consistent through block {anvil_chain.block} ({len(h.events)} events)"
        lines = log.read_bytes().splitlines(keepends=True)
        harvest = next(i for i, line in enumerate(lines) if b'"event":"Harvest"' in line and b'"amount":0' not in line)
        lines[harvest] = lines[harvest].replace(b'"amount":', b'"amount":1', 1)  # careless edit: CRC mismatch
        log.write_bytes(b"".join(lines))
        assert main([str(log)]) == 2
        assert f"line {harvest + 1}: checksum mismatch" in capsys.readouterr().err
    finally:
        anvil_chain.revert(snap)
