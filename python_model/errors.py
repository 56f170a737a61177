"""Reverts of the tidepool contracts, one Python exception per Solidity custom error.

Every class is named exactly like the Solidity error it models, so a differential test can compare
``type(exc).__name__`` with the decoded revert name.  All of them derive from :class:`PoolError`,
so ``except PoolError`` catches "the transaction reverted" whatever the reason.

A model operation that raises one of these has changed nothing (compute, check, then apply).
"""


class PoolError(Exception):
    """Base class: the modelled transaction reverts."""


ModelError = PoolError  # alias: "any model revert"


# --- Pool (contracts/interfaces/IPool.sol) ---------------------------------------------------

class InsufficientLiquidityMinted(PoolError):
    """mint: sqrt(amount0*amount1) < MINIMUM_LIQUIDITY on the first deposit, or liquidity == 0."""


class InsufficientLiquidityBurned(PoolError):
    """burn: amount0 == 0 or amount1 == 0."""


class InsufficientOutputAmount(PoolError):
    """swap: both outputs are 0; get_amount_in: amount_out == 0."""


class InsufficientLiquidity(PoolError):
    """swap: an output >= its reserve; get_amount_out/in: a reserve is 0 or amount_out >= reserve_out."""


class InvalidTo(PoolError):
    """swap: ``to`` is token0 or token1."""


class InsufficientInputAmount(PoolError):
    """swap: nothing was paid in; get_amount_out: amount_in == 0."""


class K(PoolError):
    """swap: the fee-adjusted constant-product check failed."""


class Overflow(PoolError):
    """_update: a balance does not fit in uint112."""


# --- Factory (contracts/interfaces/IFactory.sol) ---------------------------------------------

class IdenticalAddresses(PoolError):
    """createPool: tokenA == tokenB."""


class ZeroAddress(PoolError):
    """createPool: the smaller token address is address(0)."""


class FeeTierNotEnabled(PoolError):
    """createPool: the fee tier is not enabled."""


class PoolExists(PoolError):
    """createPool: a pool for (token0, token1, fee) already exists."""


class InvalidFee(PoolError):
    """enableFeeTier: fee == 0 or fee >= 10000."""


class FeeTierAlreadyEnabled(PoolError):
    """enableFeeTier: the tier is already enabled."""


class Unauthorized(PoolError):
    """Solady Ownable: the caller is not the owner."""


# --- Library / dependency errors the contracts can surface -----------------------------------

class Reentrancy(PoolError):
    """Solady ReentrancyGuardTransient: a locked pool function was re-entered (e.g. from a swap callback)."""


class InsufficientAmount(PoolError):
    """quote: amount == 0 (V2 library's INSUFFICIENT_AMOUNT; used by the router)."""


class InsufficientBalance(PoolError):
    """Solady ERC20 (the LP token): transfer of more than the sender's balance."""


class ERC20InsufficientBalance(InsufficientBalance):
    """OpenZeppelin ERC20 (TestERC20): transfer of more than the sender's balance.

    A subclass of InsufficientBalance, so ``except InsufficientBalance`` catches both ledgers.
    """


class ERC20InvalidReceiver(PoolError):
    """OpenZeppelin ERC20: mint or transfer to address(0)."""


class ERC20InvalidSender(PoolError):
    """OpenZeppelin ERC20: transfer from address(0)."""


class TransferFailed(PoolError):
    """Solady SafeTransferLib: the pool's outgoing token transfer reverted (e.g. to address(0))."""


class FullMulDivFailed(PoolError):
    """Solady FixedPointMathLib.fullMulDiv: division by zero -- burn on a pool that never minted."""


class Panic(PoolError):
    """Solidity 0.8 checked arithmetic failed: Panic(0x11) over/underflow, Panic(0x12) division by zero.

    Reachable only through inconsistent ledgers (a pool balance below its reserve: mint's
    ``balance - reserve`` and skim's excess underflow) or a token supply beyond 2**256 - 1.
    """

    def __init__(self, code=0x11):
        super().__init__(hex(code))
        self.code = code  # 0x11 arithmetic overflow/underflow, 0x12 division by zero
