"""Scenario: liquidity providers and traders on one pool, model == chain after every step.

One pool per example, drawn from every pair of 6/8/18-decimal tokens and every fee tier. Rules mint,
burn, swap exact-in at the model's maximum output (and one wei more, which must revert), swap exact-out
at the model's minimum input (and one wei less, which must revert), flash-swap, donate, skim, sync,
move LP tokens, switch the protocol fee on and off, and let time pass. After every rule the whole pool
state is read from the chain in one call and compared with the model using `==`.
"""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import python_model as model
from conftest import count_step, machine_settings
from properties import agree
from worlds import ZERO, PoolWorld, deploy_pool_world

# Amounts spread over many orders of magnitude: mantissa * 10**exponent.
amounts = st.builds(lambda m, e: m * 10**e, st.integers(0, 9999), st.integers(0, 24))
fractions_bps = st.integers(0, 10_000)
waits = st.one_of(st.just(0), st.integers(1, 120), st.integers(1, 40_000_000))


def outcome(model_op, chain_op):
    """`properties.agree` without the error name: (model result, chain receipt), None on a revert."""
    expected, receipt, _ = agree(model_op, chain_op)
    return expected, receipt


class PoolMachine(RuleBasedStateMachine):
    world: PoolWorld  # set by the test that runs the machine

    def __init__(self):
        super().__init__()
        self.chain = self.world.chain
        self.m = self.world.start()
        self.pool = None

    # --- setup ----------------------------------------------------------------------------------------
    @initialize(index=st.integers(0, 11), near_wrap=st.booleans())
    def choose_pool(self, index, near_wrap):
        """Pick the pool for this example; sometimes start just before the uint32 timestamp wraps."""
        w = self.world
        self.pool = w.pools[index % len(w.pools)]
        self.mp = next(p for p in self.m.pools if p.address == self.pool.address)
        self.t0, self.t1 = (w.chain.at("TestERC20", a) for a in (self.mp.token0.address, self.mp.token1.address))
        if near_wrap:
            self.chain.now = max(self.chain.now, 2**32 - 600)
        holders = w.actors + [self.pool.address, w.borrower.address, w.fee_recipient, ZERO]
        self.holders = holders
        self.reader = w.readers.get(self.pool.address)  # built once per pool and world
        if self.reader is None:
            calls = [(self.pool, "getReserves", ())]
            calls += [(self.pool, f, ()) for f in ("price0CumulativeLast", "price1CumulativeLast", "kLast", "totalSupply")]
            calls += [(self.pool, "balanceOf", (h,)) for h in holders]
            calls += [(t, "balanceOf", (h,)) for t in (self.t0, self.t1) for h in holders]
            self.reader = w.readers[self.pool.address] = self.chain.reader(calls)

    # --- helpers ---------------------------------------------------------------------------------------
    def token_pair(self, zero):
        """(chain token, model token) for token0 when `zero`, else token1."""
        return (self.t0, self.mp.token0) if zero else (self.t1, self.mp.token1)

    def transfer(self, zero, sender, to, amount):
        """Send tokens (capped at the sender's balance) on both sides; returns the amount sent."""
        token, m_token = self.token_pair(zero)
        amount = min(amount, m_token.balance_of(sender))
        outcome(lambda: m_token.transfer(sender, to, amount), lambda: token.transact("transfer", to, amount, sender=sender))
        return amount

    def check_sync(self, receipt):
        """The Sync event carries the model's new reserves."""
        sync = receipt.events("Sync", self.pool.address)[-1]
        assert sync == {"reserve0": self.mp.reserve0, "reserve1": self.mp.reserve1}, "events_match_model"

    # --- liquidity ---------------------------------------------------------------------------------------
    @rule(lp=st.integers(0, 2), amount0=amounts, amount1=amounts)
    def add_liquidity(self, lp, amount0, amount1):
        who = self.world.lps[lp]
        self.transfer(True, who, self.pool.address, amount0)
        self.transfer(False, who, self.pool.address, amount1)
        # What mint will account for: everything held above the reserves (earlier donations included).
        in0 = self.mp.token0.balance_of(self.pool.address) - self.mp.reserve0
        in1 = self.mp.token1.balance_of(self.pool.address) - self.mp.reserve1
        liquidity, receipt = outcome(
            lambda: self.mp.mint(who, timestamp=self.chain.now),
            lambda: self.pool.transact("mint", who, sender=who),
        )
        if receipt:
            assert receipt.return_value == liquidity, "mint_matches_model"
            mint_events = receipt.events("Mint", self.pool.address)
            assert mint_events == [{"sender": who, "amount0": in0, "amount1": in1}], "events_match_model"
            self.check_sync(receipt)

    @rule(lp=st.integers(0, 2), share=fractions_bps)
    def remove_liquidity(self, lp, share):
        who = self.world.lps[lp]
        liquidity = self.mp.balance_of(who) * share // 10_000
        outcome(
            lambda: self.mp.transfer(who, self.pool.address, liquidity),
            lambda: self.pool.transact("transfer", self.pool.address, liquidity, sender=who),
        )
        amounts_out, receipt = outcome(
            lambda: self.mp.burn(who, timestamp=self.chain.now),
            lambda: self.pool.transact("burn", who, sender=who),
        )
        if receipt:
            assert receipt.return_value == tuple(amounts_out), "burn_matches_model"
            (burn,) = receipt.events("Burn", self.pool.address)
            assert (burn["amount0"], burn["amount1"], burn["to"]) == (*amounts_out, who), "events_match_model"
            self.check_sync(receipt)

    @rule(frm=st.integers(0, 4), to=st.integers(0, 4), share=fractions_bps)
    def transfer_lp(self, frm, to, share):
        a, b = self.world.actors[frm], self.world.actors[to]
        amount = self.mp.balance_of(a) * share // 10_000
        outcome(lambda: self.mp.transfer(a, b, amount), lambda: self.pool.transact("transfer", b, amount, sender=a))

    # --- swaps ---------------------------------------------------------------------------------------------
    def reserves(self, zero_for_one):
        return (self.mp.reserve0, self.mp.reserve1) if zero_for_one else (self.mp.reserve1, self.mp.reserve0)

    def do_swap(self, trader, zero_for_one, amount_out, to=None, callback=None, data=b""):
        outs = (0, amount_out) if zero_for_one else (amount_out, 0)
        to = to or trader
        return outcome(
            lambda: self.mp.swap(*outs, to, timestamp=self.chain.now, callback=callback),
            lambda: self.pool.transact("swap", *outs, to, data, sender=trader),
        )

    def pending(self, zero):
        """Tokens the pool holds above its reserve (donations not yet synced or skimmed)."""
        if zero:
            return self.mp.token0.balance_of(self.pool.address) - self.mp.reserve0
        return self.mp.token1.balance_of(self.pool.address) - self.mp.reserve1

    @rule(trader=st.integers(0, 1), zero_for_one=st.booleans(), amount_in=amounts, over=st.sampled_from([0, 1]))
    def swap_exact_in(self, trader, zero_for_one, amount_in, over):
        """Output at the model's quote succeeds; one wei more must revert (the quote is the maximum)."""
        who = self.world.traders[trader]
        r_in, r_out = self.reserves(zero_for_one)
        self.transfer(zero_for_one, who, self.pool.address, amount_in)
        clean_out_side = self.pending(not zero_for_one) == 0
        effective_in = self.pending(zero_for_one)  # the swap counts earlier donations as input too
        try:
            quote = model.get_amount_out(effective_in, r_in, r_out, self.mp.fee_bps)
        except model.ModelError:
            quote = 0
        k_before = self.mp.reserve0 * self.mp.reserve1
        _, receipt = self.do_swap(who, zero_for_one, quote + over)
        if quote > 0 and clean_out_side:
            assert (receipt is None) == bool(over), "swap_output_is_maximal: the quote is accepted, one wei more is not"
        if receipt:
            assert self.mp.reserve0 * self.mp.reserve1 >= k_before, "k_never_decreases"
            (swap,) = receipt.events("Swap", self.pool.address)
            assert swap["amount1Out" if zero_for_one else "amount0Out"] == quote + over, "events_match_model"
            self.check_sync(receipt)

    @rule(trader=st.integers(0, 1), zero_for_one=st.booleans(), amount_out=amounts, under=st.sampled_from([0, 1, 2]))
    def swap_exact_out(self, trader, zero_for_one, amount_out, under):
        """Input at the model's quote buys `amount_out`. The quote is V2's floor + 1, so one wei less also
        passes exactly when the division is exact, and two wei less never does."""
        who = self.world.traders[trader]
        r_in, r_out = self.reserves(zero_for_one)
        amount_out = max(1, min(amount_out, r_out - 1))
        try:
            need = model.get_amount_in(amount_out, r_in, r_out, self.mp.fee_bps)
        except model.ModelError:
            need = 1
        token_in = self.mp.token0 if zero_for_one else self.mp.token1
        sent = max(need - under, 0)
        if sent > token_in.balance_of(who):
            return
        clean = self.pending(True) == 0 and self.pending(False) == 0
        self.transfer(zero_for_one, who, self.pool.address, sent)
        _, receipt = self.do_swap(who, zero_for_one, amount_out)
        if clean and r_in > 0 and r_out > amount_out:
            fee = self.mp.fee_bps
            exact = (r_in * amount_out * 10_000) % ((r_out - amount_out) * (10_000 - fee)) == 0
            accepted = receipt is not None
            assert accepted == (under == 0 or (under == 1 and exact)), "swap_input_is_minimal"

    @rule(zero_for_one=st.booleans(), share=st.integers(1, 9_999), delta=st.sampled_from([-1, 0, 1, 10**6]))
    def flash_swap(self, zero_for_one, share, delta):
        """Borrow token out, repay the same token in the callback: the minimal repayment passes, less reverts."""
        w = self.world
        r_out = self.mp.reserve1 if zero_for_one else self.mp.reserve0
        amount_out = r_out * share // 10_000
        fee = self.mp.fee_bps
        repay = max(0, -(-amount_out * 10_000 // (10_000 - fee)) + delta)
        m_token = self.mp.token1 if zero_for_one else self.mp.token0
        repay = min(repay, m_token.balance_of(w.borrower.address) + amount_out)
        repays = (0, repay) if zero_for_one else (repay, 0)
        data = model_abi_repay(*repays)
        callback = model.flash_repay(self.mp, w.borrower.address, *repays)
        self.do_swap(w.traders[0], zero_for_one, amount_out, to=w.borrower.address, callback=callback, data=data)

    @rule(zero_for_one=st.booleans(), reentry=st.sampled_from(["sync", "skim", "mint", "burn", "swap"]))
    def reenter_from_flash_swap(self, zero_for_one, reentry):
        """A flash-swap callee calling back into the pool must hit the lock: the swap reverts Reentrancy."""
        w = self.world
        callee = w.reentrant.address
        pool_fn = self.pool.type.function
        data = {
            "sync": lambda: pool_fn("sync").calldata(()),
            "skim": lambda: pool_fn("skim").calldata((callee,)),
            "mint": lambda: pool_fn("mint").calldata((callee,)),
            "burn": lambda: pool_fn("burn").calldata((callee,)),
            "swap": lambda: pool_fn("swap").calldata((0, 1, callee, b"")),
        }[reentry]()
        model_reentry = {
            "sync": lambda: self.mp.sync(timestamp=self.chain.now),
            "skim": lambda: self.mp.skim(callee),
            "mint": lambda: self.mp.mint(callee, timestamp=self.chain.now),
            "burn": lambda: self.mp.burn(callee, timestamp=self.chain.now),
            "swap": lambda: self.mp.swap(0, 1, callee, timestamp=self.chain.now),
        }[reentry]
        r_out = self.mp.reserve1 if zero_for_one else self.mp.reserve0
        amount_out = 1 if r_out > 1 else 0
        _, receipt = self.do_swap(w.traders[0], zero_for_one, amount_out, to=callee, callback=model_reentry, data=data)
        if amount_out:
            assert receipt is None, "reentrancy_locked: a callback re-entered the pool"

    # --- donations, skim, sync -------------------------------------------------------------------------------
    @rule(actor=st.integers(0, 4), zero=st.booleans(), amount=amounts)
    def donate(self, actor, zero, amount):
        self.transfer(zero, self.world.actors[actor], self.pool.address, amount)

    @rule(actor=st.integers(0, 4))
    def skim(self, actor):
        who = self.world.actors[actor]
        outcome(lambda: self.mp.skim(who), lambda: self.pool.transact("skim", who, sender=who))

    @rule(actor=st.integers(0, 4))
    def sync(self, actor):
        who = self.world.actors[actor]
        _, receipt = outcome(lambda: self.mp.sync(timestamp=self.chain.now), lambda: self.pool.transact("sync", sender=who))
        if receipt:
            self.check_sync(receipt)

    # --- protocol fee and time -------------------------------------------------------------------------------
    @rule(on=st.booleans())
    def set_fee_to(self, on):
        w = self.world
        to = w.fee_recipient if on else ZERO
        outcome(
            lambda: self.m.factory.set_fee_to(to, sender=w.owner),
            lambda: w.factory.transact("setFeeTo", to, sender=w.owner),
        )

    @rule(actor=st.integers(0, 4))
    def set_fee_to_unauthorized(self, actor):
        w = self.world
        who = w.actors[actor]
        outcome(
            lambda: self.m.factory.set_fee_to(who, sender=who),
            lambda: w.factory.transact("setFeeTo", who, sender=who),
        )

    @rule(seconds=waits)
    def advance_time(self, seconds):
        self.chain.advance(seconds)

    # --- properties ----------------------------------------------------------------------------------------------
    @invariant()
    def chain_equals_model(self):
        """Reserves, timestamp, cumulative prices, kLast, LP supply, every LP and token balance: chain == model.

        Both sides are flat tuples of integers in the reader's order (every value read is a uint, so the
        Lens's raw words are the values); a difference is reported by name."""
        count_step(self.chain.name)
        if self.pool is None:
            return
        chain_state = self.reader.read_words()
        mp = self.mp
        lp, b0, b1, holders = mp.balances, mp.token0.balances, mp.token1.balances, self.holders
        model_state = (
            mp.reserve0, mp.reserve1, mp.block_timestamp_last,
            mp.price0_cumulative_last, mp.price1_cumulative_last, mp.k_last, mp.total_supply,
            *[lp.get(h, 0) for h in holders],
            *[b0.get(h, 0) for h in holders],
            *[b1.get(h, 0) for h in holders],
        )
        if chain_state != model_state:
            labels = ["reserve0", "reserve1", "blockTimestampLast", "price0CumulativeLast", "price1CumulativeLast"]
            labels += ["kLast", "totalSupply"]
            labels += [f"{kind}.balanceOf({h})" for kind in ("lp", "token0", "token1") for h in holders]
            diff = {label: (c, m) for label, c, m in zip(labels, chain_state, model_state) if c != m}
            raise AssertionError(f"chain_equals_model: (chain, model) differ at {diff}")

    @invariant()
    def reserves_backed_by_balances(self):
        """The pool never records more than it holds (model side; chain side equal by the invariant above)."""
        if self.pool is not None:
            assert self.mp.reserve0 <= self.mp.token0.balance_of(self.pool.address)
            assert self.mp.reserve1 <= self.mp.token1.balance_of(self.pool.address)


def model_abi_repay(repay0: int, repay1: int) -> bytes:
    """FlashBorrower's callback data: abi.encode(uint256 repay0, uint256 repay1)."""
    return repay0.to_bytes(32, "big") + repay1.to_bytes(32, "big")


@pytest.fixture  # per test, like the chain it is deployed on (see tests/conftest.py)
def pool_world(chain):
    return deploy_pool_world(chain)


def test_pool_machine(pool_world, timed_backend):
    timed_backend["backend"] = pool_world.chain.name
    PoolMachine.world = pool_world
    run_state_machine_as_test(PoolMachine, settings=machine_settings(pool_world.chain.name))
