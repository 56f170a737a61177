"""Pool model (contracts/Pool.sol): reserves, price oracle, LP ledger, protocol fee.

Every state-changing method follows the same shape: read, compute, check (raising the contract's
error), and only then apply.  An operation that raises leaves every ledger unchanged.  Internal
helpers named like the contract's (_update, _mint_fee) are pure here: they return what the contract
would write, and the caller writes it after the last check.

The pool's token balances live in the Token ledgers: ``pool.token0.balance_of(pool.address)``.
Block timestamps are passed explicitly (``timestamp=``); the pool stores them modulo 2**32.
"""

from .amm_math import (
    MINIMUM_LIQUIDITY,
    UINT32_MODULUS,
    UINT112_MAX,
    UINT256_MODULUS,
    burn_amount,
    initial_liquidity,
    k_holds,
    price_cumulative_increment,
    proportional_liquidity,
    protocol_fee_liquidity,
)
from .errors import (
    FullMulDivFailed,
    InsufficientBalance,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientLiquidityBurned,
    InsufficientLiquidityMinted,
    InsufficientOutputAmount,
    InvalidTo,
    K,
    Overflow,
    Panic,
    PoolError,
    Reentrancy,
    TransferFailed,
)
from .token import ZERO_ADDRESS, move


class Pool:
    """One pool: ``token0 < token1`` (Token ledgers), ``fee_bps``, reserves, oracle, LP ledger.

    Fields mirror the contract's storage: reserve0, reserve1, block_timestamp_last,
    price0_cumulative_last, price1_cumulative_last, k_last; the LP token's total_supply and
    ``balances`` (address -> LP; address(0) holds the locked MINIMUM_LIQUIDITY).
    """

    __slots__ = (
        "address", "factory", "token0", "token1", "fee_bps",
        "reserve0", "reserve1", "block_timestamp_last",
        "price0_cumulative_last", "price1_cumulative_last", "k_last",
        "total_supply", "balances", "_locked",
    )

    MINIMUM_LIQUIDITY = MINIMUM_LIQUIDITY

    def __init__(self, address, factory, token0, token1, fee_bps):
        if int(token0.address, 16) >= int(token1.address, 16):
            raise ValueError("token0 must sort below token1")
        self.address = address
        self.factory = factory
        self.token0 = token0
        self.token1 = token1
        self.fee_bps = fee_bps
        self.reserve0 = 0
        self.reserve1 = 0
        self.block_timestamp_last = 0
        self.price0_cumulative_last = 0
        self.price1_cumulative_last = 0
        self.k_last = 0
        self.total_supply = 0
        self.balances = {}
        self._locked = False  # ReentrancyGuardTransient; set only while a swap callback runs

    # --- views -------------------------------------------------------------------------------

    def get_reserves(self):
        """(reserve0, reserve1, block_timestamp_last), as getReserves()."""
        return (self.reserve0, self.reserve1, self.block_timestamp_last)

    def balance_of(self, addr):
        """LP balance of ``addr``."""
        return self.balances.get(addr, 0)

    def state(self):
        """Every scalar the contract exposes, in one tuple, for comparison with the chain:
        (reserve0, reserve1, block_timestamp_last, price0_cumulative_last, price1_cumulative_last,
        k_last, total_supply)."""
        return (
            self.reserve0, self.reserve1, self.block_timestamp_last,
            self.price0_cumulative_last, self.price1_cumulative_last,
            self.k_last, self.total_supply,
        )

    # --- LP token (Solady ERC20) ---------------------------------------------------------------

    def transfer(self, frm, to, amount):
        """LP transfer from ``frm`` to ``to`` (exact).  Raises InsufficientBalance (Solady's name).

        Not reentrancy-locked (neither is the ERC20).  Used to send LP to the pool before burn.
        """
        if amount < 0:
            raise ValueError("negative amount")
        if amount > self.balances.get(frm, 0):
            raise InsufficientBalance()
        move(self.balances, frm, to, amount)

    def _mint_lp(self, to, amount):
        """Apply step: create ``amount`` LP for ``to`` (exact)."""
        self.total_supply += amount
        self.balances[to] = self.balances.get(to, 0) + amount

    def _burn_lp(self, frm, amount):
        """Apply step: destroy ``amount`` LP held by ``frm`` (exact; caller checked the balance)."""
        self.total_supply -= amount
        balance = self.balances[frm] - amount
        if balance:
            self.balances[frm] = balance
        else:
            del self.balances[frm]

    # --- internals (pure: they return what the contract writes) -------------------------------

    def _check_unlocked(self):
        if self._locked:
            raise Reentrancy()

    def _update(self, balance0, balance1, reserve0, reserve1, timestamp):
        """The contract's _update, as a pure function returning the new oracle state.

        Returns (reserve0, reserve1, block_timestamp_last, price0_cumulative_last,
        price1_cumulative_last) to store.  Raises Overflow if a balance exceeds uint112.
        Accumulators grow by floor((r_other << 112) / r_self) * elapsed (rounds DOWN, division
        before multiplication) modulo 2**256, only when elapsed > 0 and both OLD reserves are
        non-zero; elapsed is (t - block_timestamp_last) mod 2**32 with t = timestamp mod 2**32.
        """
        if balance0 > UINT112_MAX or balance1 > UINT112_MAX:
            raise Overflow()
        block_timestamp = timestamp % UINT32_MODULUS
        elapsed = (block_timestamp - self.block_timestamp_last) % UINT32_MODULUS
        price0 = self.price0_cumulative_last
        price1 = self.price1_cumulative_last
        if elapsed > 0 and reserve0 != 0 and reserve1 != 0:
            price0 = (price0 + price_cumulative_increment(reserve0, reserve1, elapsed)) % UINT256_MODULUS
            price1 = (price1 + price_cumulative_increment(reserve1, reserve0, elapsed)) % UINT256_MODULUS
        return (balance0, balance1, block_timestamp, price0, price1)

    def _store(self, update):
        """Apply step of _update: write reserves, timestamp and accumulators (emits Sync on chain)."""
        (self.reserve0, self.reserve1, self.block_timestamp_last,
         self.price0_cumulative_last, self.price1_cumulative_last) = update

    def _mint_fee(self, reserve0, reserve1):
        """The contract's _mintFee, pure: returns (fee_on, liquidity to mint to feeTo).

        fee_on = factory.fee_to is set.  liquidity = protocol_fee_liquidity(...) (rounds DOWN,
        against feeTo) when fee_on and k_last != 0, else 0.  The caller mints it and then sets
        k_last = new r0*r1 if fee_on else 0 (fee off clears a stale k_last, as the contract does).
        """
        if self.factory.fee_to is None:
            return False, 0
        return True, protocol_fee_liquidity(self.total_supply, reserve0, reserve1, self.k_last)

    def _check_swap(self, balance0, balance1, amount0_out, amount1_out, reserve0, reserve1, timestamp):
        """Tail of swap after the transfers, pure: (amount0_in, amount1_in, update) or a revert.

        amount_in = balance - (reserve - amount_out) when positive, else 0 (exact).
        Raises InsufficientInputAmount, K (fee-adjusted product below r0*r1*10000**2), Overflow
        (_update).  Python integers are exact at any size, as the contract's K check is (it decides
        exactly even when a donated balance exceeds 112 bits), so K comes before Overflow.
        """
        rest0 = reserve0 - amount0_out
        rest1 = reserve1 - amount1_out
        amount0_in = balance0 - rest0 if balance0 > rest0 else 0
        amount1_in = balance1 - rest1 if balance1 > rest1 else 0
        if amount0_in == 0 and amount1_in == 0:
            raise InsufficientInputAmount()
        if not k_holds(balance0, balance1, amount0_in, amount1_in, reserve0, reserve1, self.fee_bps):
            raise K()
        return amount0_in, amount1_in, self._update(balance0, balance1, reserve0, reserve1, timestamp)

    # --- pool functions ----------------------------------------------------------------------

    def mint(self, to, *, timestamp):
        """Mint LP to ``to`` for the tokens sent to the pool since the last update; returns liquidity.

        amount_i = balance_i - reserve_i.  First deposit: isqrt(a0*a1) - 1000 (1000 LP locked at
        address(0)); later: min(a_i * S / r_i) with S read after _mint_fee.  Both round DOWN
        (against the depositor).  Raises Reentrancy, Panic(0x11) (a balance below its reserve),
        InsufficientLiquidityMinted, Overflow -- decided exactly even for balances beyond 112 bits.
        Sets k_last = r0*r1 (new reserves) when the protocol fee is on, else 0.
        """
        self._check_unlocked()
        reserve0 = self.reserve0
        reserve1 = self.reserve1
        balance0 = self.token0.balance_of(self.address)
        balance1 = self.token1.balance_of(self.address)
        amount0 = balance0 - reserve0
        amount1 = balance1 - reserve1
        if amount0 < 0 or amount1 < 0:
            raise Panic(0x11)  # a balance below its reserve; unreachable with honest ledgers
        fee_on, fee_liquidity = self._mint_fee(reserve0, reserve1)
        total_supply = self.total_supply + fee_liquidity
        if total_supply == 0:
            liquidity = initial_liquidity(amount0, amount1)
        else:
            liquidity = proportional_liquidity(amount0, amount1, reserve0, reserve1, total_supply)
        if liquidity <= 0:
            raise InsufficientLiquidityMinted()
        update = self._update(balance0, balance1, reserve0, reserve1, timestamp)
        # apply
        if fee_liquidity:
            self._mint_lp(self.factory.fee_to, fee_liquidity)
        if total_supply == 0:
            self._mint_lp(ZERO_ADDRESS, MINIMUM_LIQUIDITY)
        self._mint_lp(to, liquidity)
        self._store(update)
        self.k_last = balance0 * balance1 if fee_on else 0
        return liquidity

    def burn(self, to, *, timestamp):
        """Burn the LP held by the pool itself; send the pro-rata tokens to ``to``; returns (amount0, amount1).

        amount_i = liquidity * balance_i / S, on BALANCES (donations go to burners), S read after
        _mint_fee; rounds DOWN (against the burner; exact 512-bit product on chain).  Raises
        Reentrancy, FullMulDivFailed (no LP exists: division by a zero supply),
        InsufficientLiquidityBurned, TransferFailed (to is address(0)), Overflow.
        Sets k_last = r0*r1 (new reserves) when the protocol fee is on, else 0.
        """
        self._check_unlocked()
        pool = self.address
        token0 = self.token0
        token1 = self.token1
        reserve0 = self.reserve0
        reserve1 = self.reserve1
        balance0 = token0.balance_of(pool)
        balance1 = token1.balance_of(pool)
        liquidity = self.balances.get(pool, 0)
        fee_on, fee_liquidity = self._mint_fee(reserve0, reserve1)
        total_supply = self.total_supply + fee_liquidity
        if total_supply == 0:
            raise FullMulDivFailed()
        amount0 = burn_amount(liquidity, balance0, total_supply)
        amount1 = burn_amount(liquidity, balance1, total_supply)
        if amount0 == 0 or amount1 == 0:
            raise InsufficientLiquidityBurned()
        if to == ZERO_ADDRESS:
            raise TransferFailed()
        if to != pool:
            balance0 -= amount0
            balance1 -= amount1
        update = self._update(balance0, balance1, reserve0, reserve1, timestamp)
        # apply
        if fee_liquidity:
            self._mint_lp(self.factory.fee_to, fee_liquidity)
        self._burn_lp(pool, liquidity)
        token0.transfer(pool, to, amount0)
        token1.transfer(pool, to, amount1)
        self._store(update)
        self.k_last = balance0 * balance1 if fee_on else 0
        return amount0, amount1

    def swap(self, amount0_out, amount1_out, to, *, timestamp, callback=None):
        """Send the outputs to ``to``, optionally call back, then require the fee-adjusted K.

        Returns (amount0_in, amount1_in): what arrived beyond reserve - out.  No rounding: the K
        check is exact at the fee's scale (10000).  Raises, in the contract's order: Reentrancy,
        InsufficientOutputAmount, InsufficientLiquidity, InvalidTo, TransferFailed (to is
        address(0)), whatever the callback raises, InsufficientInputAmount, K, Overflow.

        ``callback()`` (no arguments; a closure) models a non-empty ``data``: it runs after the
        optimistic transfers (an output of 0 is not transferred) and before balances are read, with
        the pool locked (re-entering it raises Reentrancy).  It typically pays the pool through a
        Token ledger (see flash_repay).  If anything raises from there on, the factory, its pools
        and their tokens are restored to their state before the swap; ledgers outside that reach are
        the callback's own responsibility.
        """
        if self._locked:
            raise Reentrancy()
        if amount0_out < 0 or amount1_out < 0:
            raise ValueError("negative amount")
        if amount0_out == 0 and amount1_out == 0:
            raise InsufficientOutputAmount()
        reserve0 = self.reserve0
        reserve1 = self.reserve1
        if amount0_out >= reserve0 or amount1_out >= reserve1:
            raise InsufficientLiquidity()
        token0 = self.token0
        token1 = self.token1
        if to == token0.address or to == token1.address:
            raise InvalidTo()
        if to == ZERO_ADDRESS:
            raise TransferFailed()  # at least one output is transferred, and the token refuses address(0)
        if callback is not None:
            return self._swap_with_callback(amount0_out, amount1_out, to, timestamp, callback)
        pool = self.address
        balance0 = token0.balance_of(pool)
        balance1 = token1.balance_of(pool)
        if to != pool:
            balance0 -= amount0_out
            balance1 -= amount1_out
        amount0_in, amount1_in, update = self._check_swap(
            balance0, balance1, amount0_out, amount1_out, reserve0, reserve1, timestamp
        )
        # apply
        if amount0_out:
            token0.transfer(pool, to, amount0_out)
        if amount1_out:
            token1.transfer(pool, to, amount1_out)
        self._store(update)
        return amount0_in, amount1_in

    def _swap_with_callback(self, amount0_out, amount1_out, to, timestamp, callback):
        """swap's flash path: transfer, call back, check; on any exception restore and re-raise."""
        saved = _save_reachable(self)
        pool = self.address
        token0 = self.token0
        token1 = self.token1
        self._locked = True
        try:
            if amount0_out:
                token0.transfer(pool, to, amount0_out)
            if amount1_out:
                token1.transfer(pool, to, amount1_out)
            callback()
            amount0_in, amount1_in, update = self._check_swap(
                token0.balance_of(pool), token1.balance_of(pool),
                amount0_out, amount1_out, self.reserve0, self.reserve1, timestamp,
            )
        except BaseException:
            _restore(saved)
            raise
        finally:
            self._locked = False
        self._store(update)
        return amount0_in, amount1_in

    def skim(self, to):
        """Send the excess balance_i - reserve_i of both tokens to ``to`` (exact; zero transfers happen).

        Raises Reentrancy, Panic(0x11) (a balance below its reserve), TransferFailed (to is address(0)).
        """
        self._check_unlocked()
        pool = self.address
        # The contract's order: token0's excess is computed and sent before token1's is computed.
        excess0 = self.token0.balance_of(pool) - self.reserve0
        if excess0 < 0:
            raise Panic(0x11)
        if to == ZERO_ADDRESS:
            raise TransferFailed()
        excess1 = self.token1.balance_of(pool) - self.reserve1
        if excess1 < 0:
            raise Panic(0x11)
        self.token0.transfer(pool, to, excess0)
        self.token1.transfer(pool, to, excess1)

    def sync(self, *, timestamp):
        """Set the reserves to the balances (_update).  Raises Reentrancy, Overflow."""
        self._check_unlocked()
        self._store(self._update(
            self.token0.balance_of(self.address), self.token1.balance_of(self.address),
            self.reserve0, self.reserve1, timestamp,
        ))

    # --- snapshots ---------------------------------------------------------------------------

    def __deepcopy__(self, memo):
        from copy import deepcopy

        new = Pool.__new__(Pool)
        memo[id(self)] = new  # before the factory: it points back here
        new.address = self.address
        new.factory = deepcopy(self.factory, memo)
        new.token0 = deepcopy(self.token0, memo)
        new.token1 = deepcopy(self.token1, memo)
        new.fee_bps = self.fee_bps
        new._load(self._save())
        new._locked = False
        return new

    def _save(self):
        """State for an in-place restore (see World.snapshot)."""
        return (
            self.reserve0, self.reserve1, self.block_timestamp_last,
            self.price0_cumulative_last, self.price1_cumulative_last,
            self.k_last, self.total_supply, dict(self.balances),
        )

    def _load(self, state):
        (self.reserve0, self.reserve1, self.block_timestamp_last,
         self.price0_cumulative_last, self.price1_cumulative_last,
         self.k_last, self.total_supply, balances) = state
        self.balances = dict(balances)

    def __repr__(self):
        return (
            f"Pool({self.address}, fee={self.fee_bps}, reserves=({self.reserve0}, {self.reserve1}), "
            f"t={self.block_timestamp_last}, k_last={self.k_last}, supply={self.total_supply})"
        )


def flash_repay(pool, borrower, repay0, repay1):
    """Swap callback modelling contracts/test/FlashBorrower.sol with data = abi.encode(repay0, repay1).

    Inside the callback ``borrower`` (the swap's ``to``) transfers repay0 of token0, then repay1 of
    token1, from its own balance to ``pool`` (exact amounts, zero included).  FlashBorrower uses
    SafeTransferLib, so a shortfall surfaces as TransferFailed (which the swap bubbles up).
    """

    def callback():
        for token, amount in ((pool.token0, repay0), (pool.token1, repay1)):
            try:
                token.transfer(borrower, pool.address, amount)
            except PoolError:
                raise TransferFailed() from None

    return callback


def _reachable(pool):
    """The objects a swap callback can be expected to touch: the factory, its pools, their tokens."""
    factory = pool.factory
    pools = list(getattr(factory, "all_pools", ()))
    if not any(p is pool for p in pools):
        pools.append(pool)
    tokens = {}
    for p in pools:
        tokens[id(p.token0)] = p.token0
        tokens[id(p.token1)] = p.token1
    objects = [factory] if hasattr(factory, "_save") else []
    return objects + pools + list(tokens.values())


def _save_reachable(pool):
    return [(obj, obj._save()) for obj in _reachable(pool)]


def _restore(saved):
    for obj, state in saved:
        obj._load(state)
