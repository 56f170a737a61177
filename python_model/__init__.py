"""tidepool reference model: the exact integer behaviour of the contracts, in plain Python.

No chain imports, no floats.  Names follow the contracts (mint, burn, swap, skim, sync, _update,
_mint_fee).  Quick tour::

    from python_model import Factory, Token, World, get_amount_out, flash_repay

    factory = Factory(owner="0xOwner...")
    a, b = Token("0x00..0a"), Token("0x00..0b")
    world = World(factory, [a, b])
    pool = factory.create_pool(a, b, 30, address="0x...pool")
    a.mint(lp, 10**18); a.transfer(lp, pool.address, 10**18)  # likewise b
    pool.mint(lp, timestamp=t)
    snap = world.snapshot(); ...; world.restore(snap)
"""

from . import errors, farm_errors, router, router_errors
from .amm_math import (
    FEE_DENOMINATOR,
    MINIMUM_LIQUIDITY,
    UINT112_MAX,
    UINT256_MAX,
    get_amount_in,
    get_amount_out,
    isqrt,
    quote,
)
from .errors import ModelError, PoolError
from .factory import DEFAULT_FEE_TIERS, Factory, sort_tokens
from .farm import ACC_PRECISION, MAX_DURATION, MAX_FUNDED, Farm, FeeOnTransferToken, PoolInfo, UserInfo
from .pool import Pool, flash_repay
from .token import ZERO_ADDRESS, Token
from .world import World

__all__ = [
    "ACC_PRECISION",
    "MAX_DURATION",
    "MAX_FUNDED",
    "Farm",
    "FeeOnTransferToken",
    "PoolInfo",
    "UserInfo",
    "farm_errors",
    "router",
    "router_errors",
    "DEFAULT_FEE_TIERS",
    "FEE_DENOMINATOR",
    "MINIMUM_LIQUIDITY",
    "UINT112_MAX",
    "UINT256_MAX",
    "ZERO_ADDRESS",
    "Factory",
    "ModelError",
    "Pool",
    "PoolError",
    "Token",
    "World",
    "errors",
    "flash_repay",
    "get_amount_in",
    "get_amount_out",
    "isqrt",
    "quote",
    "sort_tokens",
]
