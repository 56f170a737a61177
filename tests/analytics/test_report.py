"""The LP report (scripts/_report.py, `ape run report`) on Anvil: a pool world with a funded farm and a
reward-token pool, LPs that deposit, stake, harvest, transfer and burn while traders trade; the report
rebuilds every position from the logs, agrees with the chain, writes its plots, and refuses bad input
with one line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction as F
from pathlib import Path

import pytest
from rich.console import Console

import python_model as model
from python_model import analytics as A
from scripts._report import ROOT, ReportError, build_report, resolve_address
from worlds import deploy_pool_world

DAY = 86400


@dataclass
class FarmWorld:
    chain: object
    manifest: Path
    lps: list
    trader: str
    farm: object
    pool: object
    minted: tuple  # what lps[0] deposited (amount0, amount1)
    paid: int  # what lps[0] harvested
    burned: tuple  # what lps[0]'s burn paid
    moved: int  # LP lps[0] sent to lps[2]
    moved_amounts: tuple  # what those LP stood for then (pro rata)


def _ordered(pool, tokens_by_decimals, by_decimals):
    token0 = pool.call("token0")
    first = next(d for d, t in tokens_by_decimals.items() if t.address == token0)
    second = next(d for d in by_decimals if d != first)
    return by_decimals[first], by_decimals[second], first == 6


@pytest.fixture
def farm_world(anvil_chain, tmp_path):
    chain = anvil_chain
    w = deploy_pool_world(chain)
    owner, lps, trader = w.owner, w.lps, w.traders[0]
    start = chain.block
    tokens = {t.call("decimals"): t for t in w.tokens}
    usd, eth = tokens[6], tokens[18]
    pool = chain.at("Pool", w.factory.call("getPool", usd.address, eth.address, 30))

    reward = chain.deploy("TestERC20", "Reward", "RWD", 18, sender=owner)
    w.factory.transact("createPool", reward.address, eth.address, 30, sender=owner)
    reward_pool = chain.at("Pool", w.factory.call("getPool", reward.address, eth.address, 30))
    farm = chain.deploy("Farm", reward.address, owner, sender=owner)
    farm.transact("addPool", pool.address, 100, sender=owner)
    reward.transact("mint", owner, 10**27, sender=owner)
    reward.transact("approve", farm.address, 10**27, sender=owner)
    farm.transact("fund", 10**24, 30 * DAY, sender=owner)
    reward.transact("transfer", reward_pool.address, 2 * 10**24, sender=owner)  # 1 RWD = 0.001 T18
    eth.transact("transfer", reward_pool.address, 2 * 10**21, sender=lps[1])
    reward_pool.transact("mint", owner, sender=owner)

    def mint(who, human6, human18):
        a0, a1, usd_first = _ordered(pool, tokens, {6: human6 * 10**6, 18: human18 * 10**18})
        (tokens[6] if usd_first else tokens[18]).transact("transfer", pool.address, a0, sender=who)
        (tokens[18] if usd_first else tokens[6]).transact("transfer", pool.address, a1, sender=who)
        pool.transact("mint", who, sender=who)
        return a0, a1

    def swap(six_in: bool, amount: int):
        chain.advance(6 * 3600)
        token = usd if six_in else eth
        zero = pool.call("token0") == token.address
        r0, r1, _ = pool.call("getReserves")
        out = model.get_amount_out(amount, *((r0, r1) if zero else (r1, r0)), 30)
        token.transact("transfer", pool.address, amount, sender=trader)
        pool.transact("swap", *((0, out) if zero else (out, 0)), trader, b"", sender=trader)

    minted = mint(lps[0], 2_000_000, 1_000)
    mint(lps[1], 200_000, 100)
    stake = pool.call("balanceOf", lps[0]) // 2
    pool.transact("approve", farm.address, 2**256 - 1, sender=lps[0])
    farm.transact("deposit", 0, stake, sender=lps[0])
    swap(True, 80_000 * 10**6)
    swap(False, 30 * 10**18)
    chain.advance(DAY)
    paid = farm.transact("harvest", 0, sender=lps[0]).return_value
    swap(True, 20_000 * 10**6)
    # lps[0] moves a quarter of its wallet LP to lps[2] and burns another quarter.
    quarter = pool.call("balanceOf", lps[0]) // 4
    r0, r1, _ = pool.call("getReserves")
    moved_amounts = A.pro_rata_amounts(quarter, r0, r1, pool.call("totalSupply"))
    pool.transact("transfer", lps[2], quarter, sender=lps[0])
    pool.transact("transfer", pool.address, quarter, sender=lps[0])
    burned = pool.transact("burn", lps[0], sender=lps[0]).return_value
    swap(False, 15 * 10**18)
    chain.advance(DAY)
    usd.transact("mint", owner, 1, sender=owner)  # a block at the later time

    contracts = {
        "Factory": w.factory, "RewardToken": reward, "Farm": farm, "Token6": usd, "Token18": eth,
        "Pool:T6/T18/30": pool, "Pool:RWD/T18/30": reward_pool,
    }
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({
        "chain_id": int(chain._rpc("eth_chainId", []), 16), "deployer": owner, "compiler": "test",
        "ape_config_sha256": "0" * 64,
        "contracts": {name: {"address": c.address, "tx_hash": None, "block": start, "type": name.split(":")[0]}
                      for name, c in contracts.items()},
    }))
    return FarmWorld(chain, manifest, lps, trader, farm, pool, minted, paid, burned, quarter, moved_amounts)


def test_report_rebuilds_positions_and_writes_plots(farm_world, tmp_path):
    fw, out = farm_world, tmp_path / "reports"
    console = Console(file=io.StringIO(), width=160)
    report = build_report([fw.lps[0], fw.lps[2], fw.trader], manifest=fw.manifest, out_dir=out, console=console)
    text = console.file.getvalue()
    assert set(report.positions) == {fw.lps[0], fw.lps[2]} and "no positions" in text  # the trader has none

    (p,) = report.positions[fw.lps[0]]
    assert p.name == "Pool:T6/T18/30" and p.warnings == []  # the replay rebuilt supply, reserves, LP, rewards
    pool, farm = fw.pool, fw.farm
    assert (p.wallet, p.staked) == (pool.call("balanceOf", fw.lps[0]), farm.call("userInfo", 0, fw.lps[0])[0])
    assert p.rewards_paid == fw.paid > 0
    assert p.rewards_pending == farm.call("pendingReward", 0, fw.lps[0]) > 0
    assert p.deposited == fw.minted
    removals = {kind: (lp, a0, a1) for _, lp, kind, a0, a1 in p.history.removals}
    assert removals["burned"] == (fw.moved, *fw.burned)
    assert removals["transfer"] == (fw.moved, *fw.moved_amounts)
    r0, r1, _ = pool.call("getReserves")
    supply = pool.call("totalSupply")
    balances = [fw.chain.at("TestERC20", pool.call(t)).call("balanceOf", pool.address) for t in ("token0", "token1")]
    assert p.burn == A.burn_amounts(p.wallet + p.staked, *balances, supply, r0, r1, pool.call("kLast"), False)
    assert p.value == A.hodl_value(*p.burn, A.pool_price(r0, r1))
    assert p.split.value == p.split.hodl + p.split.fees + p.split.il
    assert p.fees_total > p.split.fees > 0 and p.fees_realised > 0  # the removals realised their share
    assert p.fee_apr > 0 and p.fee_apy > p.fee_apr
    assert p.reward_price is not None and p.reward_apr > 0
    assert [s.timestamp for s in p.history.samples] == sorted(s.timestamp for s in p.history.samples)
    assert p.history.samples[-1].rewards == fw.paid + p.rewards_pending

    (q,) = report.positions[fw.lps[2]]
    assert q.warnings == [] and q.deposited == (0, 0) and q.staked == 0
    assert q.basis == fw.moved_amounts  # booked at what the LP stood for when they arrived
    assert q.rewards_paid == q.rewards_pending == 0

    names = {f.name for f in report.files}
    assert names == {f"il-curve-{fw.lps[0][:10].lower()}.png", f"il-curve-{fw.lps[2][:10].lower()}.png",
                     f"pnl-{fw.lps[0][:10].lower()}-T6-T18-30.png", f"pnl-{fw.lps[2][:10].lower()}-T6-T18-30.png",
                     "pool-T6-T18-30.png"}
    for path in report.files:
        data = path.read_bytes()
        assert path.parent == out and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    for row in ("current value (burn now)", "HODL value", "impermanent loss", "fees earned", "rewards pending",
                "fee APR", "farm reward APR"):
        assert row in text

    # A reward price given by hand replaces the pool path: 0.002 T18 per RWD, in token1 of the pool.
    again = build_report(fw.lps[0], manifest=fw.manifest, console=console, plots=False, reward_price="0.002 T18")
    (priced,) = again.positions[fw.lps[0]]
    t18_in_token1 = F(1) if priced.symbols[1] == "T18" else A.pool_price(r0, r1)  # else T18 is token0
    assert priced.reward_price == F(2, 1000) * t18_in_token1
    assert priced.reward_apr == p.reward_apr * priced.reward_price / p.reward_price


def _error(call) -> str:
    with pytest.raises(ReportError) as info:
        call()
    message = str(info.value)
    assert message and "\n" not in message
    return message


def test_bad_input_gets_one_clear_line(farm_world, tmp_path):
    fw = farm_world
    quiet = Console(file=io.StringIO())
    def run(who, manifest=fw.manifest):
        return build_report(who, manifest=manifest, out_dir=tmp_path, console=quiet)

    assert _error(lambda: run(fw.trader)).startswith(f"no positions for {fw.trader}")
    assert _error(lambda: run("0x1234")) == "not an address: '0x1234'"
    assert _error(lambda: run(fw.lps[0], tmp_path / "missing.json")).startswith("no deploy manifest at")
    data = json.loads(fw.manifest.read_text())
    for change, expected in (
        (lambda d: d.update(chain_id=1), "is for chain 1"),
        (lambda d: d["contracts"].update({"Pool:X/Y/30": {"address": "0x" + "12" * 20}}), "is stale"),
        (lambda d: d.pop("contracts"), "is malformed"),
    ):
        broken = json.loads(json.dumps(data))
        change(broken)
        path = tmp_path / "broken.json"
        path.write_text(json.dumps(broken))
        assert expected in _error(lambda: run(fw.lps[0], path))
    (tmp_path / "garbage.json").write_text("{not json")
    assert _error(lambda: run(fw.lps[0], tmp_path / "garbage.json")).startswith("unreadable deploy manifest")
    def priced(price):
        return build_report(fw.lps[0], manifest=fw.manifest, console=quiet, plots=False, reward_price=price)

    assert "no pool token with symbol 'NOPE'" in _error(lambda: priced("1 NOPE"))
    assert _error(lambda: priced("x T18")).endswith("give it as AMOUNT SYMBOL, e.g. '0.25 dUSD'")
    unknown = _error(lambda: resolve_address(alias="no-such-alias-7"))
    assert unknown.startswith("unknown account alias 'no-such-alias-7'")
    assert _error(lambda: resolve_address()) == "give exactly one of --account ALIAS or --address ADDR"
    assert resolve_address(alias="TEST::1") == fw.chain.accounts[1]


def test_cli_exits_with_one_line(tmp_path):
    """`ape run report` itself: exit status 1 and a single "Error: ..." line."""
    ape = Path(sys.executable).with_name("ape")
    done = subprocess.run(
        [str(ape), "run", "report", "--address", "0x" + "00" * 19 + "01", "--manifest", str(tmp_path / "none.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    errors = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("Error:")]
    assert done.returncode == 1 and len(errors) == 1
    assert errors[0].startswith(f"Error: no deploy manifest at {tmp_path / 'none.json'}")
