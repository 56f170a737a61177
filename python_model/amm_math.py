"""Pure integer formulas of the pool, the fee switch and the V2-style library.

Integers only.  ``//`` is floor division and every argument is a non-negative int, so floor is
rounding toward zero, exactly like Solidity's ``/`` on uint256.  Each docstring says which way the
result rounds and who the rounding favours.  The fee is in basis points: ``fee_bps / 10000``.
"""

from math import isqrt

from .errors import (
    InsufficientAmount,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientOutputAmount,
)

__all__ = [
    "FEE_DENOMINATOR",
    "MINIMUM_LIQUIDITY",
    "UINT32_MODULUS",
    "UINT112_MAX",
    "UINT256_MAX",
    "UINT256_MODULUS",
    "burn_amount",
    "get_amount_in",
    "get_amount_out",
    "initial_liquidity",
    "isqrt",
    "k_holds",
    "price_cumulative_increment",
    "proportional_liquidity",
    "protocol_fee_liquidity",
    "quote",
]

FEE_DENOMINATOR = 10_000          # fee_bps is out of this; the K check runs at this scale too
MINIMUM_LIQUIDITY = 1000          # LP locked at address(0) by the first mint
UINT112_MAX = (1 << 112) - 1      # reserves are uint112
UINT256_MAX = (1 << 256) - 1
UINT256_MODULUS = 1 << 256        # price accumulators wrap (unchecked)
UINT32_MODULUS = 1 << 32          # block timestamps are uint32 and wrap


def get_amount_out(amount_in, reserve_in, reserve_out, fee_bps):
    """Most output a pool pays for ``amount_in`` (V2's getAmountOut at the fee's own scale).

    out = floor(in*(10000-f)*rOut / (rIn*10000 + in*(10000-f))).
    Rounds DOWN (favours the pool): out passes the pool's K check, out + 1 does not.
    At f = 30 it equals V2's 997/1000 formula for every input.
    Precondition: 0 <= fee_bps < 10000 (the factory only enables such tiers).
    Raises InsufficientInputAmount (amount_in == 0) or InsufficientLiquidity (a reserve is 0).
    """
    # Hot path (>= 1e6 calls/s): literals instead of module globals, no helper calls.
    if amount_in <= 0:
        raise InsufficientInputAmount()
    if reserve_in <= 0 or reserve_out <= 0:
        raise InsufficientLiquidity()
    amount_in_with_fee = amount_in * (10000 - fee_bps)
    return amount_in_with_fee * reserve_out // (reserve_in * 10000 + amount_in_with_fee)


def get_amount_in(amount_out, reserve_in, reserve_out, fee_bps):
    """Input a trader pays to receive ``amount_out`` (V2's getAmountIn at the fee's own scale).

    in = floor(rIn*out*10000 / ((rOut-out)*(10000-f))) + 1.
    Rounds UP (favours the pool), like V2: the result is the exact minimum ceil(N/D) when D does not
    divide N, and one more than it when it does (V2's "+1" is not a true ceiling).  Either way
    get_amount_out(result) >= amount_out.
    Precondition: 0 <= fee_bps < 10000.
    Raises InsufficientOutputAmount (amount_out == 0) or InsufficientLiquidity (a reserve is 0, or
    amount_out >= reserve_out).
    """
    if amount_out <= 0:
        raise InsufficientOutputAmount()
    if reserve_in <= 0 or reserve_out <= amount_out:
        raise InsufficientLiquidity()
    return reserve_in * amount_out * 10000 // ((reserve_out - amount_out) * (10000 - fee_bps)) + 1


def quote(amount_a, reserve_a, reserve_b):
    """Amount of B worth ``amount_a`` of A at the reserve ratio (V2's quote; for the router).

    b = floor(amount_a * reserve_b / reserve_a).  Rounds DOWN.
    Raises InsufficientAmount (amount_a == 0) or InsufficientLiquidity (a reserve is 0).
    """
    if amount_a <= 0:
        raise InsufficientAmount()
    if reserve_a <= 0 or reserve_b <= 0:
        raise InsufficientLiquidity()
    return amount_a * reserve_b // reserve_a


def initial_liquidity(amount0, amount1):
    """LP minted to the first depositor: isqrt(amount0*amount1) - MINIMUM_LIQUIDITY.

    isqrt rounds DOWN (favours the pool; the 1000 locked LP are on top).  The result may be
    negative or zero: the caller reverts InsufficientLiquidityMinted then.
    """
    return isqrt(amount0 * amount1) - MINIMUM_LIQUIDITY


def proportional_liquidity(amount0, amount1, reserve0, reserve1, total_supply):
    """LP minted for a later deposit: min(amount0*S/r0, amount1*S/r1).

    Each quotient rounds DOWN and the smaller is taken: both round against the depositor, so the
    LP share price (reserve per LP) never decreases on mint.
    """
    liquidity0 = amount0 * total_supply // reserve0
    liquidity1 = amount1 * total_supply // reserve1
    return liquidity0 if liquidity0 < liquidity1 else liquidity1


def burn_amount(liquidity, balance, total_supply):
    """Tokens paid out for burning ``liquidity`` LP: liquidity*balance/S.

    Uses the pool's BALANCE (not reserve), so donations go pro rata to burners.
    Rounds DOWN (against the burner): the LP share price never decreases on burn.
    """
    return liquidity * balance // total_supply


def protocol_fee_liquidity(total_supply, reserve0, reserve1, k_last):
    """LP minted to feeTo by _mint_fee: the protocol's 1/6 of the growth of sqrt(k) since k_last.

    rootK = isqrt(r0*r1), rootKLast = isqrt(kLast) (both round DOWN);
    liquidity = S*(rootK - rootKLast) / (5*rootK + rootKLast), rounds DOWN (against feeTo),
    so feeTo's share of the pool after the mint, L/(S+L), never exceeds (rootK-rootKLast)/(6*rootK).
    Returns 0 when k_last == 0 or sqrt(k) did not grow.
    """
    if k_last == 0:
        return 0
    root_k = isqrt(reserve0 * reserve1)
    root_k_last = isqrt(k_last)
    if root_k <= root_k_last:
        return 0
    return total_supply * (root_k - root_k_last) // (root_k * 5 + root_k_last)


def k_holds(balance0, balance1, amount0_in, amount1_in, reserve0, reserve1, fee_bps):
    """The swap's K check at the fee's own scale (exact; no rounding anywhere).

    (b0*10000 - in0*f) * (b1*10000 - in1*f) >= r0*r1*10000**2.
    The fee is charged on the input only; scaling by 10000 (not 1000) keeps every tier exact.
    """
    balance0_adjusted = balance0 * 10000 - amount0_in * fee_bps
    balance1_adjusted = balance1 * 10000 - amount1_in * fee_bps
    return balance0_adjusted * balance1_adjusted >= reserve0 * reserve1 * 100_000_000


def price_cumulative_increment(reserve_base, reserve_quote, elapsed):
    """Increment of a price accumulator: (reserve_quote << 112) // reserve_base * elapsed.

    The UQ112x112 quotient rounds DOWN and is taken BEFORE the multiplication by elapsed (as V2's
    uqdiv).  The caller adds it modulo 2**256 (the accumulators wrap).
    """
    return (reserve_quote << 112) // reserve_base * elapsed
