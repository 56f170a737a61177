"""LP analytics: what a liquidity provider earned in fees, lost to price movement against simply
holding, and would earn per year -- as small pure functions over pool numbers.

Exactness
---------
Inputs are ints and :class:`fractions.Fraction` (floats are for display only and are never produced
here).  Every function that needs no square root is exact.  Square roots go through :func:`sqrt_floor`:

* exact whenever the argument is the square of a rational (so IL at r = 4 is exactly -1/5);
* otherwise rounded DOWN to a Fraction with relative error below ``2**-bits`` (``SQRT_BITS`` = 128 by
  default), i.e. ``sqrt(q) * (1 - 2**-bits) < sqrt_floor(q) <= sqrt(q)``.

Each docstring says which way its result rounds.

Units
-----
Amounts are raw token units (wei).  A price is token1 per token0 in raw units (a Fraction), and every
value is in raw token1 units at that price: ``value = amount0 * price + amount1``.  The pool's own
(mid) price is ``reserve1 / reserve0``.

The picture
-----------
A constant-product position is ``L`` LP of a pool with reserves ``(x, y)`` and LP supply ``S``.  Its
pro-rata holdings are ``L*x/S`` and ``L*y/S``; at the pool price ``P = y/x`` they are worth
``2*L*y/S = 2 * sqrt(P) * L * g`` with ``g = sqrt(x*y) / S``, the invariant per LP.  A trade without
fees keeps ``x*y`` (so ``g``) fixed and moves ``P``; fees (and donations) make ``g`` grow.  So a
position's value splits exactly into

* ``no_fee``: what its liquidity would be worth had ``g`` stayed where it was when the LP was acquired
  (``2 * sqrt(P) * u`` for the invariant ``u`` it was bought with) -- price movement only;
* ``fees = value - no_fee``: the growth of ``g`` -- fees earned, at today's price;
* ``il = no_fee - hodl``: impermanent loss against holding the tokens paid in (``hodl``).
  For one deposit at price ``P0``, ``no_fee / hodl - 1 = 2*sqrt(r)/(1+r) - 1`` with ``r = P/P0``.

A position is a list of :class:`Lot` (one per acquisition of LP); removing part of a position scales
every lot by the fraction kept (:func:`scale_lots`).
"""

from __future__ import annotations

from fractions import Fraction
from math import isqrt
from typing import NamedTuple

from .amm_math import burn_amount, protocol_fee_liquidity

__all__ = [
    "SECONDS_PER_YEAR",
    "SQRT_BITS",
    "Attribution",
    "Lot",
    "annualise",
    "apr_to_apy",
    "attribute",
    "basis",
    "burn_amounts",
    "effective_supply",
    "entry_price",
    "exact_sqrt",
    "fee_amounts",
    "fee_apr",
    "fee_apy",
    "hodl_value",
    "impermanent_loss",
    "impermanent_loss_bounds",
    "invariant_growth",
    "invariant_per_lp",
    "lot_at",
    "no_fee_value",
    "pool_price",
    "position_value",
    "pro_rata_amounts",
    "realised_impermanent_loss",
    "reward_apr",
    "scale_lots",
    "sqrt_ceil",
    "sqrt_floor",
    "value_at_price",
]

SECONDS_PER_YEAR = 365 * 86400  # APRs are per 365-day year
SQRT_BITS = 128  # default precision of sqrt_floor: relative error below 2**-128


# --- square roots ---------------------------------------------------------------------------------

def _sqrt_parts(q, bits):
    """(isqrt(N), D, exact) with sqrt(q) = sqrt(N) / D and isqrt(N) >= 2**bits unless exact."""
    q = Fraction(q)
    if q < 0:
        raise ValueError(f"square root of a negative number: {q}")
    n, d = q.numerator, q.denominator
    nd = n * d  # sqrt(n/d) = sqrt(n*d) / d
    root = isqrt(nd)
    if root * root == nd:
        return root, d, True
    shift = max(0, bits + 1 - nd.bit_length() // 2)  # makes N = nd * 4**shift >= 4**bits
    return isqrt(nd << 2 * shift), d << shift, False


def exact_sqrt(q) -> Fraction | None:
    """The square root of ``q`` if it is rational (``q`` is the square of a Fraction), else None."""
    root, d, exact = _sqrt_parts(q, 0)
    return Fraction(root, d) if exact else None


def sqrt_floor(q, bits: int = SQRT_BITS) -> Fraction:
    """sqrt(q) rounded DOWN to a Fraction: exact when q is the square of a rational, else
    ``sqrt(q) * (1 - 2**-bits) < result < sqrt(q)`` (isqrt of q scaled by a power of 4)."""
    root, d, _ = _sqrt_parts(q, bits)
    return Fraction(root, d)


def sqrt_ceil(q, bits: int = SQRT_BITS) -> Fraction:
    """sqrt(q) rounded UP: exact when q is the square of a rational, else
    ``sqrt(q) < result <= sqrt(q) * (1 + 2**-bits)``.  ``sqrt_floor <= sqrt <= sqrt_ceil``."""
    root, d, exact = _sqrt_parts(q, bits)
    return Fraction(root if exact else root + 1, d)


# --- prices, holdings, values ---------------------------------------------------------------------

def pool_price(reserve0: int, reserve1: int) -> Fraction:
    """The pool's mid price, token1 per token0 in raw units: reserve1 / reserve0 (exact)."""
    if reserve0 <= 0 or reserve1 <= 0:
        raise ValueError("an empty pool has no price")
    return Fraction(reserve1, reserve0)


def hodl_value(amount0, amount1, price) -> Fraction:
    """Value in token1 of holding ``amount0`` token0 and ``amount1`` token1: amount0*price + amount1 (exact)."""
    return Fraction(amount0) * Fraction(price) + Fraction(amount1)


def pro_rata_amounts(liquidity, reserve0: int, reserve1: int, total_supply: int) -> tuple[Fraction, Fraction]:
    """The tokens ``liquidity`` LP stand for: liquidity * reserve_i / total_supply, exact (not rounded)."""
    share = Fraction(liquidity) / total_supply
    return share * reserve0, share * reserve1


def position_value(liquidity, reserve0: int, reserve1: int, total_supply: int) -> Fraction:
    """Value in token1 of ``liquidity`` LP at the pool's own price: 2 * liquidity * reserve1 / supply (exact).

    The pro-rata holdings valued at reserve1/reserve0; pass ``effective_supply(...)`` as the supply to
    include the protocol fee the next mint or burn will take.
    """
    return 2 * Fraction(liquidity) * reserve1 / total_supply


def value_at_price(liquidity, reserve0: int, reserve1: int, total_supply: int, price,
                   bits: int = SQRT_BITS) -> Fraction:
    """Value in token1 of ``liquidity`` LP once arbitrage (without fees) has moved the pool to ``price``.

    The invariant is kept, so the holdings become (u/sqrt(P), u*sqrt(P)) with u = liquidity *
    sqrt(reserve0*reserve1) / supply, worth 2*u*sqrt(P) = 2 * liquidity * sqrt(reserve0*reserve1*P) /
    supply.  Rounds DOWN (one sqrt_floor); exact when reserve0*reserve1*price is a rational square --
    always at the pool's own price, where it equals :func:`position_value`.
    """
    return 2 * Fraction(liquidity) * sqrt_floor(Fraction(reserve0 * reserve1) * Fraction(price), bits) / total_supply


def effective_supply(total_supply: int, reserve0: int, reserve1: int, k_last: int, fee_on: bool) -> int:
    """LP supply once the pending protocol fee is minted (what the next mint or burn divides by).

    total_supply + protocol_fee_liquidity(...) while the fee is on (amm_math: rounds DOWN, against
    feeTo), else total_supply.  Exact integers, as the contract.
    """
    if not fee_on:
        return total_supply
    return total_supply + protocol_fee_liquidity(total_supply, reserve0, reserve1, k_last)


def burn_amounts(
    liquidity: int,
    balance0: int,
    balance1: int,
    total_supply: int,
    reserve0: int,
    reserve1: int,
    k_last: int = 0,
    fee_on: bool = False,
) -> tuple[int, int]:
    """What burning ``liquidity`` LP pays now -- the realised value of a position, wei for wei.

    amount_i = floor(liquidity * balance_i / effective_supply): on BALANCES (donations included), after
    the pending protocol fee; rounds DOWN (against the burner), exactly as Pool.burn.
    """
    supply = effective_supply(total_supply, reserve0, reserve1, k_last, fee_on)
    return burn_amount(liquidity, balance0, supply), burn_amount(liquidity, balance1, supply)


# --- impermanent loss, closed form ----------------------------------------------------------------

def impermanent_loss(r, bits: int = SQRT_BITS) -> Fraction:
    """Impermanent loss at price ratio r = P_now / P_entry: 2*sqrt(r)/(1+r) - 1 (<= 0).

    The value of an unchanged constant-product position relative to holding its entry tokens, minus 1,
    fees ignored.  Exact when r is the square of a rational (r=1 -> 0, r=4 -> -1/5); otherwise rounded
    DOWN (slightly more loss) by less than 2**-bits in absolute terms.  The closed form is symmetric:
    IL(r) = IL(1/r).
    """
    r = Fraction(r)
    if r <= 0:
        raise ValueError("a price ratio must be positive")
    return 2 * sqrt_floor(r, bits) / (1 + r) - 1


def impermanent_loss_bounds(r, bits: int = SQRT_BITS) -> tuple[Fraction, Fraction]:
    """(lo, hi) with lo <= 2*sqrt(r)/(1+r) - 1 <= hi; lo == hi exactly when r is a rational square,
    else 0 < hi - lo <= 2**-bits."""
    r = Fraction(r)
    if r <= 0:
        raise ValueError("a price ratio must be positive")
    return 2 * sqrt_floor(r, bits) / (1 + r) - 1, 2 * sqrt_ceil(r, bits) / (1 + r) - 1


# --- a position: lots of LP, each with its entry state --------------------------------------------

class Lot(NamedTuple):
    """LP acquired at one moment.

    ``liquidity``: LP still held from this acquisition (a Fraction once partial removals scaled it);
    ``reserve0, reserve1, supply``: the pool right after the acquisition (its invariant per LP);
    ``amount0, amount1``: the tokens paid for what is still held (the HODL basis, scaled likewise);
    ``timestamp``: when.
    """

    liquidity: Fraction
    reserve0: int
    reserve1: int
    supply: int
    amount0: Fraction
    amount1: Fraction
    timestamp: int = 0


def lot_at(liquidity, reserve0: int, reserve1: int, supply: int, timestamp: int = 0, amounts=None) -> Lot:
    """A Lot of ``liquidity`` LP acquired when the pool stood at (reserve0, reserve1, supply).

    ``amounts`` = the tokens paid (a Mint's amounts); by default the pro-rata holdings (LP received by
    transfer is booked at what it stood for then).  Exact.
    """
    if amounts is None:
        amounts = pro_rata_amounts(liquidity, reserve0, reserve1, supply)
    return Lot(Fraction(liquidity), reserve0, reserve1, supply, Fraction(amounts[0]), Fraction(amounts[1]), timestamp)


def scale_lots(lots, kept, held) -> list[Lot]:
    """The lots after removing part of the position: every lot keeps ``kept / held`` of its liquidity
    and of its basis (exact).  ``held`` is the position's LP before, ``kept`` after."""
    factor = Fraction(kept) / Fraction(held)
    return [lot._replace(liquidity=lot.liquidity * factor, amount0=lot.amount0 * factor, amount1=lot.amount1 * factor)
            for lot in lots]


def basis(lots) -> tuple[Fraction, Fraction]:
    """The tokens paid for what the lots still hold: (sum amount0, sum amount1), exact."""
    return sum((lot.amount0 for lot in lots), Fraction(0)), sum((lot.amount1 for lot in lots), Fraction(0))


def entry_price(lots) -> Fraction:
    """The position's average entry price: basis1 / basis0 (exact).  For one deposit of a Mint at the
    pool price it is that price, up to the deposit's rounding."""
    amount0, amount1 = basis(lots)
    if amount0 <= 0:
        raise ValueError("no token0 in the basis")
    return amount1 / amount0


def no_fee_value(lots, price, bits: int = SQRT_BITS) -> Fraction:
    """Value in token1 at ``price`` of the lots had no fee been earned since each was acquired.

    Sum over lots of 2 * liquidity * sqrt(reserve0*reserve1*price) / supply (the invariant bought,
    2*u*sqrt(P)).  Each term rounds DOWN (sqrt_floor): exact when reserve0*reserve1*price is a rational
    square -- e.g. at the lot's own entry price -- else low by less than 2**-bits of the term.
    """
    price = Fraction(price)
    return sum((value_at_price(lot.liquidity, lot.reserve0, lot.reserve1, lot.supply, price, bits) for lot in lots),
               Fraction(0))


def lots_hodl_value(lots, price) -> Fraction:
    """Value in token1 at ``price`` of holding the lots' basis instead (exact)."""
    return hodl_value(*basis(lots), price)


class Attribution(NamedTuple):
    """A position's value split (all in token1 at the pool price).

    value = hodl + fees + il exactly; ``il_ratio`` = no_fee / hodl - 1 (the IL as the position realised
    it; equals :func:`impermanent_loss` of price / entry price for a single deposit).
    """

    value: Fraction  # pro-rata holdings at the pool price (exact)
    hodl: Fraction  # the basis at the pool price (exact)
    no_fee: Fraction  # price movement only (rounded down)
    fees: Fraction  # value - no_fee (rounded up by what no_fee rounded down)
    il: Fraction  # no_fee - hodl (rounded down)
    il_ratio: Fraction  # no_fee / hodl - 1 (rounded down)


def attribute(liquidity, reserve0: int, reserve1: int, supply: int, lots, bits: int = SQRT_BITS) -> Attribution:
    """Split the value of ``liquidity`` LP (held as ``lots``) into HODL, fees earned and impermanent loss.

    Use ``supply = effective_supply(...)`` to count the pending protocol fee against the fees (as a burn
    would).  value and hodl are exact; no_fee rounds down (sqrt_floor per lot), so fees round up and il
    down by the same amount, below 2**-bits of no_fee.  ``value == hodl + fees + il`` holds exactly.
    """
    price = pool_price(reserve0, reserve1)
    value = position_value(liquidity, reserve0, reserve1, supply)
    hodl = lots_hodl_value(lots, price)
    no_fee = no_fee_value(lots, price, bits)
    il_ratio = no_fee / hodl - 1 if hodl else Fraction(0)
    return Attribution(value, hodl, no_fee, value - no_fee, no_fee - hodl, il_ratio)


def realised_impermanent_loss(lots, price, bits: int = SQRT_BITS) -> Fraction:
    """The IL the lots realise at ``price``: no_fee_value / hodl_value - 1 (rounded down with no_fee)."""
    return no_fee_value(lots, price, bits) / lots_hodl_value(lots, price) - 1


def fee_amounts(fees, price) -> tuple[Fraction, Fraction]:
    """Fees earned (a value in token1 at the pool price ``price``) as the tokens they are held in.

    A constant-product position holds equal value on both sides, so fees = (fees/(2*price), fees/2),
    exact given ``fees`` (rounding as :func:`attribute`'s fees).
    """
    fees, price = Fraction(fees), Fraction(price)
    return fees / (2 * price), fees / 2


def invariant_per_lp(reserve0: int, reserve1: int, total_supply: int, bits: int = SQRT_BITS) -> Fraction:
    """g = sqrt(reserve0*reserve1) / total_supply, the invariant one LP stands for; rounds DOWN.

    Unchanged by fee-free trades, grown by fees and donations; the fee yield per LP over a window is
    g_end / g_start - 1 (:func:`invariant_growth`).
    """
    return sqrt_floor(Fraction(reserve0 * reserve1, total_supply * total_supply), bits)


def invariant_growth(start, end, bits: int = SQRT_BITS) -> Fraction:
    """g_end / g_start - 1 between two pool states ``(reserve0, reserve1, supply)``: the fee return of one
    LP held from ``start`` to ``end``, independent of price.

    sqrt(k_end * S_start**2 / (k_start * S_end**2)) - 1 with one sqrt_floor: rounds DOWN, exact when the
    ratio is a rational square (e.g. a round trip back to the same price).
    """
    (x0, y0, s0), (x1, y1, s1) = start, end
    return sqrt_floor(Fraction(x1 * y1 * s0 * s0, x0 * y0 * s1 * s1), bits) - 1


# --- yields ---------------------------------------------------------------------------------------

def annualise(ret, seconds: int) -> Fraction:
    """A return over ``seconds`` as a simple annual rate: ret * SECONDS_PER_YEAR / seconds (exact)."""
    if seconds <= 0:
        raise ValueError("a window must be at least one second long")
    return Fraction(ret) * SECONDS_PER_YEAR / seconds


def apr_to_apy(apr, periods: int) -> Fraction:
    """APY of ``apr`` compounded ``periods`` times a year: (1 + apr/periods)**periods - 1 (exact)."""
    if periods < 1:
        raise ValueError("at least one compounding period")
    return (1 + Fraction(apr) / periods) ** periods - 1


def fee_apr(fees, liquidity_value, seconds: int) -> Fraction:
    """Fee APR over a window: fees / liquidity_value, annualised (exact).

    ``fees`` and ``liquidity_value`` in one unit (values in token1, or invariant units -- then it is
    :func:`invariant_growth` annualised)."""
    liquidity_value = Fraction(liquidity_value)
    if liquidity_value <= 0:
        raise ValueError("no liquidity to earn fees on")
    return annualise(Fraction(fees) / liquidity_value, seconds)


def fee_apy(fees, liquidity_value, seconds: int, periods: int = 365) -> Fraction:
    """Fee APY: the window's fee APR compounded ``periods`` times a year (daily by default; exact)."""
    return apr_to_apy(fee_apr(fees, liquidity_value, seconds), periods)


def reward_apr(reward_rate: int, reward_price, staked_value) -> Fraction:
    """Farm reward APR: reward_rate * SECONDS_PER_YEAR * reward_price / staked_value (exact).

    ``reward_rate``: reward wei per second paid to the farm pool (Farm.poolRewardRate, itself rounded
    down); ``reward_price``: token1 per reward wei; ``staked_value``: value in token1 of all LP staked in
    that farm pool (e.g. :func:`position_value` of Farm.totalStaked).
    """
    staked_value = Fraction(staked_value)
    if staked_value <= 0:
        raise ValueError("nothing staked: the reward APR is unbounded")
    return Fraction(reward_rate) * SECONDS_PER_YEAR * Fraction(reward_price) / staked_value
