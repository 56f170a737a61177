"""Reverts of the liquidity-mining farm (contracts/Farm.sol), one Python exception per Solidity error.

Each class is named exactly like the Solidity custom error (declared in contracts/interfaces/IFarm.sol),
so a differential test can compare ``type(exc).__name__`` with the decoded revert name.  Errors the farm
shares with the pool contracts by name (``Unauthorized``, ``Reentrancy``, ``ZeroAddress``, ``Overflow``,
``TransferFailed``) are the very classes of :mod:`python_model.errors`; the rest derive from
:class:`FarmError`, itself a :class:`~python_model.errors.PoolError`, so ``except PoolError`` still means
"the transaction reverted".

A farm operation that raises any of these has changed nothing (the model restores its state, as the EVM
does on revert).
"""

from .errors import Overflow, PoolError, Reentrancy, TransferFailed, Unauthorized, ZeroAddress


class FarmError(PoolError):
    """Base class of the farm's own reverts."""


class NotFunder(FarmError):
    """fund: the caller is neither the owner nor an authorised funder."""


class InvalidPool(FarmError):
    """pid >= poolLength (every pool operation and pool view)."""


class PoolAlreadyAdded(FarmError):
    """addPool: the LP token already has a pool."""


class RewardTokenStaked(FarmError):
    """addPool: the LP token is the reward token."""


class ZeroAmount(FarmError):
    """deposit / withdraw of 0; a deposit that delivered 0 (fee-on-transfer); emergencyWithdraw with no stake."""


class InsufficientStake(FarmError):
    """withdraw: more than the caller's stake."""


class InvalidDuration(FarmError):
    """fund: duration == 0 or duration > MAX_DURATION."""


class RewardRateDecreased(FarmError):
    """fund: during a running period the new rate per allocation point would be below the current one."""


class InsufficientRewardBalance(FarmError):
    """fund: the farm's reward balance is below total funded - total paid."""


class TransferFromFailed(FarmError):
    """Solady SafeTransferLib: an incoming transferFrom reverted (balance, allowance, receiver)."""


# Shared with the pool (python_model.errors), re-exported so the farm's whole list is here:
#   Unauthorized   -- Solady Ownable: addPool / setAllocPoint / setFunder by a non-owner.
#   Reentrancy     -- Solady ReentrancyGuardTransient: a farm function called from a token hook while one runs.
#   ZeroAddress    -- constructor (reward token or owner), addPool (LP token), setFunder (funder).
#   Overflow       -- fund: total funded > 2**124 - 1; deposit: pool stake > 2**128 - 1.
#   TransferFailed -- Solady SafeTransferLib: an outgoing transfer reverted (LP or reward token).

FARM_ERRORS = (
    Unauthorized,
    Reentrancy,
    ZeroAddress,
    Overflow,
    TransferFailed,
    TransferFromFailed,
    NotFunder,
    InvalidPool,
    PoolAlreadyAdded,
    RewardTokenStaked,
    ZeroAmount,
    InsufficientStake,
    InvalidDuration,
    RewardRateDecreased,
    InsufficientRewardBalance,
)

__all__ = [cls.__name__ for cls in FARM_ERRORS] + ["FarmError", "FARM_ERRORS"]
