"""Reverts of contracts/Router.sol, one Python exception per Solidity custom error (same names).

The router also raises four errors the pool and its library already have; those are the very classes
of python_model.errors, re-exported here, so ``type(exc).__name__`` matches the decoded revert
whichever contract raised it:

* InsufficientOutputAmount -- the output is below ``amountOutMin`` (also: get_amount_in of 0, a
  pool swap with no output);
* InsufficientInputAmount -- get_amount_out of 0;
* InsufficientLiquidity -- a pool on the path is empty or missing, or an exact output is not below
  its reserve;
* InsufficientAmount -- quote of 0 (an add of zero into a funded pool).

Every class derives from PoolError, so ``except PoolError`` still means "the transaction reverted".
"""

from .errors import (
    InsufficientAmount,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientOutputAmount,
    PoolError,
    TransferFailed,
)

__all__ = [
    "ETHTransferFailed",
    "ExcessiveInputAmount",
    "Expired",
    "InsufficientAAmount",
    "InsufficientAmount",
    "InsufficientBAmount",
    "InsufficientInputAmount",
    "InsufficientLiquidity",
    "InsufficientOutputAmount",
    "InvalidPath",
    "NotWETH",
    "RouterError",
    "TransferFailed",
    "TransferFromFailed",
]


class RouterError(PoolError):
    """Base class of the errors only the router raises."""


class Expired(RouterError):
    """``block.timestamp > deadline`` (a deadline equal to the block time is still good)."""


class InvalidPath(RouterError):
    """Fewer than two tokens; ``fees`` given but not one per hop; an ETH swap whose path does not
    start (ETH in) or end (ETH out) with WETH."""


class ExcessiveInputAmount(RouterError):
    """Exact output: the input getAmountsIn needs is above ``amountInMax`` (or above ``msg.value``)."""


class InsufficientAAmount(RouterError):
    """addLiquidity would take, or removeLiquidity would return, less than ``amountAMin`` of token A."""


class InsufficientBAmount(RouterError):
    """addLiquidity would take, or removeLiquidity would return, less than ``amountBMin`` of token B."""


class NotWETH(RouterError):
    """ETH sent to the router by anyone but WETH."""


class TransferFromFailed(RouterError):
    """Solady SafeTransferLib.safeTransferFrom: the token's transferFrom reverted or returned false
    (balance or allowance short, or no contract at the token address)."""


class ETHTransferFailed(RouterError):
    """Solady SafeTransferLib.safeTransferETH: the recipient refused the ETH."""
