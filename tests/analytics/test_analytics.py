"""python_model.analytics without a chain: closed-form impermanent loss, square roots, the value split of
a position in a model pool, fees on a round trip, and the yield formulas.  Exact comparisons (==) unless
a square root of a non-square is involved; then the documented bounds are what is checked."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from python_model import Factory, Token, errors, get_amount_out
from python_model import analytics as A

OWNER, POOL, FEE_TO = "0x" + "0e" * 20, "0x" + "ca" * 20, "0x" + "fe" * 20
LPS, TRADER = ["0x" + "11" * 20, "0x" + "12" * 20], "0x" + "21" * 20
TOKEN_A, TOKEN_B = "0x" + "a0" * 20, "0x" + "b0" * 20
FUNDS = 10**40
EPS = F(1, 2**128)

positive = st.fractions(min_value=F(1, 10**12), max_value=10**12)


# --- closed form ------------------------------------------------------------------------------------

def test_closed_form_impermanent_loss():
    assert A.impermanent_loss(1) == 0
    assert A.impermanent_loss(4) == F(-1, 5)  # -20 %
    assert A.impermanent_loss(F(1, 4)) == F(-1, 5)
    assert A.impermanent_loss(F(9, 4)) == F(-1, 13)  # sqrt(9/4) = 3/2 is rational: exact
    il2 = A.impermanent_loss(2)
    assert f"{float(il2) * 100:.3f}" == "-5.719"
    lo, hi = A.impermanent_loss_bounds(2)
    assert lo == il2 < hi and hi - lo <= EPS
    assert (lo + 1) ** 2 < F(8, 9) < (hi + 1) ** 2  # 1 + IL(2) = 2*sqrt(2)/3, whose square is 8/9


@given(positive)
def test_impermanent_loss_bounds_and_symmetry(r):
    lo, hi = A.impermanent_loss_bounds(r)
    assert lo == A.impermanent_loss(r) <= hi <= 0
    assert hi - lo <= EPS
    # 1 + IL(r) = 2*sqrt(r)/(1+r): its square 4r/(1+r)**2 is rational and lies between the bounds'
    assert (lo + 1) ** 2 <= 4 * r / (1 + r) ** 2 <= (hi + 1) ** 2
    back_lo, back_hi = A.impermanent_loss_bounds(1 / r)
    assert back_lo <= hi and lo <= back_hi  # IL(r) == IL(1/r)


@given(st.fractions(min_value=0, max_value=10**30), st.integers(8, 160))
def test_sqrt_floor_and_ceil_bracket_the_root(q, bits):
    low, high = A.sqrt_floor(q, bits), A.sqrt_ceil(q, bits)
    assert low**2 <= q <= high**2
    if A.exact_sqrt(q) is not None:
        assert low == high == A.exact_sqrt(q)
    else:
        assert low**2 < q < high**2
        assert high - low <= low * F(1, 2**bits)


@given(st.fractions(min_value=0, max_value=10**20))
def test_squares_are_exact(root):
    assert A.exact_sqrt(root * root) == root
    assert A.sqrt_floor(root * root) == root == A.sqrt_ceil(root * root)


def test_bad_arguments():
    for call in (lambda: A.impermanent_loss(0), lambda: A.sqrt_floor(-1), lambda: A.annualise(1, 0),
                 lambda: A.apr_to_apy(F(1, 10), 0), lambda: A.reward_apr(1, 1, 0), lambda: A.pool_price(0, 1)):
        with pytest.raises(ValueError):
            call()


# --- yields -----------------------------------------------------------------------------------------

def test_yields():
    year = A.SECONDS_PER_YEAR
    assert A.annualise(F(1, 100), 86400) == F(365, 100)
    assert A.fee_apr(5, 1000, year // 2) == F(1, 100)
    assert A.apr_to_apy(F(1, 10), 1) == F(1, 10)
    assert A.apr_to_apy(F(12, 100), 12) == F(101, 100) ** 12 - 1
    assert f"{float(A.apr_to_apy(F(1, 10), 365)):.8f}" == "0.10515578"
    assert A.fee_apy(5, 1000, year // 2) == A.apr_to_apy(F(1, 100), 365)
    # 1 reward token a second, worth 2 token1 each, on 2 * (one year of rewards) staked: 50 %
    assert A.reward_apr(10**18, 2, 2 * 2 * year * 10**18) == F(1, 2)


# --- positions in a model pool ----------------------------------------------------------------------

def model_pool(fee: int):
    factory = Factory(OWNER)
    a, b = Token(TOKEN_A), Token(TOKEN_B)
    pool = factory.create_pool(a, b, fee, address=POOL)
    for token in (a, b):
        for who in LPS + [TRADER]:
            token.mint(who, FUNDS)
    return factory, pool


def deposit(pool, who, amount0, amount1, t):
    pool.token0.transfer(who, pool.address, amount0)
    pool.token1.transfer(who, pool.address, amount1)
    liquidity = pool.mint(who, timestamp=t)
    return A.lot_at(liquidity, pool.reserve0, pool.reserve1, pool.total_supply, t, (amount0, amount1)), liquidity


def swap_in(pool, zero_for_one, amount, t):
    token_in = pool.token0 if zero_for_one else pool.token1
    r_in, r_out = (pool.reserve0, pool.reserve1) if zero_for_one else (pool.reserve1, pool.reserve0)
    out = get_amount_out(amount, r_in, r_out, pool.fee_bps)
    if out == 0:
        return
    token_in.transfer(TRADER, pool.address, amount)
    pool.swap(*((0, out) if zero_for_one else (out, 0)), TRADER, timestamp=t)


@pytest.mark.parametrize("fee", [1, 5, 30, 100])
def test_round_trip_fees_are_the_models_fee_accrual(fee):
    """Reserves (x, y) = ((10000-f)t, 2(10000-f)s); swap 10000t of token0 in (out: exactly y/2), then 10000s
    of token1 in (out: exactly half the token0): the price is back where it was.  A fee-free pool would be
    back at (x, y) too, so the growth of the reserves is the fee accrual; the LP's share of it is what the
    analytics call fees earned -- exactly, with no impermanent loss."""
    _, pool = model_pool(fee)
    t, s = 2 * 10**12, 3 * 10**15
    x, y = (10000 - fee) * t, 2 * (10000 - fee) * s
    deposit(pool, LPS[0], x // 2, y // 2, 1)
    lot, liquidity = deposit(pool, LPS[1], x // 2, y // 2, 2)
    start = (pool.reserve0, pool.reserve1)
    swap_in(pool, True, 10000 * t, 3)
    swap_in(pool, False, 10000 * s, 4)
    assert A.pool_price(pool.reserve0, pool.reserve1) == A.pool_price(*start)
    accrual = (pool.reserve0 - start[0], pool.reserve1 - start[1])
    assert accrual == (fee * t // 2, fee * s)
    split = A.attribute(liquidity, pool.reserve0, pool.reserve1, pool.total_supply, [lot])
    share = F(liquidity, pool.total_supply)
    price = A.pool_price(pool.reserve0, pool.reserve1)
    assert A.fee_amounts(split.fees, price) == (share * accrual[0], share * accrual[1])
    assert split.il == 0 == split.il_ratio == A.impermanent_loss(1)
    assert split.value == split.hodl + split.fees
    assert A.invariant_growth((*start, pool.total_supply), (pool.reserve0, pool.reserve1, pool.total_supply)) == F(
        pool.reserve0, start[0]) - 1


swaps = st.lists(st.tuples(st.booleans(), st.integers(10**6, 10**24)), min_size=1, max_size=6)


@given(st.sampled_from([1, 5, 30, 100]), st.integers(10**9, 10**27), st.integers(10**9, 10**27), swaps,
       st.booleans())
def test_value_splits_into_hodl_fees_and_il(fee, amount0, amount1, trades, fee_on):
    """value == hodl + fees + il exactly; fees >= 0; a single lot's IL is the closed form's; a burn pays the
    pro-rata value rounded down."""
    factory, pool = model_pool(fee)
    if fee_on:
        factory.set_fee_to(FEE_TO, sender=OWNER)
    deposit(pool, LPS[0], amount0, amount1, 1)
    lot, liquidity = deposit(pool, LPS[1], amount0 // 3 + 1, amount1 // 3 + 1, 2)
    for i, (zero_for_one, amount) in enumerate(trades):
        swap_in(pool, zero_for_one, amount, 3 + i)
    r0, r1 = pool.reserve0, pool.reserve1
    supply = A.effective_supply(pool.total_supply, r0, r1, pool.k_last, fee_on)
    price = A.pool_price(r0, r1)
    split = A.attribute(liquidity, r0, r1, supply, [lot])
    assert split.value == split.hodl + split.fees + split.il
    assert split.fees >= 0
    assert split.value == A.position_value(liquidity, r0, r1, supply)
    assert split.value == A.value_at_price(liquidity, r0, r1, supply, price)
    # Booked at what it stood for (an LP transfer), the lot's IL is the closed form at r = P / P_entry.
    pro_rata = A.lot_at(liquidity, lot.reserve0, lot.reserve1, lot.supply)
    realised = A.realised_impermanent_loss([pro_rata], price)
    lo, hi = A.impermanent_loss_bounds(price / A.entry_price([pro_rata]))
    assert lo - EPS <= realised <= hi
    # The Mint's own basis paid at least the pro-rata amounts: its IL is never smaller.
    assert A.realised_impermanent_loss([lot], price) <= realised
    # A burn pays the pro-rata holdings at the effective supply, each rounded down.
    expected = A.burn_amounts(liquidity, r0, r1, pool.total_supply, r0, r1, pool.k_last, fee_on)
    pool.transfer(LPS[1], pool.address, liquidity)
    if 0 in expected:  # a burn that would pay nothing of a token reverts
        with pytest.raises(errors.InsufficientLiquidityBurned):
            pool.burn(LPS[1], timestamp=100)
        return
    assert pool.burn(LPS[1], timestamp=100) == expected
    exact = A.pro_rata_amounts(liquidity, r0, r1, supply)
    assert all(0 <= e - paid < 1 for e, paid in zip(exact, expected))


def test_lots_scale_on_removal():
    lots = [A.lot_at(100, 10**6, 4 * 10**6, 2 * 10**6, 1, (50, 200)), A.lot_at(300, 10**6, 10**6, 10**6, 2, (300, 300))]
    kept = A.scale_lots(lots, 100, 400)
    assert [lot.liquidity for lot in kept] == [25, 75]
    assert A.basis(kept) == (F(350, 4), F(500, 4))
    assert A.entry_price(kept) == F(500, 350)
    # no_fee of each lot at its own entry price is its pro-rata value there: exact
    assert A.no_fee_value(lots[:1], 4) == A.position_value(100, 10**6, 4 * 10**6, 2 * 10**6) == 400
