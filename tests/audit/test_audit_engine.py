"""The audit engine against the stateful model (no chain): every honest history is consistent, and each kind
of wrong number is named at the event that carries it."""

from __future__ import annotations

from fractions import Fraction

import pytest

from python_model.audit import Event, LogError, PoolState, audit_events
from python_model.audit.synth import FEE_TO, POOL, SyntheticPool, synthetic_events
from python_model.token import ZERO_ADDRESS


def copy_events(events):
    return [Event(e.block, e.tx_hash, e.log_index, e.address, e.event, dict(e.args), e.line) for e in events]


def find(events, predicate, start=0):
    """Index of the first event from ``start`` satisfying ``predicate``."""
    return next(i for i in range(start, len(events)) if predicate(events[i]))


@pytest.fixture(scope="module")
def history():
    return synthetic_events(1500, seed=11)


@pytest.mark.parametrize("seed,fee", [(0, 30), (1, 1), (2, 5), (3, 100), (4, 30), (5, 0)])
def test_model_histories_are_consistent(seed, fee):
    events, end = synthetic_events(800, seed=seed, fee_bps=fee)
    verdict = audit_events(events, POOL, fee, end=end)
    assert verdict.consistent, verdict.summary()
    assert verdict.events == len(events)
    assert verdict.summary() == f"consistent through block {events[-1].block} ({len(events)} events)"
    s = verdict.stats
    assert s["swaps"] > 100 and s["mints"] > 5 and s["burns"] > 5 and s["syncs"] > 0
    if fee:
        assert s["protocol_fee_mints"] > 0
    got = verdict.state
    assert (got.reserve0, got.reserve1, got.total_supply, got.pool_lp) == (end.reserve0, end.reserve1, end.total_supply, end.pool_lp)


def test_without_protocol_fee_history(history):
    events, end = synthetic_events(600, seed=7, protocol_fee=False)
    verdict = audit_events(events, POOL, 30, end=end)
    assert verdict.consistent and verdict.stats["protocol_fee_mints"] == 0


def test_wrong_fee_tier_is_a_divergence_at_the_first_tight_swap(history):
    events, _ = history
    verdict = audit_events(events, POOL, 31)
    d = verdict.divergence
    assert d is not None and d.event == "Swap" and d.field in ("amount0Out", "amount1Out") and d.relation == "<="
    assert d.actual > d.expected


class LeakyPool(SyntheticPool):
    """A pool variant that pays one wei more than the fee formula allows on some exact-in swaps."""

    def __init__(self, *args, leak_every=7, **kwargs):
        super().__init__(*args, **kwargs)
        self.leak_every = leak_every
        self.leaked = []  # (block, log_index, field, allowed, paid) of every leaky Swap
        self._count = 0

    def _swap(self):
        out = super()._swap()
        if len(out) != 2:
            return out
        sync, swap = out
        a = swap.args
        self._count += 1
        if self._count % self.leak_every:
            return out
        # only one-sided swaps at the formula's maximum output: one more wei must fail the K check
        from python_model.amm_math import get_amount_out

        pool = self.pool
        r0 = sync.args["reserve0"] - a["amount0In"] + a["amount0Out"]
        r1 = sync.args["reserve1"] - a["amount1In"] + a["amount1Out"]
        if a["amount1In"] == 0 and a["amount1Out"] == get_amount_out(a["amount0In"], r0, r1, self.fee_bps):
            token, field, reserve = self.token1, "amount1Out", "reserve1"
        elif a["amount0In"] == 0 and a["amount0Out"] == get_amount_out(a["amount1In"], r1, r0, self.fee_bps):
            token, field, reserve = self.token0, "amount0Out", "reserve0"
        else:
            return out
        token.transfer(POOL, a["to"], 1)  # the extra wei leaves the pool...
        setattr(pool, reserve, getattr(pool, reserve) - 1)  # ...and its _update stores the lower balance
        sync.args[reserve] -= 1
        self.leaked.append((swap.block, swap.log_index, field, a[field], a[field] + 1))
        a[field] += 1
        return out


def test_off_by_one_pool_variant_is_caught_at_each_leaky_swap():
    leaky = LeakyPool(21)
    events = list(leaky.events(1500))
    assert len(leaky.leaked) >= 10
    first = audit_events(events, POOL, 30)
    block, log_index, field, allowed, paid = leaky.leaked[0]
    d = first.divergence
    assert (d.block, d.log_index, d.event, d.field) == (block, log_index, "Swap", field)
    assert (d.expected, d.actual, d.relation) == (allowed, paid, "<=")
    assert first.events == find(events, lambda e: (e.block, e.log_index) == (block, log_index)) + 1
    # keep going: after each divergence the chain's numbers are adopted, so exactly the leaky swaps remain
    every = audit_events(events, POOL, 30, max_divergences=10_000)
    assert [(d.block, d.log_index, d.field, d.expected, d.actual) for d in every.divergences] == leaky.leaked


def test_sync_reserve_off_by_one_is_named_on_the_sync(history):
    events = copy_events(history[0])
    i = find(events, lambda e: e.event == "Swap", 300)
    sync = events[i - 1]
    sync.args["reserve1"] += 1
    d = audit_events(events, POOL, 30).divergence
    assert (d.block, d.log_index, d.event, d.field) == (sync.block, sync.log_index, "Sync", "reserve1")
    assert d.actual == d.expected + 1


def test_lp_minted_off_by_one_is_named_on_the_lp_transfer(history):
    events = copy_events(history[0])
    i = find(events, lambda e: e.event == "Mint", 200)
    depositor = events[i - 2]
    assert depositor.event == "Transfer" and depositor.args["from"] == ZERO_ADDRESS
    depositor.args["value"] += 1
    d = audit_events(events, POOL, 30).divergence
    assert (d.log_index, d.event, d.field, d.actual - d.expected) == (depositor.log_index, "Transfer", "value", 1)


def test_protocol_fee_mint_off_by_one_is_named(history):
    events = copy_events(history[0])
    i = find(events, lambda e: e.event == "Transfer" and e.args["to"] == FEE_TO and e.args["from"] == ZERO_ADDRESS, 100)
    events[i].args["value"] -= 1
    d = audit_events(events, POOL, 30).divergence
    assert (d.block, d.log_index, d.event, d.field) == (events[i].block, events[i].log_index, "Transfer", "value")
    assert d.expected == d.actual + 1 and "sqrt(k)" in d.note


def test_protocol_fee_while_it_was_off_is_named():
    events, _ = synthetic_events(400, seed=3, protocol_fee=False)
    events = copy_events(events)
    i = find(events, lambda e: e.event == "Mint", 100)
    depositor = events[i - 2]
    fake = Event(depositor.block, depositor.tx_hash, depositor.log_index - 1, POOL, "Transfer",
                 {"from": ZERO_ADDRESS, "to": FEE_TO, "value": 5})
    events.insert(i - 2, fake)
    d = audit_events(events, POOL, 30).divergence
    # feeTo is not in the pool's events: the fee may have just been switched on (then kLast was 0 and
    # nothing is due) or have been on since the last mint (then the sqrt-k share is due); 5 is neither
    assert (d.log_index, d.event, d.field, d.actual) == (fake.log_index, "Transfer", "value", 5)
    assert d.expected > 5 and "or no mint at all" in d.note


def test_burn_paying_one_wei_more_is_named_on_the_burn(history):
    events = copy_events(history[0])
    i = find(events, lambda e: e.event == "Burn" and e.args["amount0"] > 10 and e.args["to"] != POOL, 200)
    burn, sync = events[i], events[i - 1]
    burn.args["amount0"] += 1  # the variant pays one more wei...
    sync.args["reserve0"] -= 1  # ...which leaves its balance
    d = audit_events(events, POOL, 30).divergence
    assert (d.log_index, d.event, d.field, d.actual - d.expected) == (burn.log_index, "Burn", "amount0", 1)


def test_missing_sync_is_named_on_the_operation(history):
    events = copy_events(history[0])
    i = find(events, lambda e: e.event == "Swap", 50)
    del events[i - 1]
    d = audit_events(events, POOL, 30).divergence
    assert (d.log_index, d.event, d.field) == (events[i - 1].log_index, "Swap", "Sync")


def test_bare_sync_cannot_lower_a_reserve(history):
    events = copy_events(history[0])
    i = next(i for i in range(100, len(events) - 1)
             if events[i].event == "Sync" and events[i + 1].event not in ("Swap", "Mint", "Burn"))
    events[i].args["reserve0"] -= 10**30
    d = audit_events(events, POOL, 30).divergence
    assert (d.log_index, d.event, d.field, d.relation) == (events[i].log_index, "Sync", "reserve0", ">=")


def test_lp_mint_outside_mint_or_burn(history):
    events = copy_events(history[0])
    i = next(i for i in range(100, len(events) - 1)
             if events[i].event == "Swap" and events[i + 1].block != events[i].block)
    stray = Event(events[i].block, events[i].tx_hash, events[i].log_index + 1, POOL, "Transfer",
                  {"from": ZERO_ADDRESS, "to": FEE_TO, "value": 1})
    events.insert(i + 1, stray)
    d = audit_events(events, POOL, 30).divergence
    assert (d.log_index, d.event, d.field) == (stray.log_index, "Transfer", "outcome")


def test_malformed_streams_raise_log_errors(history):
    events = copy_events(history[0][:50])
    stale = copy_events([events[5]])[0]  # an event of an earlier block, again at the end
    stale.line = 51
    with pytest.raises(LogError, match="out of order") as err:
        audit_events(events + [stale], POOL, 30)
    assert err.value.line == 51
    other = copy_events(history[0][:5])
    other[3].address = "0x" + "99" * 20
    with pytest.raises(LogError, match="not from the audited pool"):
        audit_events(other, POOL, 30)
    unknown = copy_events(history[0][:5])
    unknown[2].event = "Approval"
    with pytest.raises(LogError, match="unknown event"):
        audit_events(unknown, POOL, 30)
    missing = copy_events(history[0][:5])
    del missing[0].args["value"]
    with pytest.raises(LogError, match="malformed Transfer"):
        audit_events(missing, POOL, 30)


def test_starting_mid_history_from_a_state():
    synth = SyntheticPool(5)
    before = list(synth.events(500))
    start = synth.state()
    after = list(synth.events(500))
    verdict = audit_events(after, POOL, 30, start, end=synth.state())
    assert verdict.consistent and verdict.events == len(after)
    # the same from the whole stream: earlier blocks replayed unchecked
    whole = audit_events(before + after, POOL, 30, check_from=after[0].block, end=synth.state())
    assert whole.consistent and whole.replayed == len(before) + len(after)
    assert whole.events == sum(1 for e in before + after if e.block >= after[0].block)
    # an unknown kLast: the first protocol-fee mint is taken as it is
    unknown = PoolState(start.reserve0, start.reserve1, start.total_supply, start.pool_lp, None)
    assert audit_events(after, POOL, 30, unknown).consistent
    # a wrong starting supply shows at the first mint or burn
    wrong = PoolState(start.reserve0, start.reserve1, start.total_supply + 10**6, start.pool_lp, start.k_last)
    d = audit_events(after, POOL, 30, wrong).divergence
    assert d is not None and d.event in ("Transfer", "Burn")


def test_end_state_is_compared(history):
    events, end = history
    wrong = PoolState(end.reserve0, end.reserve1, end.total_supply + 1, end.pool_lp, end.k_last, end.block)
    d = audit_events(events, POOL, 30, end=wrong).divergence
    assert (d.event, d.field, d.expected, d.actual) == ("state", "totalSupply", end.total_supply, end.total_supply + 1)


def test_fee_actually_paid_covers_the_nominal_fee():
    fees = []
    events, _ = synthetic_events(600, seed=9, fee_bps=30)
    verdict = audit_events(events, POOL, 30, on_swap=fees.append)
    assert verdict.consistent
    assert len(fees) == verdict.stats["swaps"]
    one_sided = [f for f in fees if f.token is not None]
    assert len(one_sided) > 100
    for f in one_sided:
        assert f.fee >= f.amount_in * 30 // 10000  # the K check at the fee's scale guarantees it
    assert sum(f.fee for f in one_sided if f.token == 0) == verdict.stats["fees_paid0"]
    # exact-in swaps at the formula's maximum pay about the nominal fee, not more
    typical = sorted(Fraction(f.fee_bps) for f in one_sided if f.amount_in > 10**9)
    assert 30 <= typical[len(typical) // 2] < 31
