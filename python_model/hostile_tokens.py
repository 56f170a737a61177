"""Hostile ERC-20 ledgers (contracts/test/hostile/) and the pool as it meets them.

Each class is the exact integer ledger of one test contract: the same arithmetic in the same order and
the same revert names, checked before anything is applied.  Errors named like OpenZeppelin's
(ERC20InsufficientBalance, ERC20InvalidReceiver, ...) are the classes of :mod:`python_model.errors`;
the tokens' own errors are defined here.

=====================  ==========================  ===============================================
model                  contract                    hostile behaviour
=====================  ==========================  ===============================================
FeeToken               HostileFeeToken.sol,        burns ``fee_bps`` / 10000 of every transfer
                       FeeOnTransferToken.sol      (floor) from the sender; the owner may change
                                                   the fee (HostileFeeToken only)
RebasingToken          RebasingToken.sol           stETH-style shares; ``rebase`` rescales every
                                                   balance without a transfer; transfers round
                                                   (both ends get at most the amount)
BlocklistToken         BlocklistToken.sol          owner blocks addresses; ``burn_from`` destroys
                                                   any holder's balance without a transfer
HookToken, TokenHook   HookToken.sol,              ERC-777-style sender / recipient hooks that
                       ReentrantHook.sol           call back into a pool
ZeroRevertToken        ZeroRevertToken.sol         a zero-amount transfer reverts ``ZeroAmount``
NoReturnToken          NoReturnToken.sol           USDT-like: transfer returns nothing (the ledger
                                                   is plain; the pool's SafeTransferLib copes)
=====================  ==========================  ===============================================

How a token revert surfaces.  The pool moves its own tokens with Solady's SafeTransferLib, which
replaces whatever the token reverted with by ``TransferFailed()``.  So every ledger here translates a
revert of a transfer *from* an address in ``safe_senders`` (register the pools there) into
:class:`~python_model.errors.TransferFailed`, while a holder's own transfer reverts with the token's
error.  (FlashBorrower's repayments are translated by :func:`python_model.pool.flash_repay` already.)

:class:`HostilePool` is :class:`python_model.pool.Pool` with the three details of Pool.sol that only
matter once a token can revert, call back or round:

* every entry point is all-or-nothing (a token revert in the middle of ``burn`` restores everything)
  and holds the reentrancy lock while it runs, so a hook that calls back into the pool sees
  ``Reentrancy``;
* ``swap`` always transfers first and checks afterwards against the balances it reads back (the
  core model's plain swap checks first, which only differs when a transfer can fail or round);
* ``burn`` reads the balances back after its transfers (the core model assumes the pool is debited
  exactly the amount it sends; a rounding token can debit it less, or a fee token sending to the
  pool itself burns the fee), and checks Overflow only then, as Pool.sol;
* ``skim`` computes and sends token0's excess before it computes token1's, as Pool.sol (the core
  model raises Panic for a negative token1 excess before sending anything).

For the exact tokens the results equal the core model's wherever the core model does not raise.
"""

from __future__ import annotations

from .amm_math import UINT256_MAX, burn_amount
from .errors import (
    ERC20InsufficientBalance,
    ERC20InvalidReceiver,
    ERC20InvalidSender,
    FullMulDivFailed,
    InsufficientLiquidityBurned,
    Panic,
    PoolError,
    Reentrancy,
    TransferFailed,
)
from .factory import Factory
from .pool import Pool, _restore, _save_reachable
from .token import ZERO_ADDRESS, Token, debit

__all__ = [
    "Blocked",
    "BlocklistToken",
    "FeeToken",
    "FeeTooHigh",
    "HookToken",
    "HostileFactory",
    "HostilePool",
    "HostileToken",
    "NoReturnToken",
    "OwnableUnauthorizedAccount",
    "RebasingToken",
    "TokenHook",
    "ZeroAmount",
    "ZeroRevertToken",
    "ZeroSupply",
]


# --- the tokens' own errors -------------------------------------------------------------------

class OwnableUnauthorizedAccount(PoolError):
    """OpenZeppelin Ownable: an owner-only token function called by someone else."""


class FeeTooHigh(PoolError):
    """HostileFeeToken.setFee: a fee above 10000 bps."""


class Blocked(PoolError):
    """BlocklistToken: the sender or the receiver of a balance move is blocked."""


class ZeroAmount(PoolError):
    """ZeroRevertToken: a transfer of zero tokens."""


class ZeroSupply(PoolError):
    """RebasingToken.rebase: a zero total supply while shares exist."""


# --- base ------------------------------------------------------------------------------------

def _slots(cls):
    names = []
    for klass in reversed(cls.__mro__):
        for name in getattr(klass, "__slots__", ()):
            if name not in names:
                names.append(name)
    return names


class HostileToken(Token):
    """A Token ledger whose transfers *from* ``safe_senders`` (contracts using SafeTransferLib, i.e.
    the pools) revert as ``TransferFailed`` whatever the token's own reason.

    Subclasses implement ``_move`` (a holder's own transfer, with the token's errors) and may extend
    ``_save`` / ``_load`` with their extra state.  ``preview`` says what a transfer would do.
    """

    __slots__ = ("safe_senders",)

    def __init__(self, address, decimals=18, name="", symbol=""):
        super().__init__(address, decimals, name, symbol)
        self.safe_senders = set()

    def transfer(self, frm, to, amount):
        if amount < 0:
            raise ValueError("negative amount")
        if frm in self.safe_senders:
            try:
                return self._move(frm, to, amount)
            except PoolError:
                raise TransferFailed() from None
        return self._move(frm, to, amount)

    def _move(self, frm, to, amount):
        Token.transfer(self, frm, to, amount)

    def preview(self, frm, to, amount):
        """(debited from ``frm``, credited to ``to``) by a transfer of ``amount`` between two different
        addresses, in balance units, assuming it succeeds.  Exact for every token here."""
        return amount, amount

    # --- snapshots -------------------------------------------------------------------------
    def copy(self):
        cls = type(self)
        new = cls.__new__(cls)
        for name in _slots(cls):
            setattr(new, name, getattr(self, name))
        new.safe_senders = set(self.safe_senders)
        new._load(self._save())
        return new

    def __repr__(self):
        return f"{type(self).__name__}({self.symbol or self.address}, supply={self.total_supply})"


class NoReturnToken(HostileToken):
    """NoReturnToken.sol (USDT-like, hand-written): a plain exact ledger; what is hostile is the ABI
    (``transfer`` returns no bool), which only the caller's decoding sees.

    transfer: ERC20InvalidReceiver (to is address(0)), then ERC20InsufficientBalance.
    """

    __slots__ = ()

    def _move(self, frm, to, amount):
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        if amount > self.balance_of(frm):
            raise ERC20InsufficientBalance()
        Token.transfer(self, frm, to, amount)


class ZeroRevertToken(HostileToken):
    """ZeroRevertToken.sol: OpenZeppelin ERC20 whose transfer of 0 reverts ``ZeroAmount`` (mints of 0 pass).

    transfer: ERC20InvalidSender, ERC20InvalidReceiver, ZeroAmount, ERC20InsufficientBalance (in order).
    """

    __slots__ = ()

    def _move(self, frm, to, amount):
        if frm == ZERO_ADDRESS:
            raise ERC20InvalidSender()
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        if amount == 0:
            raise ZeroAmount()
        Token.transfer(self, frm, to, amount)


class FeeToken(HostileToken):
    """HostileFeeToken.sol (``owner`` set: the owner may change the fee) or FeeOnTransferToken.sol
    (``owner`` None: the fee is immutable).

    A transfer of ``amount`` burns ``fee = amount * fee_bps // 10000`` (rounded down, for the sender)
    from the sender and delivers ``amount - fee``: the sender is debited exactly ``amount``.  Mints are
    free.  transfer raises ERC20InvalidSender / ERC20InvalidReceiver / ERC20InsufficientBalance.
    """

    __slots__ = ("fee_bps", "owner")

    def __init__(self, address, fee_bps, decimals=18, name="", symbol="", owner=None):
        super().__init__(address, decimals, name, symbol)
        if not 0 <= fee_bps <= 10_000:
            raise FeeTooHigh()
        self.fee_bps = fee_bps
        self.owner = owner

    def fee_on(self, amount):
        """The fee a transfer of ``amount`` burns (floor)."""
        return amount * self.fee_bps // 10_000

    def set_fee(self, fee_bps, *, sender):
        """setFee: OwnableUnauthorizedAccount, then FeeTooHigh (above 10000)."""
        if self.owner is None:
            raise TypeError("this fee token has an immutable fee")
        if sender != self.owner:
            raise OwnableUnauthorizedAccount()
        if fee_bps > 10_000:
            raise FeeTooHigh()
        self.fee_bps = fee_bps

    def _move(self, frm, to, amount):
        self.check_transfer(frm, to, amount)
        fee = self.fee_on(amount)
        if fee:
            debit(self.balances, frm, fee)
            self.total_supply -= fee
        Token.transfer(self, frm, to, amount - fee)

    def preview(self, frm, to, amount):
        return amount, amount - self.fee_on(amount)

    def _save(self):
        return (Token._save(self), self.fee_bps)

    def _load(self, state):
        base, self.fee_bps = state
        Token._load(self, base)


class BlocklistToken(HostileToken):
    """BlocklistToken.sol: OpenZeppelin ERC20 + Ownable with a blocklist and an owner ``burn_from``.

    A blocked address can neither send nor receive (mints to it revert too).  ``burn_from`` destroys a
    holder's balance without a transfer, blocked or not.
    """

    __slots__ = ("blocked", "owner")

    def __init__(self, address, decimals=18, name="", symbol="", owner=None):
        super().__init__(address, decimals, name, symbol)
        self.blocked = set()
        self.owner = owner

    def _check_blocked(self, frm, to):
        if frm in self.blocked:
            raise Blocked()
        if to in self.blocked:
            raise Blocked()

    def mint(self, to, amount):
        """mint: ERC20InvalidReceiver (address(0)), Blocked (to), Panic (supply overflow)."""
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        self._check_blocked(ZERO_ADDRESS, to)
        Token.mint(self, to, amount)

    def _move(self, frm, to, amount):
        """transfer: ERC20InvalidSender, ERC20InvalidReceiver, Blocked (sender, then receiver),
        ERC20InsufficientBalance."""
        if frm == ZERO_ADDRESS:
            raise ERC20InvalidSender()
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        self._check_blocked(frm, to)
        Token.transfer(self, frm, to, amount)

    def block_account(self, account, *, sender):
        if sender != self.owner:
            raise OwnableUnauthorizedAccount()
        self.blocked.add(account)

    def unblock_account(self, account, *, sender):
        if sender != self.owner:
            raise OwnableUnauthorizedAccount()
        self.blocked.discard(account)

    def burn_from(self, holder, amount, *, sender):
        """burnFrom: OwnableUnauthorizedAccount, ERC20InvalidSender (holder is address(0)), ERC20InsufficientBalance."""
        if sender != self.owner:
            raise OwnableUnauthorizedAccount()
        if holder == ZERO_ADDRESS:
            raise ERC20InvalidSender()
        balance = self.balance_of(holder)
        if amount > balance:
            raise ERC20InsufficientBalance()
        if amount:
            if amount == balance:
                del self.balances[holder]
            else:
                self.balances[holder] = balance - amount
        self.total_supply -= amount

    def _save(self):
        return (Token._save(self), frozenset(self.blocked))

    def _load(self, state):
        base, blocked = state
        Token._load(self, base)
        self.blocked = set(blocked)


class RebasingToken(HostileToken):
    """RebasingToken.sol (stETH-style): ``shares`` per holder; ``balance = shares * total_supply //
    total_shares`` (floor).  ``balances`` stays empty: balances are derived.

    A transfer of ``amount`` moves ``shares_for(amount) = amount * total_shares // total_supply`` shares
    (floor), worth at most ``amount``: the sender is debited at most ``amount`` and the receiver credited
    at most ``amount`` (each up to about ``total_supply / total_shares + 1`` wei less): the token's own
    rounding.  So a pool paying out is never debited more than it sends.
    """

    __slots__ = ("shares", "total_shares", "owner")

    def __init__(self, address, decimals=18, name="", symbol="", owner=None):
        super().__init__(address, decimals, name, symbol)
        self.shares = {}
        self.total_shares = 0
        self.owner = owner

    def balance_of(self, addr):
        total_shares = self.total_shares
        if total_shares == 0:
            return 0
        return self.shares.get(addr, 0) * self.total_supply // total_shares

    def shares_for(self, amount):
        """sharesFor: shares worth ``amount`` (floor); 1:1 while the supply is zero."""
        if self.total_supply == 0:
            return amount
        return amount * self.total_shares // self.total_supply

    def _add_shares(self, addr, delta):
        value = self.shares.get(addr, 0) + delta
        if value:
            self.shares[addr] = value
        else:
            self.shares.pop(addr, None)

    def mint(self, to, amount):
        """mint: ERC20InvalidReceiver (address(0)), Panic (totals overflow)."""
        if amount < 0:
            raise ValueError("negative amount")
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        shares = self.shares_for(amount)
        if self.total_shares + shares > UINT256_MAX or self.total_supply + amount > UINT256_MAX:
            raise Panic()
        self.total_shares += shares
        self.total_supply += amount
        self._add_shares(to, shares)

    def rebase(self, new_total_supply, *, sender):
        """rebase: OwnableUnauthorizedAccount, ZeroSupply (zero while shares exist)."""
        if sender != self.owner:
            raise OwnableUnauthorizedAccount()
        if new_total_supply == 0 and self.total_shares != 0:
            raise ZeroSupply()
        self.total_supply = new_total_supply

    def _move(self, frm, to, amount):
        """transfer: ERC20InvalidReceiver, ERC20InsufficientBalance (amount above the balance)."""
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        if amount > self.balance_of(frm):
            raise ERC20InsufficientBalance()
        shares = self.shares_for(amount)
        self._add_shares(frm, -shares)
        self._add_shares(to, shares)

    def preview(self, frm, to, amount):
        shares = self.shares_for(amount)
        supply, total_shares = self.total_supply, self.total_shares
        s_frm, s_to = self.shares.get(frm, 0), self.shares.get(to, 0)
        debited = s_frm * supply // total_shares - (s_frm - shares) * supply // total_shares
        credited = (s_to + shares) * supply // total_shares - s_to * supply // total_shares
        return debited, credited

    def _save(self):
        return (self.total_supply, self.total_shares, dict(self.shares))

    def _load(self, state):
        self.total_supply, self.total_shares, shares = state
        self.shares = dict(shares)


class TokenHook:
    """ReentrantHook.sol: when one of its hooks runs, it performs ``action`` (the model of the armed
    calldata; None = disarmed) unless a hook of its own is already running.  A failure (a PoolError)
    is re-raised with ``bubble``, else swallowed, counted in ``failures`` and named in ``last_error``
    (the contract keeps the error's selector); ``attempts`` counts calls.

    The action must be all-or-nothing (HostilePool entry points, the Router and the Farm are), as the
    swallowed sub-call is on chain.
    """

    __slots__ = ("address", "action", "bubble", "attempts", "failures", "last_error", "_running")

    def __init__(self, address):
        self.address = address
        self.action = None
        self.bubble = False
        self.attempts = 0
        self.failures = 0
        self.last_error = None  # the name of the last swallowed failure
        self._running = False

    def arm(self, action, bubble):
        """arm(target, payload, bubble): ``action`` None models target address(0) (disarmed)."""
        self.action = action
        self.bubble = bubble

    def fire(self):
        if self._running or self.action is None:
            return
        self._running = True
        self.attempts += 1
        try:
            self.action()
        except PoolError as exc:
            if self.bubble:
                raise
            self.failures += 1
            self.last_error = type(exc).__name__
        finally:
            self._running = False

    def _save(self):
        return (self.action, self.bubble, self.attempts, self.failures, self.last_error)

    def _load(self, state):
        self.action, self.bubble, self.attempts, self.failures, self.last_error = state

    def __repr__(self):
        return f"TokenHook({self.address}, attempts={self.attempts}, failures={self.failures})"


class HookToken(HostileToken):
    """HookToken.sol: OpenZeppelin ERC20 with ERC-777-style hooks, registered per holder (``hook_of``).

    A transfer checks ERC20InvalidSender / ERC20InvalidReceiver / ERC20InsufficientBalance, calls the
    sender's hook, moves the balance, then calls the recipient's hook (looked up after the move).  A
    failure anywhere restores everything the hooks did: ``scope`` (any object with ``snapshot`` and
    ``restore``, e.g. the model World holding the pools the hooks call) is saved first.  Mints call no hook.
    """

    __slots__ = ("hook_of", "hooks", "scope")

    def __init__(self, address, decimals=18, name="", symbol=""):
        super().__init__(address, decimals, name, symbol)
        self.hook_of = {}
        self.hooks = []  # every TokenHook that may be registered, for snapshots
        self.scope = None

    def set_hook(self, holder, hook):
        """setHook, called by ``holder``: ``hook`` is a TokenHook or None (address(0))."""
        if hook is None:
            self.hook_of.pop(holder, None)
            return
        if not any(h is hook for h in self.hooks):
            self.hooks.append(hook)
        self.hook_of[holder] = hook

    def _move(self, frm, to, amount):
        if frm == ZERO_ADDRESS:
            raise ERC20InvalidSender()
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        if amount > self.balance_of(frm):
            raise ERC20InsufficientBalance()
        if frm not in self.hook_of and to not in self.hook_of:
            Token.transfer(self, frm, to, amount)
            return
        saved = self.scope.snapshot()
        try:
            sender_hook = self.hook_of.get(frm)
            if sender_hook is not None:
                sender_hook.fire()
            Token.transfer(self, frm, to, amount)
            receiver_hook = self.hook_of.get(to)
            if receiver_hook is not None:
                receiver_hook.fire()
        except BaseException:
            self.scope.restore(saved)
            raise

    def _save(self):
        return (Token._save(self), dict(self.hook_of), [(h, h._save()) for h in self.hooks])

    def _load(self, state):
        base, hook_of, hooks = state
        Token._load(self, base)
        self.hook_of = dict(hook_of)
        for hook, saved in hooks:
            hook._load(saved)


# --- the pool --------------------------------------------------------------------------------

def _pay(token, pool, to, amount):
    """SafeTransferLib.safeTransfer from the pool: any token revert is TransferFailed."""
    try:
        token.transfer(pool, to, amount)
    except PoolError:
        raise TransferFailed() from None


def _no_callback():
    """An empty swap callback: routes a plain swap through the transfer-first path."""


class HostilePool(Pool):
    """Pool.sol with reverting, hooking or rounding tokens (see the module docstring).

    Same state and results as :class:`Pool`; ``adopt`` turns a Pool the factory created into one.
    """

    __slots__ = ()

    @classmethod
    def adopt(cls, pool):
        pool.__class__ = cls
        return pool

    def _check_unlocked(self):
        """nonReentrant: reverts when locked, else takes the lock (released by ``_entry``)."""
        if self._locked:
            raise Reentrancy()
        self._locked = True

    def _entry(self, op):
        was_locked = self._locked
        saved = _save_reachable(self)
        try:
            return op()
        except BaseException:
            _restore(saved)
            raise
        finally:
            self._locked = was_locked

    def mint(self, to, *, timestamp):
        return self._entry(lambda: Pool.mint(self, to, timestamp=timestamp))

    def burn(self, to, *, timestamp):
        """Pool.burn in Pool.sol's order: amounts, LP burned, token0 then token1 sent (a revert is
        TransferFailed), then the balances read back, _update (Overflow) and kLast."""

        def op():
            self._check_unlocked()
            pool = self.address
            reserve0, reserve1 = self.reserve0, self.reserve1
            balance0 = self.token0.balance_of(pool)
            balance1 = self.token1.balance_of(pool)
            liquidity = self.balances.get(pool, 0)
            fee_on, fee_liquidity = self._mint_fee(reserve0, reserve1)
            supply = self.total_supply + fee_liquidity
            if supply == 0:
                raise FullMulDivFailed()
            amount0 = burn_amount(liquidity, balance0, supply)
            amount1 = burn_amount(liquidity, balance1, supply)
            if amount0 == 0 or amount1 == 0:
                raise InsufficientLiquidityBurned()
            if fee_liquidity:
                self._mint_lp(self.factory.fee_to, fee_liquidity)
            self._burn_lp(pool, liquidity)
            _pay(self.token0, pool, to, amount0)
            _pay(self.token1, pool, to, amount1)
            balance0 = self.token0.balance_of(pool)
            balance1 = self.token1.balance_of(pool)
            self._store(self._update(balance0, balance1, reserve0, reserve1, timestamp))
            self.k_last = balance0 * balance1 if fee_on else 0
            return amount0, amount1

        return self._entry(op)

    def swap(self, amount0_out, amount1_out, to, *, timestamp, callback=None):
        return self._entry(
            lambda: Pool.swap(
                self, amount0_out, amount1_out, to, timestamp=timestamp, callback=callback or _no_callback
            )
        )

    def skim(self, to):
        """Pool.skim in Pool.sol's order: token0's excess is computed (Panic if negative) and sent before
        token1's is computed (the core model computes both first; only a token that can take from the
        pool, and a payout that can fail, tell the two apart)."""

        def op():
            self._check_unlocked()
            pool = self.address
            for token, reserve in ((self.token0, self.reserve0), (self.token1, self.reserve1)):
                excess = token.balance_of(pool) - reserve
                if excess < 0:
                    raise Panic(0x11)
                _pay(token, pool, to, excess)

        return self._entry(op)

    def sync(self, *, timestamp):
        return self._entry(lambda: Pool.sync(self, timestamp=timestamp))


class HostileFactory(Factory):
    """Factory.sol for worlds with hostile tokens: every pool it creates (at deployment, or later through
    the router) is a :class:`HostilePool` and a safe sender of its hostile tokens."""

    __slots__ = ()

    def create_pool(self, token_a, token_b, fee, address=None, tokens=None):
        pool = HostilePool.adopt(Factory.create_pool(self, token_a, token_b, fee, address, tokens))
        for ledger in (pool.token0, pool.token1):
            if isinstance(ledger, HostileToken):
                ledger.safe_senders.add(pool.address)
        return pool
