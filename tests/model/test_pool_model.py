"""Model-only properties of python_model (no chain): fast, exact, integer arithmetic throughout.

Sizes come from the active hypothesis profile (tests/conftest.py); only deadlines are switched off here.
"""

from __future__ import annotations

import copy
import sys

import pytest
from hypothesis import assume, event, example, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import python_model as model
from python_model import (
    MINIMUM_LIQUIDITY,
    ZERO_ADDRESS,
    Factory,
    Pool,
    Token,
    World,
    errors,
    flash_repay,
    get_amount_in,
    get_amount_out,
    isqrt,
)
from python_model.amm_math import (
    UINT112_MAX,
    k_holds,
    protocol_fee_liquidity,
    quote,
)


def addr(n: int) -> str:
    return "0x%040x" % n


OWNER = addr(0x0E)
TOKEN0 = addr(0xA000)
TOKEN1 = addr(0xB000)
POOL = addr(0xCAFE)
LPS = [addr(0x1001), addr(0x1002), addr(0x1003)]
TRADERS = [addr(0x2001), addr(0x2002)]
FEE_TO = addr(0x3001)
BORROWER = addr(0x4001)
ACTORS = LPS + TRADERS
FUNDS = 2**120  # above uint112, so donations can overflow the reserves
TIERS = (1, 5, 30, 100)
Q112 = 1 << 112

quick = settings(deadline=None)  # sizes from the profile

# --- strategies ----------------------------------------------------------------------------------


def spread(lo: int, hi: int):
    """Integers in [lo, hi] over many orders of magnitude (mantissa * 10**exponent), plus uniform ones."""
    scaled = st.builds(lambda m, e: m * 10**e, st.integers(1, 9999), st.integers(0, 34))
    return st.one_of(scaled, st.integers(lo, hi), st.integers(lo, min(hi, lo + 10**6))).map(
        lambda x: min(max(x, lo), hi)
    )


fees = st.one_of(st.sampled_from(TIERS), st.integers(1, 9999))
reserves = spread(1, UINT112_MAX)
amounts = spread(1, 10**30)


# --- helpers -------------------------------------------------------------------------------------


def new_world(fee_bps: int = 30, fee_on: bool = False):
    factory = Factory(OWNER)
    if fee_bps not in factory.fee_tiers:
        factory.enable_fee_tier(fee_bps, sender=OWNER)
    token0, token1 = Token(TOKEN0, 18, "Zero", "T0"), Token(TOKEN1, 6, "One", "T1")
    for who in ACTORS + [BORROWER]:
        token0.mint(who, FUNDS)
        token1.mint(who, FUNDS)
    world = World(factory, [token0, token1])
    pool = factory.create_pool(token1, token0, fee_bps, POOL)
    if fee_on:
        factory.set_fee_to(FEE_TO, sender=OWNER)
    return world, pool


def deposit(pool: Pool, who: str, amount0: int, amount1: int, t: int = 1000) -> int:
    pool.token0.transfer(who, pool.address, amount0)
    pool.token1.transfer(who, pool.address, amount1)
    return pool.mint(who, timestamp=t)


def withdraw(pool: Pool, who: str, liquidity: int, t: int = 1000):
    pool.transfer(who, pool.address, liquidity)
    return pool.burn(who, timestamp=t)


def atomically(world: World, op):
    """Run `op` like one transaction (e.g. a router call): on a revert, undo everything; returns (result, error)."""
    snap = world.snapshot()
    try:
        return op(), None
    except errors.PoolError as exc:
        world.restore(snap)
        return None, exc


def fingerprint(world: World):
    """Every ledger of the world, by value (comparable across copies)."""
    f = world.factory
    return (
        (f.owner, f.fee_to, sorted(f.fee_tiers), sorted(f.pools), [p.address for p in f.all_pools]),
        {p.address: p._save() for p in f.all_pools},
        {address: token._save() for address, token in world.tokens.items()},
    )


def seeded_pool(r0: int, r1: int, fee_bps: int = 30, fee_on: bool = False):
    assume(isqrt(r0 * r1) > MINIMUM_LIQUIDITY)
    world, pool = new_world(fee_bps, fee_on)
    deposit(pool, LPS[0], r0, r1)
    return world, pool


def v2_amount_out(amount_in, reserve_in, reserve_out):
    amount_in_with_fee = amount_in * 997
    return amount_in_with_fee * reserve_out // (reserve_in * 1000 + amount_in_with_fee)


def v2_amount_in(amount_out, reserve_in, reserve_out):
    return reserve_in * amount_out * 1000 // ((reserve_out - amount_out) * 997) + 1


# --- library: rounding direction -------------------------------------------------------------------


@quick
@given(amount_in=amounts, reserve_in=reserves, reserve_out=reserves, fee=fees)
@example(amount_in=1, reserve_in=1, reserve_out=1, fee=30)
@example(amount_in=10**18, reserve_in=UINT112_MAX, reserve_out=UINT112_MAX, fee=9999)
def test_get_amount_out_is_the_floor_of_k(amount_in, reserve_in, reserve_out, fee):
    """out passes the pool's K check; out + 1 does not (or would drain the reserve)."""
    out = get_amount_out(amount_in, reserve_in, reserve_out, fee)
    assert 0 <= out < reserve_out
    assert k_holds(reserve_in + amount_in, reserve_out - out, amount_in, 0, reserve_in, reserve_out, fee)
    if out + 1 < reserve_out:
        assert not k_holds(reserve_in + amount_in, reserve_out - out - 1, amount_in, 0, reserve_in, reserve_out, fee)
    # The closed form, with the fee on the input only.
    assert out == amount_in * (10000 - fee) * reserve_out // (reserve_in * 10000 + amount_in * (10000 - fee))


@quick
@given(data=st.data(), reserve_in=reserves, reserve_out=reserves.filter(lambda r: r >= 2), fee=fees)
def test_get_amount_in_is_minimal_up_to_v2s_plus_one(data, reserve_in, reserve_out, fee):
    """in buys out; in - 1 does not, except when the division is exact (V2's +1 then overshoots by one wei).

    The exact minimum is ceil(N/D) with N = rIn*out*10000, D = (rOut-out)*(10000-f); V2's formula is
    floor(N/D) + 1, i.e. the minimum when D does not divide N and the minimum + 1 when it does.
    """
    out = data.draw(spread(1, reserve_out - 1), label="amount_out")
    amount_in = get_amount_in(out, reserve_in, reserve_out, fee)
    numerator = reserve_in * out * 10000
    denominator = (reserve_out - out) * (10000 - fee)
    minimum = -(-numerator // denominator)
    exact = numerator % denominator == 0
    assert amount_in == minimum + (1 if exact else 0)
    assert get_amount_out(amount_in, reserve_in, reserve_out, fee) >= out
    assert get_amount_out(minimum, reserve_in, reserve_out, fee) >= out
    if minimum > 1:
        assert get_amount_out(minimum - 1, reserve_in, reserve_out, fee) < out
    if not exact and amount_in > 1:
        assert get_amount_out(amount_in - 1, reserve_in, reserve_out, fee) < out


def test_get_amount_in_plus_one_overshoots_on_exact_division():
    """Documented V2 quirk: rIn=rOut=2, out=1, f=0 gives N/D = 2 exactly, and V2 answers 3 (2 suffices)."""
    assert get_amount_in(1, 2, 2, 0) == 3
    assert get_amount_out(2, 2, 2, 0) == 1


@quick
@given(amount=amounts, reserve_in=reserves, reserve_out=reserves)
def test_v2_equivalence_at_30_bps(amount, reserve_in, reserve_out):
    """At 30 bps every quote equals V2's literal 997/1000 formula."""
    assert get_amount_out(amount, reserve_in, reserve_out, 30) == v2_amount_out(amount, reserve_in, reserve_out)
    if amount < reserve_out:
        assert get_amount_in(amount, reserve_in, reserve_out, 30) == v2_amount_in(amount, reserve_in, reserve_out)


@quick
@given(
    r0=reserves, r1=reserves, out0=st.integers(0, 10**6), out1=st.integers(0, 10**6),
    in0=amounts | st.just(0), in1=amounts | st.just(0),
)
def test_k_check_equals_v2s_at_30_bps(r0, r1, out0, out1, in0, in1):
    """The pool's K check at scale 10000 accepts exactly the swaps V2's scale-1000 check accepts."""
    assume(out0 < r0 and out1 < r1)
    b0, b1 = r0 - out0 + in0, r1 - out1 + in1
    v2 = (b0 * 1000 - in0 * 3) * (b1 * 1000 - in1 * 3) >= r0 * r1 * 1000**2
    assert k_holds(b0, b1, in0, in1, r0, r1, 30) == v2


def test_k_check_accepts_exact_equality():
    """r0=1e4, r1=1e6, 100 bps, 1e6 in: the quote 990000 makes the adjusted product equal r0*r1*1e8 exactly."""
    assert get_amount_out(10**6, 10**4, 10**6, 100) == 990_000
    assert k_holds(10**4 + 10**6, 10**6 - 990_000, 10**6, 0, 10**4, 10**6, 100)
    assert not k_holds(10**4 + 10**6, 10**6 - 990_001, 10**6, 0, 10**4, 10**6, 100)
    world, pool = new_world(100)
    deposit(pool, LPS[0], 10**4, 10**6)
    pool.token0.transfer(TRADERS[0], POOL, 10**6)
    with pytest.raises(errors.K):
        pool.swap(0, 990_001, TRADERS[0], timestamp=2)
    assert pool.swap(0, 990_000, TRADERS[0], timestamp=2) == (10**6, 0)
    assert (pool.reserve0, pool.reserve1) == (1_010_000, 10_000)  # k = 1.01e10 > 1e10: the fee stays in


def test_token_ledger_boundaries():
    token = Token(TOKEN0)
    token.mint(LPS[0], 5)
    with pytest.raises(errors.ERC20InsufficientBalance):
        token.transfer(LPS[0], LPS[1], 6)
    token.transfer(LPS[0], LPS[1], 5)
    assert token.balances == {LPS[1]: 5} and token.total_supply == 5  # emptied accounts leave the ledger
    token.transfer(LPS[1], LPS[1], 5)
    assert token.balances == {LPS[1]: 5}
    with pytest.raises(errors.ERC20InvalidSender):
        token.transfer(ZERO_ADDRESS, LPS[1], 0)
    with pytest.raises(errors.ERC20InvalidReceiver):
        token.mint(ZERO_ADDRESS, 1)
    with pytest.raises(errors.Panic):
        token.mint(LPS[0], 2**256 - 5)
    assert token.copy().balances == token.balances and token.copy().balances is not token.balances


def test_library_reverts_like_v2():
    with pytest.raises(errors.InsufficientInputAmount):
        get_amount_out(0, 1, 1, 30)
    with pytest.raises(errors.InsufficientLiquidity):
        get_amount_out(1, 0, 1, 30)
    with pytest.raises(errors.InsufficientLiquidity):
        get_amount_out(1, 1, 0, 30)
    with pytest.raises(errors.InsufficientOutputAmount):
        get_amount_in(0, 1, 1, 30)
    with pytest.raises(errors.InsufficientLiquidity):
        get_amount_in(5, 10, 5, 30)  # amount_out >= reserve_out
    with pytest.raises(errors.InsufficientLiquidity):
        get_amount_in(1, 0, 5, 30)
    with pytest.raises(errors.InsufficientAmount):
        quote(0, 1, 1)
    assert quote(3, 2, 5) == 7  # floor(15 / 2)
    assert issubclass(errors.K, model.ModelError)


# --- pool: rounding direction of every operation ------------------------------------------------------


@quick
@given(r0=reserves, r1=reserves, amount_in=amounts, fee=fees, zero_for_one=st.booleans())
def test_pool_swap_accepts_the_quote_and_rejects_one_wei_more(r0, r1, amount_in, fee, zero_for_one):
    world, pool = seeded_pool(r0, r1, fee)
    r_in, r_out = (pool.reserve0, pool.reserve1) if zero_for_one else (pool.reserve1, pool.reserve0)
    assume(r_in + amount_in <= UINT112_MAX)
    out = get_amount_out(amount_in, r_in, r_out, fee)
    token_in = pool.token0 if zero_for_one else pool.token1
    token_in.transfer(TRADERS[0], pool.address, amount_in)
    outs = lambda o: (0, o) if zero_for_one else (o, 0)  # noqa: E731
    before = fingerprint(world)
    with pytest.raises(errors.InsufficientLiquidity if out + 1 >= r_out else errors.K):
        pool.swap(*outs(out + 1), TRADERS[0], timestamp=2000)
    assert fingerprint(world) == before  # a revert changes nothing
    if out == 0:
        with pytest.raises(errors.InsufficientOutputAmount):
            pool.swap(0, 0, TRADERS[0], timestamp=2000)
        return
    k_before = pool.reserve0 * pool.reserve1
    assert pool.swap(*outs(out), TRADERS[0], timestamp=2000) == ((amount_in, 0) if zero_for_one else (0, amount_in))
    assert pool.reserve0 * pool.reserve1 >= k_before


@quick
@given(r0=reserves, r1=reserves, fee=fees, data=st.data())
def test_pool_swap_exact_out_needs_the_minimal_input(r0, r1, fee, data):
    world, pool = seeded_pool(r0, r1, fee)
    out = data.draw(spread(1, pool.reserve1 - 1), label="amount1_out") if pool.reserve1 > 1 else 0
    assume(out > 0)
    numerator = pool.reserve0 * out * 10000
    minimum = -(-numerator // ((pool.reserve1 - out) * (10000 - fee)))
    assume(pool.reserve0 + minimum <= UINT112_MAX)
    snap = world.snapshot()
    if minimum > 1:
        pool.token0.transfer(TRADERS[0], pool.address, minimum - 1)
        with pytest.raises(errors.K):
            pool.swap(0, out, TRADERS[0], timestamp=2000)
        world.restore(snap)
    pool.token0.transfer(TRADERS[0], pool.address, minimum)
    assert pool.swap(0, out, TRADERS[0], timestamp=2000) == (minimum, 0)


@quick
@given(a0=spread(1, 2**113), a1=spread(1, 2**113))
def test_first_mint_rounds_down_and_locks_minimum_liquidity(a0, a1):
    world, pool = new_world()
    root = isqrt(a0 * a1)
    if root <= MINIMUM_LIQUIDITY or max(a0, a1) > UINT112_MAX:
        before = pool.state()
        with pytest.raises(errors.InsufficientLiquidityMinted if root <= MINIMUM_LIQUIDITY else errors.Overflow):
            deposit(pool, LPS[0], a0, a1)
        assert pool.state() == before and pool.balances == {}
        return
    liquidity = deposit(pool, LPS[0], a0, a1)
    assert (liquidity + MINIMUM_LIQUIDITY) ** 2 <= a0 * a1 < (liquidity + MINIMUM_LIQUIDITY + 1) ** 2
    assert pool.balance_of(ZERO_ADDRESS) == MINIMUM_LIQUIDITY
    assert pool.total_supply == liquidity + MINIMUM_LIQUIDITY
    assert (pool.reserve0, pool.reserve1) == (a0, a1)


@quick
@given(r0=reserves, r1=reserves, a0=amounts, a1=amounts)
def test_later_mint_rounds_down_on_the_binding_side(r0, r1, a0, a1):
    world, pool = seeded_pool(r0, r1)
    assume(pool.reserve0 + a0 <= UINT112_MAX and pool.reserve1 + a1 <= UINT112_MAX)
    supply, res0, res1 = pool.total_supply, pool.reserve0, pool.reserve1
    liquidity, error = atomically(world, lambda: deposit(pool, LPS[1], a0, a1))
    exact = min(a0 * supply // res0, a1 * supply // res1)
    if exact == 0:
        assert isinstance(error, errors.InsufficientLiquidityMinted)
        return
    assert liquidity == exact
    assert liquidity * res0 <= a0 * supply and liquidity * res1 <= a1 * supply  # floor on both sides
    assert (liquidity + 1) * res0 > a0 * supply or (liquidity + 1) * res1 > a1 * supply  # and the min is tight


@quick
@given(r0=reserves, r1=reserves, share=st.integers(1, 10_000), donation0=st.integers(0, 10**20))
def test_burn_rounds_down_on_balances(r0, r1, share, donation0):
    world, pool = seeded_pool(r0, r1)
    pool.token0.transfer(TRADERS[0], pool.address, donation0)  # donations go pro rata to burners
    liquidity = pool.balance_of(LPS[0]) * share // 10_000
    assume(liquidity > 0)
    supply = pool.total_supply
    b0, b1 = pool.token0.balance_of(POOL), pool.token1.balance_of(POOL)
    result, error = atomically(world, lambda: withdraw(pool, LPS[0], liquidity))
    if error is not None:
        expected = errors.InsufficientLiquidityBurned if min(liquidity * b0, liquidity * b1) < supply else errors.Overflow
        assert isinstance(error, expected)
        return
    amount0, amount1 = result
    for amount, balance in ((amount0, b0), (amount1, b1)):
        assert amount * supply <= liquidity * balance < (amount + 1) * supply
    assert (pool.reserve0, pool.reserve1) == (b0 - amount0, b1 - amount1)


@quick
@given(
    r0=reserves, r1=reserves, fee=fees, fee_on=st.booleans(),
    trades=st.lists(st.tuples(st.booleans(), amounts), max_size=4),
    a0=amounts, a1=amounts, donation=st.integers(0, 10**24),
)
def test_mint_burn_round_trip_never_returns_more_than_deposited(r0, r1, fee, fee_on, trades, a0, a1, donation):
    """Deposit then withdraw at once: never more than deposited, plus what was lying in the pool unclaimed."""
    world, pool = seeded_pool(r0, r1, fee, fee_on)
    for zero_for_one, amount in trades:  # move the price and grow k (so the protocol fee has something to take)
        swap_exact_in(pool, TRADERS[0], zero_for_one, amount)
    pool.token1.transfer(TRADERS[1], pool.address, donation)  # someone else's unclaimed excess
    excess0, excess1 = pool.token0.balance_of(POOL) - pool.reserve0, pool.token1.balance_of(POOL) - pool.reserve1
    start0, start1 = pool.token0.balance_of(LPS[2]), pool.token1.balance_of(LPS[2])

    def round_trip():
        liquidity = deposit(pool, LPS[2], a0, a1, t=5000)
        return withdraw(pool, LPS[2], liquidity, t=5000)

    result, error = atomically(world, round_trip)
    if error is not None:
        assert isinstance(error, (errors.InsufficientLiquidityMinted, errors.InsufficientLiquidityBurned, errors.Overflow))
        return
    out0, out1 = result
    assert out0 <= a0 + excess0 and out1 <= a1 + excess1
    if excess0 == excess1 == 0:
        assert out0 <= a0 and out1 <= a1
    assert pool.token0.balance_of(LPS[2]) - start0 == out0 - a0
    assert pool.token1.balance_of(LPS[2]) - start1 == out1 - a1


def swap_exact_in(pool: Pool, trader: str, zero_for_one: bool, amount_in: int) -> int:
    """Router-style exact-in swap at the model quote; returns the output (0 when nothing can be bought)."""
    r_in, r_out = (pool.reserve0, pool.reserve1) if zero_for_one else (pool.reserve1, pool.reserve0)
    if r_in + amount_in > UINT112_MAX:
        return 0
    out = get_amount_out(amount_in, r_in, r_out, pool.fee_bps)
    if out == 0:
        return 0
    (pool.token0 if zero_for_one else pool.token1).transfer(trader, pool.address, amount_in)
    pool.swap(*((0, out) if zero_for_one else (out, 0)), trader, timestamp=3000)
    return out


# --- k never decreases -----------------------------------------------------------------------------------


@quick
@given(
    r0=reserves, r1=reserves, fee=fees,
    steps=st.lists(st.tuples(st.booleans(), amounts, st.integers(0, 10**30), st.integers(0, 10**30)), min_size=1, max_size=8),
)
def test_k_never_decreases_on_swaps(r0, r1, fee, steps):
    """Any swap the pool accepts (quoted or arbitrary outs with arbitrary payment) leaves r0*r1 no smaller."""
    world, pool = seeded_pool(r0, r1, fee)
    for zero_for_one, paid, out0, out1 in steps:
        k_before = pool.reserve0 * pool.reserve1
        (pool.token0 if zero_for_one else pool.token1).transfer(TRADERS[0], pool.address, paid)
        before = fingerprint(world)
        try:
            pool.swap(out0 % pool.reserve0, out1 % pool.reserve1, TRADERS[1], timestamp=4000)
        except errors.PoolError:
            assert fingerprint(world) == before
            pool.skim(TRADERS[0])  # take the payment back
            continue
        assert pool.reserve0 * pool.reserve1 >= k_before


# --- first-depositor donation attack ----------------------------------------------------------------------


@quick
@given(
    a=spread(1001, 10**24), m=spread(1, 10**12), d=spread(0, 10**27), v=spread(1, 10**27),
    flip=st.booleans(), attacker_burns_first=st.booleans(),
)
@example(a=1001, m=1, d=10**24, v=10**24, flip=False, attacker_burns_first=True)
@example(a=1001, m=1, d=10**24, v=2 * 10**24, flip=False, attacker_burns_first=False)
def test_first_depositor_donation_attack_is_bounded(a, m, d, v, flip, attacker_burns_first):
    """Attacker seeds the pool with a dust deposit, donates to inflate the LP price, a victim deposits.

    With 1000 LP locked at address(0), per token i (B = reserves, S = supply just before the victim):
    the victim loses less than one LP's worth plus a wei (loss*S < B + S), the attacker never profits and
    loses more than 999 LP's worth (minus a wei): (attacker_loss + 1)*S > 999*B.  So the attacker pays
    about 999 times what the victim can lose.  Deposits keep the pool's ratio (amount1 = m*amount0), as a
    router's would, so rounding is the only loss.  A burn that would pay 0 of a token reverts; the LP then
    stay with their owner, and the victim's loss counts their pro-rata claim on what is left as kept.
    """
    scale = lambda x: (x * m, x) if flip else (x, x * m)  # noqa: E731
    assume(max(scale(a + d + v)) <= UINT112_MAX)
    world, pool = new_world(fee_bps=30)
    attacker, victim = TRADERS[0], LPS[1]
    start = {who: (pool.token0.balance_of(who), pool.token1.balance_of(who)) for who in (attacker, victim)}

    deposit(pool, attacker, *scale(a))
    for token, amount in zip((pool.token0, pool.token1), scale(d)):
        token.transfer(attacker, POOL, amount)
    pool.sync(timestamp=1001)
    supply, reserves_before = pool.total_supply, (pool.reserve0, pool.reserve1)

    victim_liquidity, _ = atomically(world, lambda: deposit(pool, victim, *scale(v), t=1002))
    order = [(attacker, pool.balance_of(attacker)), (victim, victim_liquidity or 0)]
    if not attacker_burns_first:
        order.reverse()
    for who, liquidity in order:
        if liquidity:
            atomically(world, lambda: withdraw(pool, who, liquidity, t=1003))  # may fail: then it stays in

    for i, token in enumerate((pool.token0, pool.token1)):
        attacker_loss = start[attacker][i] - token.balance_of(attacker)
        victim_loss = start[victim][i] - token.balance_of(victim)
        final, final_supply, stuck = token.balance_of(POOL), pool.total_supply, pool.balance_of(victim)
        note(f"token{i}: attacker_loss={attacker_loss} victim_loss={victim_loss} pool={final} victim_lp_left={stuck}")
        assert attacker_loss + victim_loss == final  # tokens are conserved
        assert final * supply >= MINIMUM_LIQUIDITY * reserves_before[i]  # the locked LP keep >= 1000 shares' worth
        # victim_loss - stuck*final/final_supply < B/S + 1, cross-multiplied
        assert (victim_loss * final_supply - stuck * final) * supply < (reserves_before[i] + supply) * final_supply
        assert attacker_loss >= 0
        assert (attacker_loss + 1) * supply > (MINIMUM_LIQUIDITY - 1) * reserves_before[i]


# --- protocol fee ------------------------------------------------------------------------------------------


@quick
@given(supply=spread(1, 2**128), root_k_last=spread(1, 2**112), growth=spread(0, 2**112))
def test_protocol_fee_formula_is_one_sixth_of_root_k_growth(supply, root_k_last, growth):
    """L = floor(S*(√k-√kLast)/(5√k+√kLast)) is the largest L with L/(S+L) <= (√k-√kLast)/(6√k).

    Exact integer form: 6*L*√k <= g*(S+L) and 6*(L+1)*√k > g*(S+L+1), with g = √k - √kLast.
    """
    root_k = root_k_last + growth
    liquidity = protocol_fee_liquidity(supply, root_k, root_k, root_k_last**2)  # r0 = r1 = √k
    g = root_k - root_k_last
    if g == 0:
        assert liquidity == 0
        return
    assert 6 * liquidity * root_k <= g * (supply + liquidity)
    assert 6 * (liquidity + 1) * root_k > g * (supply + liquidity + 1)


@quick
@given(
    r0=reserves, r1=reserves, fee=fees,
    trades=st.lists(st.tuples(st.booleans(), amounts), min_size=1, max_size=6),
    burn_share=st.integers(0, 10_000),
)
def test_protocol_fee_minted_on_mint_or_burn(r0, r1, fee, trades, burn_share):
    """feeTo receives exactly the formula's LP on the next mint/burn after k grew, and kLast follows."""
    world, pool = seeded_pool(r0, r1, fee, fee_on=True)
    assert pool.k_last == pool.reserve0 * pool.reserve1
    for zero_for_one, amount in trades:
        swap_exact_in(pool, TRADERS[0], zero_for_one, amount)
    supply, k_last = pool.total_supply, pool.k_last
    root_k, root_k_last = isqrt(pool.reserve0 * pool.reserve1), isqrt(k_last)
    expected = supply * (root_k - root_k_last) // (5 * root_k + root_k_last) if root_k > root_k_last else 0

    r0, r1 = pool.reserve0, pool.reserve1
    if burn_share:
        liquidity = pool.balance_of(LPS[0]) * burn_share // 10_000
        result, error = atomically(world, lambda: withdraw(pool, LPS[0], liquidity, t=9000))
        assume(error is None)
        # The burner's share is taken of the supply AFTER the fee mint.
        assert result == (liquidity * r0 // (supply + expected), liquidity * r1 // (supply + expected))
    else:  # a deposit at the current ratio triggers the fee too
        a0, a1 = r0 // 7 + 1, r1 // 7 + 1
        result, error = atomically(world, lambda: deposit(pool, LPS[1], a0, a1, t=9000))
        assume(error is None)
        assert result == min(a0 * (supply + expected) // r0, a1 * (supply + expected) // r1)
    assert pool.balance_of(FEE_TO) == expected
    if expected:
        g = root_k - root_k_last
        assert 6 * expected * root_k <= g * (supply + expected) < 6 * (expected + 1) * root_k
    assert pool.k_last == pool.reserve0 * pool.reserve1


def test_fee_switch_off_clears_k_last_and_on_again_starts_fresh():
    world, pool = new_world(30, fee_on=True)
    deposit(pool, LPS[0], 10**21, 10**21)
    swap_exact_in(pool, TRADERS[0], True, 10**20)
    world.factory.set_fee_to(ZERO_ADDRESS, sender=OWNER)
    assert world.factory.fee_to is None
    deposit(pool, LPS[1], 10**18, 10**18)
    assert pool.k_last == 0 and pool.balance_of(FEE_TO) == 0  # fee off: nothing minted, kLast cleared
    world.factory.set_fee_to(FEE_TO, sender=OWNER)
    swap_exact_in(pool, TRADERS[0], False, 10**20)
    deposit(pool, LPS[1], 10**18, 10**18)
    assert pool.balance_of(FEE_TO) == 0  # kLast was 0: the growth while it was off is not charged
    assert pool.k_last == pool.reserve0 * pool.reserve1
    swap_exact_in(pool, TRADERS[0], True, 10**20)
    deposit(pool, LPS[1], 10**18, 10**18)
    assert pool.balance_of(FEE_TO) > 0


# --- oracle ---------------------------------------------------------------------------------------------------


@quick
@given(r0=reserves, r1=reserves, t0=st.integers(0, 2**40), waits=st.lists(st.integers(0, 2**33), min_size=1, max_size=5))
def test_price_accumulators_floor_before_multiplying_and_wrap(r0, r1, t0, waits):
    world, pool = seeded_pool(r0, r1)
    pool.sync(timestamp=t0)
    now = t0
    for wait in waits:
        before = (pool.reserve0, pool.reserve1, pool.block_timestamp_last, pool.price0_cumulative_last, pool.price1_cumulative_last)
        now += wait
        pool.sync(timestamp=now)
        res0, res1, last, p0, p1 = before
        elapsed = (now % 2**32 - last) % 2**32
        assert pool.block_timestamp_last == now % 2**32
        assert pool.price0_cumulative_last == (p0 + (res1 * Q112 // res0) * elapsed) % 2**256
        assert pool.price1_cumulative_last == (p1 + (res0 * Q112 // res1) * elapsed) % 2**256


def test_accumulators_skip_an_empty_side():
    """A one-sided sync leaves a zero reserve: no price accrues until both reserves are non-zero."""
    world, pool = new_world()
    pool.token0.transfer(TRADERS[0], POOL, 10**18)
    pool.sync(timestamp=10)
    pool.sync(timestamp=1000)
    assert (pool.reserve0, pool.reserve1, pool.block_timestamp_last) == (10**18, 0, 1000)
    assert pool.price0_cumulative_last == pool.price1_cumulative_last == 0


def test_accumulators_wrap_modulo_2_256():
    world, pool = new_world()
    deposit(pool, LPS[0], UINT112_MAX, 1001, t=0)
    pool.price0_cumulative_last = 2**256 - 1
    pool.sync(timestamp=2**32 + 5)  # elapsed wraps too: 5 seconds
    assert pool.price0_cumulative_last == (2**256 - 1 + (1001 * Q112 // UINT112_MAX) * 5) % 2**256
    assert pool.price1_cumulative_last == (UINT112_MAX * Q112 // 1001) * 5
    assert pool.block_timestamp_last == 5


# --- reverts and atomicity ---------------------------------------------------------------------------------------


def test_swap_checks_in_the_contracts_order():
    world, pool = new_world()
    deposit(pool, LPS[0], 10**20, 10**20)
    cases = [
        (lambda: pool.swap(0, 0, TRADERS[0], timestamp=1), errors.InsufficientOutputAmount),
        (lambda: pool.swap(10**20, 0, TRADERS[0], timestamp=1), errors.InsufficientLiquidity),
        (lambda: pool.swap(1, 0, TOKEN0, timestamp=1), errors.InvalidTo),
        (lambda: pool.swap(1, 0, TOKEN1, timestamp=1), errors.InvalidTo),
        (lambda: pool.swap(1, 0, ZERO_ADDRESS, timestamp=1), errors.TransferFailed),
        (lambda: pool.swap(1, 0, TRADERS[0], timestamp=1), errors.InsufficientInputAmount),
        (lambda: pool.burn(LPS[0], timestamp=1), errors.InsufficientLiquidityBurned),
        (lambda: pool.mint(LPS[0], timestamp=1), errors.InsufficientLiquidityMinted),
        (lambda: pool.skim(ZERO_ADDRESS), errors.TransferFailed),
        (lambda: pool.transfer(LPS[1], LPS[0], 1), errors.InsufficientBalance),
        (lambda: pool.token0.transfer(LPS[0], LPS[1], FUNDS), errors.ERC20InsufficientBalance),
        (lambda: pool.token0.transfer(LPS[0], ZERO_ADDRESS, 0), errors.ERC20InvalidReceiver),
    ]
    for op, error in cases:
        before = fingerprint(world)
        with pytest.raises(error) as info:
            op()
        assert type(info.value) is error
        assert fingerprint(world) == before

    pool.token0.transfer(TRADERS[0], POOL, 10)
    before = fingerprint(world)
    with pytest.raises(errors.K):
        pool.swap(0, 10, TRADERS[0], timestamp=1)
    assert fingerprint(world) == before

    # Beyond 112 bits, the earlier checks are still decided exactly, then _update reverts Overflow.
    pool.token0.transfer(TRADERS[0], POOL, UINT112_MAX)
    before = fingerprint(world)
    for op, error in [
        (lambda: pool.swap(0, 10, TRADERS[0], timestamp=1), errors.Overflow),  # K holds, then Overflow
        (lambda: pool.sync(timestamp=1), errors.Overflow),
        (lambda: pool.mint(LPS[0], timestamp=1), errors.InsufficientLiquidityMinted),  # nothing of token1 came in
    ]:
        with pytest.raises(error):
            op()
        assert fingerprint(world) == before
    pool.token1.transfer(TRADERS[0], POOL, 10**18)
    with pytest.raises(errors.Overflow):
        pool.mint(LPS[0], timestamp=1)  # it would mint: Overflow
    pool.skim(TRADERS[0])  # skim is the way out
    assert pool.token0.balance_of(POOL) == pool.reserve0

    # With the protocol fee due, a mint or burn that reverts late (Overflow) mints no fee either.
    world.factory.set_fee_to(FEE_TO, sender=OWNER)
    deposit(pool, LPS[0], 10**18, 10**18)
    swap_exact_in(pool, TRADERS[0], True, 10**19)
    pool.token0.transfer(TRADERS[0], POOL, UINT112_MAX)
    pool.token1.transfer(TRADERS[0], POOL, 10**18)
    pool.transfer(LPS[0], POOL, 10**6)
    before = fingerprint(world)
    for op in (lambda: pool.mint(LPS[0], timestamp=1), lambda: pool.burn(LPS[0], timestamp=1)):
        with pytest.raises(errors.Overflow):
            op()
        assert fingerprint(world) == before and pool.balance_of(FEE_TO) == 0

    empty = world.factory.create_pool(pool.token0, pool.token1, 5)
    with pytest.raises(errors.FullMulDivFailed):
        empty.burn(LPS[0], timestamp=1)


# --- flash swaps -------------------------------------------------------------------------------------------------------


@quick
@given(r0=reserves, r1=reserves, fee=fees, share=st.integers(1, 9_999), delta=st.sampled_from([-1, 0, 1, 10**6]))
def test_flash_swap_repays_at_least_the_fee_inclusive_amount(r0, r1, fee, share, delta):
    world, pool = seeded_pool(r0, r1, fee)
    out = pool.reserve0 * share // 10_000
    assume(out > 0)
    minimum = -(-out * 10000 // (10000 - fee))  # same-token repayment: repay*(10000-f) >= out*10000
    repay = minimum + delta
    assume(pool.reserve0 - out + repay <= UINT112_MAX)
    before = fingerprint(world)
    result, error = None, None
    try:
        result = pool.swap(out, 0, BORROWER, timestamp=7, callback=flash_repay(pool, BORROWER, repay, 0))
    except errors.PoolError as exc:
        error = exc
    if delta < 0:
        assert isinstance(error, errors.K)
        assert fingerprint(world) == before  # the optimistic transfer and the repayment were undone
    else:
        assert error is None and result == (repay, 0)
        assert pool.token0.balance_of(BORROWER) == FUNDS + out - repay


def test_flash_swap_rollback_covers_callbacks_and_reentrancy():
    world, pool = new_world()
    deposit(pool, LPS[0], 10**20, 10**20)
    other = world.factory.create_pool(pool.token0, pool.token1, 5)
    deposit(other, LPS[0], 10**20, 10**20)
    before = fingerprint(world)

    def reenter():
        pool.sync(timestamp=9)

    with pytest.raises(errors.Reentrancy):
        pool.swap(10**18, 0, BORROWER, timestamp=9, callback=reenter)
    assert fingerprint(world) == before and not pool._locked

    def arbitrage_then_fail():
        swap_exact_in(other, BORROWER, True, 10**18)  # touches another pool of the factory
        raise errors.K()

    with pytest.raises(errors.K):
        pool.swap(10**18, 0, BORROWER, timestamp=9, callback=arbitrage_then_fail)
    assert fingerprint(world) == before

    broke = addr(0xB0B)
    with pytest.raises(errors.TransferFailed):  # FlashBorrower's SafeTransferLib hides the token's error
        pool.swap(10**18, 0, broke, timestamp=9, callback=flash_repay(pool, broke, 2 * 10**18, 0))
    assert fingerprint(world) == before


# --- factory ------------------------------------------------------------------------------------------------------------


def test_factory_rules():
    factory = Factory(OWNER)
    a, b = Token(TOKEN1), Token(TOKEN0)
    assert sorted(factory.fee_tiers) == list(TIERS)
    with pytest.raises(errors.IdenticalAddresses):
        factory.create_pool(a, Token(TOKEN1), 30)
    with pytest.raises(errors.ZeroAddress):
        factory.create_pool(a, Token(ZERO_ADDRESS), 30)
    with pytest.raises(errors.FeeTierNotEnabled):
        factory.create_pool(a, b, 42)
    pool = factory.create_pool(a, b, 30, POOL)
    assert (pool.token0, pool.token1, pool.fee_bps, pool.address) == (b, a, 30, POOL)
    assert factory.get_pool(a, b, 30) is factory.get_pool(TOKEN0, TOKEN1, 30) is pool
    assert factory.get_pool(a, b, 5) is None and factory.all_pools_length() == 1
    with pytest.raises(errors.PoolExists):
        factory.create_pool(b, a, 30)
    with pytest.raises(errors.Unauthorized):
        factory.enable_fee_tier(42, sender=LPS[0])
    for bad in (0, 10000, 10001):
        with pytest.raises(errors.InvalidFee):
            factory.enable_fee_tier(bad, sender=OWNER)
    with pytest.raises(errors.FeeTierAlreadyEnabled):
        factory.enable_fee_tier(30, sender=OWNER)
    factory.enable_fee_tier(42, sender=OWNER)
    assert factory.fee_tier_enabled(42)
    by_address = factory.create_pool(TOKEN0, TOKEN1, 42, tokens={TOKEN0: b, TOKEN1: a})
    assert by_address.token0 is b and factory.all_pools == [pool, by_address]
    with pytest.raises(errors.Unauthorized):
        factory.set_fee_to(FEE_TO, sender=LPS[0])
    factory.set_fee_to(FEE_TO, sender=OWNER)
    assert factory.fee_to == FEE_TO


# --- snapshots ------------------------------------------------------------------------------------------------------------


def test_snapshot_restore_in_place_and_independent_copies():
    world, pool = new_world(30, fee_on=True)
    deposit(pool, LPS[0], 10**20, 3 * 10**20)
    snap, before = world.snapshot(), fingerprint(world)
    clone = world.copy()
    as_dict = copy.deepcopy({"factory": world.factory, "tokens": world.tokens, "pools": {POOL: pool}})

    swap_exact_in(pool, TRADERS[0], True, 10**19)
    created = world.factory.create_pool(pool.token0, pool.token1, 5)
    world.add_token(Token(addr(0xD000)))
    world.factory.set_fee_to(ZERO_ADDRESS, sender=OWNER)
    assert fingerprint(world) != before

    world.restore(snap)
    assert fingerprint(world) == before
    assert world.pool(TOKEN0, TOKEN1, 30) is pool and created not in world.pools and addr(0xD000) not in world.tokens
    assert fingerprint(clone) == before  # the copy did not move
    world.restore(snap)  # a snapshot can be restored again
    assert fingerprint(world) == before

    # Copies keep sharing inside themselves and share nothing with the original.
    cpool = clone.pool(TOKEN0, TOKEN1, 30)
    assert cpool is not pool and cpool.token0 is clone.tokens[TOKEN0] and cpool.factory is clone.factory
    dpool = as_dict["pools"][POOL]
    assert dpool.token0 is as_dict["tokens"][TOKEN0] and dpool.factory is as_dict["factory"]
    assert as_dict["factory"].all_pools[0] is dpool
    swap_exact_in(cpool, TRADERS[0], False, 10**19)
    assert fingerprint(world) == before


# --- stateful: everything at once, with atomicity and snapshot/restore checked on every step -------------------------


class PoolModelMachine(RuleBasedStateMachine):
    """LPs, traders, donors, a flash borrower and the owner's fee switch on one pool; time passes.

    Every rule that reverts must leave the world unchanged; every accepted swap keeps k; the rules that
    call _update are checked against the oracle formula; snapshots restore exactly.
    """

    def __init__(self):
        super().__init__()
        self.world, self.pool, self.now = None, None, 0
        self.snapshots = []

    @initialize(fee=fees, near_wrap=st.booleans(), fee_on=st.booleans())
    def setup(self, fee, near_wrap, fee_on):
        self.world, self.pool = new_world(fee, fee_on)
        self.now = 2**32 - 300 if near_wrap else 1_700_000_000

    # helpers
    def attempt(self, op, oracle=False):
        """Run op; a revert must change nothing.  Returns (result, error).  Outcomes show in --hypothesis-show-statistics."""
        label = sys._getframe(1).f_code.co_name
        pool = self.pool
        before = fingerprint(self.world)
        res0, res1, last, p0, p1 = (pool.reserve0, pool.reserve1, pool.block_timestamp_last,
                                    pool.price0_cumulative_last, pool.price1_cumulative_last)
        try:
            result = op()
        except errors.PoolError as exc:
            assert fingerprint(self.world) == before, f"{type(exc).__name__} changed the world"
            event(f"{label}: {type(exc).__name__}")
            return None, exc
        event(f"{label}: ok")
        if oracle:
            elapsed = (self.now % 2**32 - last) % 2**32
            if elapsed and res0 and res1:
                p0 = (p0 + (res1 * Q112 // res0) * elapsed) % 2**256
                p1 = (p1 + (res0 * Q112 // res1) * elapsed) % 2**256
            assert (pool.block_timestamp_last, pool.price0_cumulative_last, pool.price1_cumulative_last) == (
                self.now % 2**32, p0, p1)
            assert (pool.reserve0, pool.reserve1) == (pool.token0.balance_of(POOL), pool.token1.balance_of(POOL))
        return result, None

    def excess(self):
        return (self.pool.token0.balance_of(POOL) - self.pool.reserve0, self.pool.token1.balance_of(POOL) - self.pool.reserve1)

    def send(self, zero, who, amount):
        token = self.pool.token0 if zero else self.pool.token1
        amount = min(amount, token.balance_of(who))
        token.transfer(who, POOL, amount)
        return amount

    def check_k_last(self):
        if self.world.factory.fee_to is None:
            assert self.pool.k_last == 0
        else:
            assert self.pool.k_last == self.pool.reserve0 * self.pool.reserve1

    # liquidity
    @rule(lp=st.integers(0, 2), amount0=amounts, amount1=amounts)
    def add_liquidity(self, lp, amount0, amount1):
        self.send(True, LPS[lp], amount0)
        self.send(False, LPS[lp], amount1)
        supply_before = self.pool.total_supply
        liquidity, error = self.attempt(lambda: self.pool.mint(LPS[lp], timestamp=self.now), oracle=True)
        if error is None:
            assert liquidity > 0 and self.pool.total_supply >= supply_before + liquidity
            self.check_k_last()

    @rule(lp=st.integers(0, 2), share=st.integers(0, 10_000))
    def remove_liquidity(self, lp, share):
        liquidity = self.pool.balance_of(LPS[lp]) * share // 10_000
        self.pool.transfer(LPS[lp], POOL, liquidity)
        _, error = self.attempt(lambda: self.pool.burn(LPS[lp], timestamp=self.now), oracle=True)
        if error is None:
            assert self.pool.balance_of(POOL) == 0 or self.world.factory.fee_to == POOL
            self.check_k_last()

    @rule(frm=st.integers(0, 4), to=st.sampled_from(ACTORS + [ZERO_ADDRESS, POOL]), share=st.integers(0, 10_000))
    def transfer_lp(self, frm, to, share):
        amount = self.pool.balance_of(ACTORS[frm]) * share // 10_000
        self.attempt(lambda: self.pool.transfer(ACTORS[frm], to, amount))

    # swaps
    @precondition(lambda self: self.pool is not None and self.pool.reserve0 > 0 and self.pool.reserve1 > 0)
    @rule(trader=st.integers(0, 1), zero_for_one=st.booleans(), amount=amounts, over=st.sampled_from([0, 1]))
    def swap_exact_in(self, trader, zero_for_one, amount, over):
        pool = self.pool
        self.send(zero_for_one, TRADERS[trader], amount)
        excess0, excess1 = self.excess()
        paid, other = (excess0, excess1) if zero_for_one else (excess1, excess0)
        r_in, r_out = (pool.reserve0, pool.reserve1) if zero_for_one else (pool.reserve1, pool.reserve0)
        out = get_amount_out(paid, r_in, r_out, pool.fee_bps) if paid else 0
        k_before = pool.reserve0 * pool.reserve1
        outs = (0, out + over) if zero_for_one else (out + over, 0)
        _, error = self.attempt(lambda: pool.swap(*outs, TRADERS[trader], timestamp=self.now), oracle=True)
        if error is None:
            assert pool.reserve0 * pool.reserve1 >= k_before
            assert not (over and other == 0 and out > 0), "one wei above the quote was accepted"
        elif not over and out > 0 and max(pool.token0.balance_of(POOL), pool.token1.balance_of(POOL)) <= UINT112_MAX:
            raise AssertionError(f"the quote was refused: {type(error).__name__}")

    @precondition(lambda self: self.pool is not None and self.pool.reserve0 > 1 and self.pool.reserve1 > 1)
    @rule(trader=st.integers(0, 1), zero_for_one=st.booleans(), share=st.integers(1, 9_999), under=st.sampled_from([0, 1]))
    def swap_exact_out(self, trader, zero_for_one, share, under):
        pool = self.pool
        r_in, r_out = (pool.reserve0, pool.reserve1) if zero_for_one else (pool.reserve1, pool.reserve0)
        out = max(1, r_out * share // 10_000)
        need = get_amount_in(out, r_in, r_out, pool.fee_bps)
        exact_minimum = (r_in * out * 10000) % ((r_out - out) * (10000 - pool.fee_bps)) != 0
        if self.excess() != (0, 0) or need - under > FUNDS // 4:
            return
        if self.send(zero_for_one, TRADERS[trader], need - under) != need - under:
            return
        k_before = pool.reserve0 * pool.reserve1
        outs = (0, out) if zero_for_one else (out, 0)
        _, error = self.attempt(lambda: pool.swap(*outs, TRADERS[trader], timestamp=self.now), oracle=True)
        if under and exact_minimum and need > 1:
            assert error is not None, "one wei under the minimal input was accepted"
        if not under and r_in + need <= UINT112_MAX:
            assert error is None, f"the exact-out quote was refused: {error!r}"
        if error is None:
            assert pool.reserve0 * pool.reserve1 >= k_before

    @precondition(lambda self: self.pool is not None and self.pool.reserve0 > 0 and self.pool.reserve1 > 0)
    @rule(out0=st.integers(0, 2**112), out1=st.integers(0, 2**112), to=st.sampled_from(TRADERS + [POOL, TOKEN0, ZERO_ADDRESS]))
    def swap_arbitrary(self, out0, out1, to):
        k_before = self.pool.reserve0 * self.pool.reserve1
        _, error = self.attempt(lambda: self.pool.swap(out0, out1, to, timestamp=self.now), oracle=True)
        if error is None:
            assert self.pool.reserve0 * self.pool.reserve1 >= k_before

    @precondition(lambda self: self.pool is not None and self.pool.reserve0 > 0 and self.pool.reserve1 > 0)
    @rule(zero_for_one=st.booleans(), share=st.integers(1, 9_999), delta=st.sampled_from([-1, 0, 1, 10**6]), reenter=st.booleans())
    def flash_swap(self, zero_for_one, share, delta, reenter):
        pool = self.pool
        r_out = pool.reserve1 if zero_for_one else pool.reserve0
        out = r_out * share // 10_000
        repay = max(0, -(-out * 10000 // (10000 - pool.fee_bps)) + delta)
        repays = (0, repay) if zero_for_one else (repay, 0)
        repaying = flash_repay(pool, BORROWER, *repays)

        def callback():
            repaying()
            if reenter:
                pool.sync(timestamp=self.now)

        outs = (0, out) if zero_for_one else (out, 0)
        k_before = pool.reserve0 * pool.reserve1
        _, error = self.attempt(lambda: pool.swap(*outs, BORROWER, timestamp=self.now, callback=callback), oracle=True)
        if reenter and out > 0:
            assert isinstance(error, errors.Reentrancy)
        if error is None:
            assert pool.reserve0 * pool.reserve1 >= k_before
        assert not pool._locked

    # donations, skim, sync
    @rule(actor=st.integers(0, 4), zero=st.booleans(), amount=amounts)
    def donate(self, actor, zero, amount):
        self.send(zero, ACTORS[actor], amount)

    @rule(zero=st.booleans(), roll=st.integers(0, 3))
    def donate_past_uint112(self, zero, roll):
        """Now and then (1 in 4), push a balance beyond uint112: reverts Overflow until someone skims."""
        if roll == 0:
            self.send(zero, TRADERS[1], UINT112_MAX)

    @rule(to=st.sampled_from(ACTORS + [ZERO_ADDRESS, POOL]))
    def skim(self, to):
        self.attempt(lambda: self.pool.skim(to))

    @rule()
    def sync(self):
        self.attempt(lambda: self.pool.sync(timestamp=self.now), oracle=True)

    # owner and time
    @rule(on=st.booleans(), sender=st.sampled_from([OWNER, LPS[0]]))
    def set_fee_to(self, on, sender):
        _, error = self.attempt(lambda: self.world.factory.set_fee_to(FEE_TO if on else ZERO_ADDRESS, sender=sender))
        assert (error is None) == (sender == OWNER)

    @rule(seconds=st.one_of(st.just(0), st.integers(1, 120), st.integers(1, 40_000_000)))
    def advance_time(self, seconds):
        self.now += seconds

    # snapshots
    @rule()
    def take_snapshot(self):
        self.snapshots.append((self.world.snapshot(), fingerprint(self.world), self.now))

    @precondition(lambda self: len(self.snapshots) > 0)
    @rule(data=st.data())
    def revert_to_snapshot(self, data):
        index = data.draw(st.integers(0, len(self.snapshots) - 1))
        snap, expected, self.now = self.snapshots[index]
        del self.snapshots[index + 1:]  # like a chain: later snapshots are gone
        self.world.restore(snap)
        assert fingerprint(self.world) == expected

    # invariants
    @invariant()
    def ledgers_are_consistent(self):
        pool = self.pool
        if pool is None:
            return
        assert pool.reserve0 <= pool.token0.balance_of(POOL) and pool.reserve1 <= pool.token1.balance_of(POOL)
        assert 0 <= pool.reserve0 <= UINT112_MAX and 0 <= pool.reserve1 <= UINT112_MAX
        assert pool.total_supply == sum(pool.balances.values())
        assert all(v > 0 for v in pool.balances.values())
        for token in (pool.token0, pool.token1):
            assert token.total_supply == sum(token.balances.values())
        if pool.total_supply:
            assert pool.balance_of(ZERO_ADDRESS) >= MINIMUM_LIQUIDITY
            assert pool.reserve0 > 0 and pool.reserve1 > 0
        assert pool.k_last <= pool.reserve0 * pool.reserve1
        assert 0 <= pool.block_timestamp_last < 2**32
        assert not pool._locked


PoolModelMachine.TestCase.settings = settings(deadline=None, stateful_step_count=40)
test_pool_model_machine = PoolModelMachine.TestCase
