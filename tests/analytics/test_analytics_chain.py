"""python_model.analytics against the contracts, on both backends (the `chain` fixture): the realised value
of a position is what burning it pays, and the fees earned on a round trip are the model's fee accrual."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

import python_model as model
from python_model import analytics as A
from worlds import ZERO, deploy_pool_world


@pytest.fixture
def world(chain):
    """A fresh world per test: Ape's per-test chain isolation on Anvil would void a longer-lived snapshot."""
    return deploy_pool_world(chain)


class Scene:
    """One pool of the world, driven on the chain and in the model side by side."""

    def __init__(self, world, decimals: tuple, fee: int):
        self.world, self.chain = world, world.chain
        self.m = world.start()
        by_decimals = {token.call("decimals"): token for token in world.tokens}
        a, b = (by_decimals[d] for d in decimals)
        self.pool = world.chain.at("Pool", world.factory.call("getPool", a.address, b.address, fee))
        self.mp = self.m.pool(a.address, b.address, fee)
        self.t0, self.t1 = (world.chain.at("TestERC20", t.address) for t in (self.mp.token0, self.mp.token1))
        self.decimals = (self.mp.token0.decimals, self.mp.token1.decimals)  # in address order

    def ordered(self, by_decimals: dict) -> tuple[int, int]:
        """Amounts given per token (keyed by decimals) in (token0, token1) order."""
        return by_decimals[self.decimals[0]], by_decimals[self.decimals[1]]

    def send(self, who, zero: bool, amount: int):
        token, ledger = (self.t0, self.mp.token0) if zero else (self.t1, self.mp.token1)
        token.transact("transfer", self.pool.address, amount, sender=who)
        ledger.transfer(who, self.pool.address, amount)

    def mint(self, who, amount0: int, amount1: int):
        """Deposit; returns (liquidity, the lot as the report books it: pool state after, Mint amounts)."""
        self.send(who, True, amount0)
        self.send(who, False, amount1)
        receipt = self.pool.transact("mint", who, sender=who)
        liquidity = self.mp.mint(who, timestamp=receipt.timestamp)
        assert receipt.return_value == liquidity
        mp = self.mp
        lot = A.lot_at(liquidity, mp.reserve0, mp.reserve1, mp.total_supply, receipt.timestamp, (amount0, amount1))
        return liquidity, lot

    def swap_in(self, zero_for_one: bool, amount: int):
        r_in, r_out = (self.mp.reserve0, self.mp.reserve1) if zero_for_one else (self.mp.reserve1, self.mp.reserve0)
        out = model.get_amount_out(amount, r_in, r_out, self.mp.fee_bps)
        trader = self.world.traders[0]
        self.send(trader, zero_for_one, amount)
        outs = (0, out) if zero_for_one else (out, 0)
        receipt = self.pool.transact("swap", *outs, trader, b"", sender=trader)
        self.mp.swap(*outs, trader, timestamp=receipt.timestamp)
        return out

    def reserves(self) -> tuple[int, int]:
        r0, r1, _ = self.pool.call("getReserves")
        assert (r0, r1) == (self.mp.reserve0, self.mp.reserve1)
        return r0, r1


def test_realised_value_is_what_burning_pays(world):
    """With the protocol fee on, after trades, a donation and a second LP: burn_amounts from the chain's
    reads equals the burn's return value on the chain (and the model's)."""
    scene = Scene(world, (6, 18), 30)
    owner, (lp, other, _) = world.owner, world.lps
    world.factory.transact("setFeeTo", world.fee_recipient, sender=owner)
    scene.m.factory.set_fee_to(world.fee_recipient, sender=owner)
    usd = scene.decimals[0] == 6  # token0 is the 6-decimal token
    liquidity, lot = scene.mint(lp, *scene.ordered({6: 2_000_000 * 10**6, 18: 1_000 * 10**18}))
    for six, amount in ((True, 150_000 * 10**6), (False, 40 * 10**18), (True, 7_777 * 10**6)):
        scene.chain.advance(600)
        scene.swap_in(six == usd, amount)
    scene.mint(other, *scene.ordered({6: 10_000 * 10**6, 18: 10 * 10**18}))  # mints the protocol fee
    scene.chain.advance(600)
    scene.swap_in(not usd, 3 * 10**18)
    scene.send(other, usd, 12_345 * 10**6)  # a donation of the 6-decimal token: burns pay it pro rata

    pool, t0, t1 = scene.pool, scene.t0, scene.t1
    r0, r1 = scene.reserves()
    fee_on = world.factory.call("feeTo") != ZERO
    reads = (pool.call("balanceOf", lp), t0.call("balanceOf", pool.address), t1.call("balanceOf", pool.address),
             pool.call("totalSupply"), r0, r1, pool.call("kLast"), fee_on)
    assert reads[0] == liquidity and fee_on and (reads[1] > r0 if usd else reads[2] > r1)
    expected = A.burn_amounts(*reads)

    pool.transact("transfer", pool.address, liquidity, sender=lp)
    scene.mp.transfer(lp, pool.address, liquidity)
    receipt = pool.transact("burn", lp, sender=lp)
    assert receipt.return_value == expected == scene.mp.burn(lp, timestamp=receipt.timestamp)

    # What the burn paid, at the pool price, is the position's pro-rata value rounded down per token.
    supply = A.effective_supply(reads[3], r0, r1, reads[6], fee_on)
    price = A.pool_price(r0, r1)
    exact = A.pro_rata_amounts(liquidity, reads[1], reads[2], supply)
    assert all(0 <= e - paid < 1 for e, paid in zip(exact, expected))
    split = A.attribute(liquidity, r0, r1, supply, [lot])
    assert split.value == split.hodl + split.fees + split.il and split.fees > 0
    assert A.hodl_value(*expected, price) >= split.value  # the donation is on top of the reserves' value


@pytest.mark.parametrize("fee", [1, 5, 30, 100])
def test_round_trip_fees_equal_the_models_fee_accrual(world, fee):
    """Swap out exactly half of token1, then exactly half of token0 back (amounts chosen so both outputs are
    exact): the price returns to the entry price, so a fee-free pool would hold its starting reserves again.
    The model's reserve growth is the fee accrual; the LP's share of it is exactly the fees earned that
    the analytics compute from the chain's state, and the impermanent loss is exactly 0."""
    scene = Scene(world, (8, 18), fee)
    t, s = 2 * 10 ** scene.decimals[0], 10 ** scene.decimals[1]  # token0 / token1 scales (t even)
    x, y = (10000 - fee) * t, 2 * (10000 - fee) * s
    first, lp = world.lps[1], world.lps[0]
    scene.mint(first, x // 2, y // 2)  # the first depositor also pays the locked MINIMUM_LIQUIDITY
    liquidity, lot = scene.mint(lp, x // 2, y // 2)  # exactly pro rata: its basis is what its LP stand for
    start = scene.reserves()
    scene.chain.advance(3600)
    assert scene.swap_in(True, 10000 * t) == y // 2
    scene.chain.advance(3600)
    assert scene.swap_in(False, 10000 * s) == (20000 - fee) * t // 2
    r0, r1 = scene.reserves()
    price = A.pool_price(r0, r1)
    assert price == A.pool_price(*start)

    accrual = (scene.mp.reserve0 - start[0], scene.mp.reserve1 - start[1])  # the model's fee accrual
    assert accrual == (fee * t // 2, fee * s)
    supply = scene.pool.call("totalSupply")
    share = F(liquidity, supply)
    split = A.attribute(liquidity, r0, r1, supply, [lot])
    assert A.fee_amounts(split.fees, price) == (share * accrual[0], share * accrual[1])
    assert split.fees == share * A.hodl_value(*accrual, price)
    assert split.il == 0 == split.il_ratio == A.impermanent_loss(price / A.entry_price([lot]))
    assert split.value == split.hodl + split.fees
    assert A.invariant_growth((*start, supply), (r0, r1, supply)) == F(r0, start[0]) - 1
