"""Liquidity-mining farm (contracts/Farm.sol): the exact integer model.

Several pools, each an LP token with an allocation weight, share one reward token emitted per second over
funded periods.  Every number here is the number the contract stores, computed with the same integer
operations in the same order, so pending rewards, accumulators and totals agree with the chain wei for wei.

Design (the contract's NatSpec header says the same)
------------------------------------------------------
Units
    Accumulators and remainders are *scaled*: reward wei x ``ACC_PRECISION`` (10**18).
Schedule
    One global schedule: ``rate_per_point`` (scaled reward per allocation point per second) until
    ``period_end``.  Pool p earns ``rate_per_point * alloc_point_p * seconds`` -- exact, no division -- so a
    staker's operation touches one pool only.  Whenever the rate or the total weight changes (``fund``,
    ``add_pool``, ``set_alloc_point``) every pool is first settled up to now and the scaled amount still to
    emit is re-spread: ``rate = floor(total / (total_alloc_point * seconds))``, the remainder goes to
    ``carried``.
Idle pools: carried forward (not refunded)
    Emission that falls on a pool with no stake (and all emission while the total weight is 0) is added
    to ``carried`` when that pool is next settled.  The next ``fund`` folds ``carried`` into its schedule,
    so future stakers receive it.
Accumulator
    ``acc += floor((reward + acc_remainder) / total_staked)`` and ``acc_remainder`` keeps the rest
    (``< total_staked``).
Stakers
    ``reward_debt`` (scaled, kept modulo 2**256) makes ``accrual = amount * acc - reward_debt`` the
    staker's unpaid reward, scaled and exact.  A deposit adds ``received * acc`` to the debt, a withdrawal
    subtracts ``amount * acc``, a harvest pays ``floor(accrual / 10**18)`` (rounds down) and adds what it
    paid x 10**18.  So rewards earned before a stake change stay owed, and the sub-wei part stays with
    the staker.  Wrapping is harmless: only differences are used and a true accrual is below 2**184.
Dust
    The sum of all sub-wei parts, in wei: every pool's ``acc_remainder`` (below ``total_staked / 10**18``
    wei), every staker's ``accrual % 10**18`` (below one wei) and the sub-wei part of the undistributed
    scaled amount.  It is a whole number (conservation) and never lost: every part is carried into the
    next division and paid once it adds up.
Undistributed
    ``floor((carried + idle emission not yet settled + rate_per_point * total_alloc_point *
    (period_end - now)) / 10**18)``.
Identity
    At every timestamp ``paid + pending_all + dust + undistributed == funded`` (:meth:`Farm.conservation`).
Time weighting
    A pool is brought up to the block timestamp before any stake changes: a stake added and removed at one
    timestamp earns nothing.
Payments
    Only ``harvest`` / ``harvest_all`` pay; ``deposit`` / ``withdraw`` / ``emergency_withdraw`` leave what
    was earned owed.  ``fund`` requires the reward balance to cover ``funded - paid`` (everything owed plus
    the new schedule) and, during a running period, refuses to lower ``rate_per_point``.

Conventions
-----------
* Methods take the caller (``sender``) first and the block timestamp as the keyword ``timestamp``.
* Token ledgers are :class:`python_model.token.Token` objects (or anything with ``address``,
  ``balance_of``, ``transfer`` and ``_save`` / ``_load``).  Allowances are not modelled: a transferFrom is
  a transfer that may fail; any token revert surfaces as ``TransferFromFailed`` (incoming) or
  ``TransferFailed`` (outgoing), like Solady's SafeTransferLib.
* Every operation is all-or-nothing: on an exception the farm and its token ledgers are restored.  And
  it holds the reentrancy lock while it runs: a farm operation started from a token hook meanwhile raises
  ``Reentrancy`` (after ``Unauthorized`` for the owner-only ones, as the modifiers are ordered).
* ``copy()`` (or ``copy.deepcopy``) gives an independent farm with its own ledgers; ``snapshot()`` /
  ``restore()`` go back in place; ``_save`` / ``_load`` let a World-like container include the farm.
"""

from __future__ import annotations

from copy import deepcopy
from functools import wraps
from typing import NamedTuple

from .errors import PoolError, Reentrancy
from .farm_errors import (
    InsufficientRewardBalance,
    InsufficientStake,
    InvalidDuration,
    InvalidPool,
    NotFunder,
    Overflow,
    PoolAlreadyAdded,
    RewardRateDecreased,
    RewardTokenStaked,
    TransferFailed,
    TransferFromFailed,
    Unauthorized,
    ZeroAddress,
    ZeroAmount,
)
from .token import ZERO_ADDRESS, Token, debit

ACC_PRECISION = 10**18
MAX_DURATION = 4 * 365 * 86400
UINT256 = 2**256
UINT128_MAX = 2**128 - 1
UINT184_MAX = 2**184 - 1
MAX_FUNDED = 2**124 - 1  # keeps every scaled quantity below 2**184 (the contract's packed widths)


class PoolInfo(NamedTuple):
    """One pool as stored (same order as ``Farm.poolInfo``).  Immutable: updates build a new record."""

    lp_token: str
    alloc_point: int
    last_update: int
    acc_reward_per_share: int  # scaled reward per staked LP wei
    acc_remainder: int  # scaled, < total_staked
    total_staked: int


class UserInfo(NamedTuple):
    """One staker in one pool as stored (same order as ``Farm.userInfo``)."""

    amount: int = 0
    reward_debt: int = 0  # scaled, modulo 2**256


NO_USER = UserInfo()


# --- the arithmetic ---------------------------------------------------------------------------------

def accrue(pool: PoolInfo, rate_per_point: int, period_end: int, timestamp: int) -> tuple[PoolInfo, int]:
    """Brings ``pool`` up to ``timestamp``; returns (new pool, idle scaled emission to carry).

    The emission since ``last_update`` (clipped at ``period_end``) is ``rate_per_point * alloc_point *
    seconds`` scaled, exactly.  Without stake it is all idle.  Otherwise the accumulator grows by
    ``floor((emission + acc_remainder) / total_staked)`` (rounds down) and the rest stays in
    ``acc_remainder``.  ``last_update`` becomes ``timestamp`` whenever time has passed.
    """
    last = pool.last_update
    if timestamp <= last:
        return pool, 0
    until = min(timestamp, period_end)
    idle = 0
    acc, rest = pool.acc_reward_per_share, pool.acc_remainder
    if until > last:
        reward = rate_per_point * pool.alloc_point * (until - last)
        if pool.total_staked == 0:
            idle = reward
        else:
            step, rest = divmod(reward + rest, pool.total_staked)
            acc += step
    return pool._replace(acc_reward_per_share=acc, acc_remainder=rest, last_update=timestamp), idle


def accrual(user: UserInfo, acc: int) -> int:
    """The staker's unpaid reward at accumulator ``acc``, scaled: ``(amount * acc - reward_debt) mod 2**256``."""
    return (user.amount * acc - user.reward_debt) % UINT256


def remaining(rate_per_point: int, period_end: int, total_alloc_point: int, timestamp: int) -> int:
    """Scaled emission still scheduled after ``timestamp`` (0 once the period is over)."""
    if timestamp >= period_end:
        return 0
    return rate_per_point * total_alloc_point * (period_end - timestamp)


def _atomic(method, owner_first: bool = False):
    """Like an EVM call of a ``nonReentrant`` farm function: a call made while another one is running (from a
    token hook) raises Reentrancy before anything else, and if ``method`` raises, the farm and its token
    ledgers are restored.  ``owner_first``: the ``onlyOwner`` check comes before the lock (the modifier order
    of addPool, setAllocPoint and setFunder)."""

    @wraps(method)
    def run(self, sender, *args, **kwargs):
        if owner_first and sender != self.owner:
            raise Unauthorized()
        if self._entered:
            raise Reentrancy()
        saved = self.snapshot()
        self._entered = True
        try:
            return method(self, sender, *args, **kwargs)
        except BaseException:
            self.restore(saved)
            raise
        finally:
            self._entered = False

    return run


def _owner_atomic(method):
    return _atomic(method, owner_first=True)


def _uint(value: int, bits: int, name: str) -> None:
    """ABI range of an argument (the chain would not even encode it): ValueError, not a revert."""
    if not 0 <= value < 2**bits:
        raise ValueError(f"{name}={value} is not a uint{bits}")


class Farm:
    """The farm at ``address`` paying ``reward_token`` (a Token ledger), owned by ``owner``."""

    __slots__ = (
        "address",
        "owner",
        "reward_token",
        "tokens",
        "rate_per_point",
        "period_end",
        "pools",
        "pid_of",
        "users",
        "funders",
        "total_alloc_point",
        "total_funded",
        "total_paid",
        "carried",
        "_entered",
    )

    def __init__(self, address: str, reward_token: Token, owner: str):
        if reward_token.address == ZERO_ADDRESS or owner == ZERO_ADDRESS:
            raise ZeroAddress()
        self.address = address
        self.owner = owner
        self.reward_token = reward_token
        self.tokens = {reward_token.address: reward_token}  # every ledger the farm touches
        self.rate_per_point = 0
        self.period_end = 0
        self.pools: list[PoolInfo] = []
        self.pid_of: dict[str, int] = {}
        self.users: dict[tuple[int, str], UserInfo] = {}
        self.funders: set[str] = set()
        self.total_alloc_point = 0
        self.total_funded = 0
        self.total_paid = 0
        self.carried = 0  # scaled
        self._entered = False  # the transient reentrancy lock: a farm operation is running

    # --- owner and funder operations -------------------------------------------------------------

    @_owner_atomic
    def add_pool(self, sender: str, lp_token: Token, alloc_point: int, *, timestamp: int) -> int:
        """addPool: settles every pool, appends a pool, re-spreads the running schedule; returns its pid.

        Raises Unauthorized, ZeroAddress, RewardTokenStaked, PoolAlreadyAdded (in that order).
        """
        _uint(alloc_point, 32, "alloc_point")
        if sender != self.owner:
            raise Unauthorized()
        address = lp_token.address
        if address == ZERO_ADDRESS:
            raise ZeroAddress()
        if address == self.reward_token.address:
            raise RewardTokenStaked()
        if address in self.pid_of:
            raise PoolAlreadyAdded()
        self._settle_all(timestamp)
        pid = len(self.pools)
        self.pools.append(PoolInfo(address, alloc_point, timestamp, 0, 0, 0))
        self.pid_of[address] = pid
        self.tokens[address] = lp_token
        old_total = self.total_alloc_point
        self._respread(old_total, old_total + alloc_point, timestamp)
        return pid

    @_owner_atomic
    def set_alloc_point(self, sender: str, pid: int, alloc_point: int, *, timestamp: int) -> None:
        """setAllocPoint: settles every pool, sets the weight, re-spreads the running schedule.

        Raises Unauthorized, InvalidPool.
        """
        _uint(alloc_point, 32, "alloc_point")
        if sender != self.owner:
            raise Unauthorized()
        self._pool(pid)
        self._settle_all(timestamp)
        pool = self.pools[pid]
        old_total = self.total_alloc_point
        new_total = old_total - pool.alloc_point + alloc_point
        self.pools[pid] = pool._replace(alloc_point=alloc_point)
        self._respread(old_total, new_total, timestamp)

    @_owner_atomic
    def set_funder(self, sender: str, funder: str, authorised: bool) -> None:
        """setFunder.  Raises Unauthorized, ZeroAddress."""
        if sender != self.owner:
            raise Unauthorized()
        if funder == ZERO_ADDRESS:
            raise ZeroAddress()
        if authorised:
            self.funders.add(funder)
        else:
            self.funders.discard(funder)

    @_atomic
    def fund(self, sender: str, amount: int, duration: int, *, timestamp: int) -> int:
        """fund: settles every pool, pulls ``amount`` and schedules the new total over ``duration``.

        total = (scaled emission left in the running period) + received * ACC_PRECISION + carried;
        rate_per_point = floor(total / (total_alloc_point * duration)) (0 with no weight: all carried);
        carried = total - rate_per_point * total_alloc_point * duration.  Returns the amount received
        (the farm's balance change).  Raises NotFunder, InvalidDuration, TransferFromFailed, Overflow,
        RewardRateDecreased, InsufficientRewardBalance (in that order).
        """
        _uint(amount, 256, "amount")
        _uint(duration, 256, "duration")
        if sender != self.owner and sender not in self.funders:
            raise NotFunder()
        if duration == 0 or duration > MAX_DURATION:
            raise InvalidDuration()
        self._settle_all(timestamp)
        received = 0
        if amount:
            received = self._pull(self.reward_token, sender, amount)
        funded = self.total_funded + received
        if funded > MAX_FUNDED:
            raise Overflow()
        alloc = self.total_alloc_point
        total = self._remaining(alloc, timestamp) + received * ACC_PRECISION + self.carried
        rate = total // (alloc * duration) if alloc else 0
        if timestamp < self.period_end and rate < self.rate_per_point:
            raise RewardRateDecreased()
        if rate > UINT184_MAX:
            raise Overflow()
        if self.reward_token.balance_of(self.address) < funded - self.total_paid:
            raise InsufficientRewardBalance()
        self.rate_per_point = rate
        self.period_end = timestamp + duration
        self.carried = total - rate * alloc * duration
        self.total_funded = funded
        return received

    # --- staker operations -----------------------------------------------------------------------

    @_atomic
    def deposit(self, sender: str, pid: int, amount: int, *, timestamp: int) -> int:
        """deposit: brings the pool up to date, pulls ``amount`` LP, stakes what arrived (earned rewards stay owed).

        Returns the stake credited (the farm's LP balance change, so fee-on-transfer tokens credit less).
        Raises ZeroAmount, InvalidPool, TransferFromFailed, ZeroAmount (nothing arrived), Overflow.
        """
        _uint(amount, 256, "amount")
        if amount == 0:
            raise ZeroAmount()
        self._pool(pid)
        pool = self._accrue(pid, timestamp)
        received = self._pull(self.tokens[pool.lp_token], sender, amount)
        if received == 0:
            raise ZeroAmount()
        staked = pool.total_staked + received
        if staked > UINT128_MAX:
            raise Overflow()
        self.pools[pid] = pool._replace(total_staked=staked)
        user = self.users.get((pid, sender), NO_USER)
        debt = (user.reward_debt + received * pool.acc_reward_per_share) % UINT256
        self.users[(pid, sender)] = UserInfo(user.amount + received, debt)
        return received

    @_atomic
    def withdraw(self, sender: str, pid: int, amount: int, *, timestamp: int) -> None:
        """withdraw: brings the pool up to date, unstakes ``amount`` and sends it back (earned rewards stay owed).

        Raises ZeroAmount, InvalidPool, InsufficientStake, TransferFailed.
        """
        _uint(amount, 256, "amount")
        if amount == 0:
            raise ZeroAmount()
        self._pool(pid)
        user = self.users.get((pid, sender), NO_USER)
        if amount > user.amount:
            raise InsufficientStake()
        pool = self._accrue(pid, timestamp)
        self.pools[pid] = pool._replace(total_staked=pool.total_staked - amount)
        debt = (user.reward_debt - amount * pool.acc_reward_per_share) % UINT256
        self.users[(pid, sender)] = UserInfo(user.amount - amount, debt)
        self._push(self.tokens[pool.lp_token], sender, amount)

    @_atomic
    def harvest(self, sender: str, pid: int, *, timestamp: int) -> int:
        """harvest: brings the pool up to date and pays the whole-wei accrual.  Raises InvalidPool, TransferFailed."""
        self._pool(pid)
        reward = self._harvest(pid, sender, timestamp)
        self._pay(sender, reward)
        return reward

    @_atomic
    def harvest_all(self, sender: str, *, timestamp: int) -> int:
        """harvestAll: ``harvest`` of every pool where the staker has a stake or a whole wei owed, one payment.

        Pools where it has neither are not touched (not even brought up to date).  Raises TransferFailed.
        """
        reward = 0
        for pid in range(len(self.pools)):
            user = self.users.get((pid, sender), NO_USER)
            if user.amount == 0 and accrual(user, 0) < ACC_PRECISION:
                continue
            reward += self._harvest(pid, sender, timestamp)
        self._pay(sender, reward)
        return reward

    @_atomic
    def emergency_withdraw(self, sender: str, pid: int, *, timestamp: int) -> int:
        """emergencyWithdraw: returns the whole stake, keeps the rewards earned so far as owed.

        Never touches the reward token.  Returns the LP amount.  Raises InvalidPool, ZeroAmount, TransferFailed.
        """
        self._pool(pid)
        user = self.users.get((pid, sender), NO_USER)
        amount = user.amount
        if amount == 0:
            raise ZeroAmount()
        pool = self._accrue(pid, timestamp)
        self.pools[pid] = pool._replace(total_staked=pool.total_staked - amount)
        debt = (user.reward_debt - amount * pool.acc_reward_per_share) % UINT256
        self.users[(pid, sender)] = UserInfo(0, debt)
        self._push(self.tokens[pool.lp_token], sender, amount)
        return amount

    # --- views -----------------------------------------------------------------------------------

    def pending_reward(self, pid: int, user: str, *, timestamp: int) -> int:
        """pendingReward: reward wei ``user`` would get from ``harvest(pid)`` at ``timestamp`` (rounded down)."""
        pool, _ = accrue(self._pool(pid), self.rate_per_point, self.period_end, timestamp)
        return accrual(self.users.get((pid, user), NO_USER), pool.acc_reward_per_share) // ACC_PRECISION

    def reward_rate(self, *, timestamp: int) -> int:
        """rewardRate: wei per second over all pools (rounds down); 0 from ``period_end`` on."""
        if timestamp >= self.period_end:
            return 0
        return self.rate_per_point * self.total_alloc_point // ACC_PRECISION

    def pool_reward_rate(self, pid: int, *, timestamp: int) -> int:
        """poolRewardRate: wei per second to pool ``pid`` (rounded down); 0 after the end."""
        pool = self._pool(pid)
        if timestamp >= self.period_end:
            return 0
        return self.rate_per_point * pool.alloc_point // ACC_PRECISION

    def pool_length(self) -> int:
        return len(self.pools)

    def pool_info(self, pid: int) -> PoolInfo:
        """poolInfo (stored, not brought up to date).  Raises InvalidPool."""
        return self._pool(pid)

    def total_staked(self, pid: int) -> int:
        return self._pool(pid).total_staked

    def pool_id_of(self, lp_token: str) -> tuple[bool, int]:
        """poolIdOf: (exists, pid); (False, 0) for an unknown token."""
        pid = self.pid_of.get(lp_token)
        return (False, 0) if pid is None else (True, pid)

    def user_info(self, pid: int, user: str) -> UserInfo:
        """userInfo: (amount, reward_debt) as stored; zeros for an unknown pool or user."""
        return self.users.get((pid, user), NO_USER)

    def is_funder(self, account: str) -> bool:
        return account in self.funders

    def conservation(self, *, timestamp: int) -> tuple[int, int, int, int, int]:
        """(paid, pending_all, dust, undistributed, funded) at ``timestamp``, without changing anything.

        Every pool is brought up to ``timestamp`` on a scratch copy; pending_all sums ``pending_reward``
        over every staker.  ``paid + pending_all + dust + undistributed == funded`` must hold.  Raises
        AssertionError if the sub-wei parts do not add up to whole wei (which would break it).
        """
        pools, idle = [], 0
        for pool in self.pools:
            pool, extra = accrue(pool, self.rate_per_point, self.period_end, timestamp)
            pools.append(pool)
            idle += extra
        undistributed_scaled = self.carried + idle + self._remaining(self.total_alloc_point, timestamp)
        undistributed, dust_scaled = divmod(undistributed_scaled, ACC_PRECISION)
        dust_scaled += sum(pool.acc_remainder for pool in pools)
        pending_all = 0
        for (pid, _), user in self.users.items():
            whole, sub_wei = divmod(accrual(user, pools[pid].acc_reward_per_share), ACC_PRECISION)
            pending_all += whole
            dust_scaled += sub_wei
        dust, loose = divmod(dust_scaled, ACC_PRECISION)
        if loose:
            raise AssertionError(f"sub-wei remainders add up to {dust_scaled} scaled: not whole wei")
        return self.total_paid, pending_all, dust, undistributed, self.total_funded

    # --- internals -------------------------------------------------------------------------------

    def _pool(self, pid: int) -> PoolInfo:
        if not 0 <= pid < len(self.pools):
            raise InvalidPool()
        return self.pools[pid]

    def _accrue(self, pid: int, timestamp: int) -> PoolInfo:
        """Brings pool ``pid`` up to ``timestamp`` in place, carrying idle emission; returns it."""
        pool, idle = accrue(self.pools[pid], self.rate_per_point, self.period_end, timestamp)
        self.pools[pid] = pool
        self.carried += idle
        return pool

    def _settle_all(self, timestamp: int) -> None:
        for pid in range(len(self.pools)):
            self._accrue(pid, timestamp)

    def _remaining(self, total_alloc_point: int, timestamp: int) -> int:
        return remaining(self.rate_per_point, self.period_end, total_alloc_point, timestamp)

    def _respread(self, old_total: int, new_total: int, timestamp: int) -> None:
        """After settling every pool: spreads what is left of the running period over ``new_total``
        (rate rounds down, the rest is carried) and stores the new total weight."""
        if timestamp < self.period_end:
            left = self._remaining(old_total, timestamp)
            span = self.period_end - timestamp
            rate = left // (new_total * span) if new_total else 0
            self.carried += left - rate * new_total * span
            self.rate_per_point = rate
        self.total_alloc_point = new_total

    def _harvest(self, pid: int, sender: str, timestamp: int) -> int:
        """Brings the pool up to date and books the staker's whole-wei accrual as paid; returns it."""
        pool = self._accrue(pid, timestamp)
        user = self.users.get((pid, sender), NO_USER)
        reward = accrual(user, pool.acc_reward_per_share) // ACC_PRECISION
        if reward:
            self.users[(pid, sender)] = user._replace(reward_debt=(user.reward_debt + reward * ACC_PRECISION) % UINT256)
        return reward

    def _pay(self, to: str, reward: int) -> None:
        if reward:
            self.total_paid += reward
            self._push(self.reward_token, to, reward)

    def _pull(self, token, frm: str, amount: int) -> int:
        """SafeTransferLib.safeTransferFrom measured by the farm's balance change."""
        before = token.balance_of(self.address)
        try:
            token.transfer(frm, self.address, amount)
        except PoolError:
            raise TransferFromFailed() from None
        return token.balance_of(self.address) - before

    def _push(self, token, to: str, amount: int) -> None:
        """SafeTransferLib.safeTransfer."""
        try:
            token.transfer(self.address, to, amount)
        except PoolError:
            raise TransferFailed() from None

    # --- snapshots -------------------------------------------------------------------------------

    def _save(self):
        """The farm's own state (not its ledgers'), for an in-place restore."""
        return (
            self.owner,
            dict(self.tokens),
            self.rate_per_point,
            self.period_end,
            list(self.pools),
            dict(self.pid_of),
            dict(self.users),
            set(self.funders),
            self.total_alloc_point,
            self.total_funded,
            self.total_paid,
            self.carried,
        )

    def _load(self, state) -> None:
        (
            self.owner,
            tokens,
            self.rate_per_point,
            self.period_end,
            pools,
            pid_of,
            users,
            funders,
            self.total_alloc_point,
            self.total_funded,
            self.total_paid,
            self.carried,
        ) = state
        self.tokens, self.pools, self.pid_of = dict(tokens), list(pools), dict(pid_of)
        self.users, self.funders = dict(users), set(funders)

    def snapshot(self):
        """Opaque saved state of the farm and every ledger it touches (for ``restore``)."""
        ledgers = {id(token): token for token in self.tokens.values()}
        return self._save(), [(token, token._save()) for token in ledgers.values()]

    def restore(self, snapshot) -> None:
        """Back to ``snapshot`` in place (object identities are kept; can be restored repeatedly)."""
        state, ledgers = snapshot
        self._load(state)
        for token, saved in ledgers:
            token._load(saved)

    def copy(self) -> "Farm":
        """Independent copy, ledgers included (records are immutable, so this is a few container copies)."""
        return deepcopy(self)

    def __deepcopy__(self, memo):
        new = Farm.__new__(Farm)
        memo[id(self)] = new
        state = self._save()
        new._load(state)
        new._entered = False
        new.address = self.address
        new.tokens = {address: deepcopy(token, memo) for address, token in self.tokens.items()}
        new.reward_token = new.tokens[self.reward_token.address]
        return new

    def state(self) -> tuple:
        """Everything the farm stores, as one value to compare with ``==`` (ledgers excluded)."""
        return (
            self.address,
            self.owner,
            self.reward_token.address,
            tuple(self.tokens),
            self.rate_per_point,
            self.period_end,
            tuple(self.pools),
            dict(self.pid_of),
            dict(self.users),
            frozenset(self.funders),
            self.total_alloc_point,
            self.total_funded,
            self.total_paid,
            self.carried,
        )

    def __repr__(self):
        return (
            f"Farm({self.address}, pools={len(self.pools)}, rate_per_point={self.rate_per_point}, "
            f"period_end={self.period_end}, funded={self.total_funded}, paid={self.total_paid})"
        )


class FeeOnTransferToken(Token):
    """contracts/test/FeeOnTransferToken.sol: every transfer burns ``fee_bps`` / 10000 of the amount
    (rounded down) and delivers the rest; mints are free."""

    __slots__ = ("fee_bps",)

    def __init__(self, address, fee_bps, decimals=18, name="", symbol=""):
        super().__init__(address, decimals, name, symbol)
        self.fee_bps = fee_bps

    def transfer(self, frm, to, amount):
        """OZ _transfer then the override: burn ``fee = amount * fee_bps // 10000`` from ``frm``, move the rest.

        Raises ERC20InvalidSender / ERC20InvalidReceiver / ERC20InsufficientBalance.
        """
        self.check_transfer(frm, to, amount)
        fee = amount * self.fee_bps // 10_000
        if fee:
            debit(self.balances, frm, fee)
            self.total_supply -= fee
        super().transfer(frm, to, amount - fee)

    def copy(self):
        new = FeeOnTransferToken.__new__(FeeOnTransferToken)
        for name in Token.__slots__ + FeeOnTransferToken.__slots__:
            setattr(new, name, getattr(self, name))
        new.balances = dict(self.balances)
        return new
