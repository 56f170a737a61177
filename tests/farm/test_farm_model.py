"""Model-only properties of the liquidity-mining farm (python_model/farm.py); no chain.

* A state machine over random sequences of every farm operation checks after each step that
  paid + pending_all + dust + undistributed == funded, that the farm holds exactly what it owes, that
  stakes add up, and that an operation that raises changed nothing.
* Focused properties: a stake added and removed at one timestamp earns nothing; emission on a pool
  without stake is carried into the next funding and paid out then; a top-up during a period never
  lowers the rate; deposits credit what arrived; an emergency withdrawal forfeits nothing.
* Every farm error raised where it should, with the state unchanged.

Sizes come from the active hypothesis profile (tests/conftest.py); only deadlines are switched off.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from python_model.errors import PoolError
from python_model.farm import (
    ACC_PRECISION,
    MAX_DURATION,
    MAX_FUNDED,
    UINT128_MAX,
    Farm,
    FeeOnTransferToken,
    accrual,
    accrue,
)
from python_model.farm_errors import (
    FARM_ERRORS,
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
from python_model.token import ZERO_ADDRESS, Token


def addr(n: int) -> str:
    return "0x%040x" % n


OWNER = addr(0x0E)
FUNDER = addr(0x0F)
STRANGER = addr(0x66)
FARM = addr(0xFA)
REWARD = addr(0xE000)
STAKERS = [addr(0x1001), addr(0x1002), addr(0x1003)]
START = 1_800_000_000
DAY = 86_400
BIG = 10**40  # every actor's starting balance of every token

quick = settings(deadline=None)  # sizes from the profile


def spread(lo: int, hi: int):
    """Integers in [lo, hi] spread over orders of magnitude (edges included)."""
    return st.one_of(
        st.sampled_from([lo, hi]),
        st.integers(lo, hi),
        st.builds(lambda m, e: max(lo, min(hi, m * 10**e)), st.integers(1, 999), st.integers(0, 40)),
    )


class World:
    """A farm with its ledgers: the reward token, two plain LP tokens and a 2.5% fee-on-transfer one."""

    def __init__(self):
        self.reward = Token(REWARD)
        self.lps = [Token(addr(0xA000)), Token(addr(0xB000)), FeeOnTransferToken(addr(0xC000), 250)]
        self.farm = Farm(FARM, self.reward, OWNER)
        self.farm.set_funder(OWNER, FUNDER, True)
        self.now = START
        for holder in (OWNER, FUNDER):
            self.reward.mint(holder, BIG)
        for staker in STAKERS:
            for lp in self.lps:
                lp.mint(staker, BIG)

    def ledgers(self):
        return [dict(t.balances) for t in [self.reward] + self.lps] + [t.total_supply for t in self.lps]


def unchanged_after(world: World, call, error=PoolError):
    """``call()`` must raise ``error`` and leave the farm and every ledger exactly as they were."""
    before = (world.farm.state(), world.ledgers())
    with pytest.raises(error) as info:
        call()
    assert (world.farm.state(), world.ledgers()) == before
    return info.value


def check_identity(farm: Farm, timestamp: int):
    paid, pending, dust, undistributed, funded = farm.conservation(timestamp=timestamp)
    assert min(paid, pending, dust, undistributed) >= 0
    assert paid + pending + dust + undistributed == funded
    return paid, pending, dust, undistributed, funded


# --- the state machine -------------------------------------------------------------------------------


class FarmMachine(RuleBasedStateMachine):
    """Random operations by the owner, a funder, a stranger and three stakers; model invariants after each."""

    def __init__(self):
        super().__init__()
        self.w = World()
        self.farm = self.w.farm
        self.max_staked = {}  # pid -> largest total stake seen (bounds its accumulator remainder)

    @property
    def now(self):
        return self.w.now

    @initialize(
        allocs=st.lists(st.sampled_from([0, 1, 10, 100, 2**32 - 1]), min_size=0, max_size=3),
        amount=spread(0, 10**30),
        duration=st.integers(1, 365 * DAY),
    )
    def setup(self, allocs, amount, duration):
        """Some pools (maybe none) and a first funding, so most runs start somewhere interesting."""
        for lp, alloc in zip(self.w.lps, allocs):
            self.farm.add_pool(OWNER, lp, alloc, timestamp=self.now)
        self.farm.fund(FUNDER, amount, duration, timestamp=self.now)

    def pick_pid(self, data):
        """A pool id: one in ten is the first invalid id."""
        n = len(self.farm.pools)
        return n if data.draw(st.integers(0, 9)) == 0 else data.draw(st.integers(0, n - 1))

    def attempt(self, call):
        """Run one operation; if it raises a revert, nothing may have changed. Returns (result, error)."""
        before = (self.farm.state(), self.w.ledgers())
        try:
            return call(), None
        except PoolError as exc:
            assert isinstance(exc, FARM_ERRORS), type(exc)
            assert (self.farm.state(), self.w.ledgers()) == before, f"{type(exc).__name__} changed state"
            note(f"reverted {type(exc).__name__}")
            return None, exc

    # -- rules ------------------------------------------------------------------------------------

    @rule(seconds=st.sampled_from([0, 0, 1, 7, 600, 3600, DAY, DAY, 10 * DAY, 400 * DAY]))
    def advance(self, seconds):
        self.w.now += seconds

    @rule(index=st.integers(0, 3), alloc=st.sampled_from([0, 1, 10, 100, 2**32 - 1]), who=st.integers(0, 4))
    def add_pool(self, index, alloc, who):
        token = (self.w.lps + [self.w.reward])[index]
        by_owner = who != 0
        sender = OWNER if by_owner else STRANGER
        pid, err = self.attempt(lambda: self.farm.add_pool(sender, token, alloc, timestamp=self.now))
        if not by_owner:
            assert isinstance(err, Unauthorized)
        elif token is self.w.reward:
            assert isinstance(err, RewardTokenStaked)
        elif err is None:
            assert self.farm.pool_info(pid).lp_token == token.address

    @precondition(lambda self: self.farm.pools)
    @rule(data=st.data(), alloc=st.sampled_from([0, 1, 10, 100, 2**32 - 1]))
    def set_alloc_point(self, data, alloc):
        pid = self.pick_pid(data)
        _, err = self.attempt(lambda: self.farm.set_alloc_point(OWNER, pid, alloc, timestamp=self.now))
        assert (err is None) == (pid < len(self.farm.pools))

    @rule(
        who=st.sampled_from([OWNER, FUNDER, FUNDER, FUNDER, STRANGER]),
        amount=spread(0, 10**30),
        duration=st.one_of(
            st.sampled_from([0, 1, DAY, 7 * DAY, MAX_DURATION, MAX_DURATION + 1]), st.integers(1, 365 * DAY)
        ),
    )
    def fund(self, who, amount, duration):
        old_rate, running = self.farm.rate_per_point, self.now < self.farm.period_end
        _, err = self.attempt(lambda: self.farm.fund(who, amount, duration, timestamp=self.now))
        if who == STRANGER:
            assert isinstance(err, NotFunder)
        elif not 0 < duration <= MAX_DURATION:
            assert isinstance(err, InvalidDuration)
        elif err is None:
            event("top-up during a period" if running else "new period")
            assert self.farm.period_end == self.now + duration
            if running:
                assert self.farm.rate_per_point >= old_rate
        else:
            event("top-up refused: rate would drop")
            assert isinstance(err, RewardRateDecreased) and running

    @precondition(lambda self: self.farm.pools)
    @rule(data=st.data(), staker=st.sampled_from(STAKERS), amount=spread(1, 10**27), zero=st.integers(0, 19))
    def deposit(self, data, staker, amount, zero):
        pid = self.pick_pid(data)
        amount = 0 if zero == 0 else amount
        before = self.farm.user_info(pid, staker).amount if pid < len(self.farm.pools) else 0
        received, err = self.attempt(lambda: self.farm.deposit(staker, pid, amount, timestamp=self.now))
        if err is None:
            assert 0 < received <= amount
            assert self.farm.user_info(pid, staker).amount == before + received
            staked = self.farm.pools[pid].total_staked
            self.max_staked[pid] = max(self.max_staked.get(pid, 0), staked)

    @precondition(lambda self: self.farm.pools)
    @rule(data=st.data(), staker=st.sampled_from(STAKERS), part=st.sampled_from(["all", "half", "one", "zero", "more"]))
    def withdraw(self, data, staker, part):
        pid = self.pick_pid(data)
        stake = self.farm.user_info(pid, staker).amount
        amount = {"all": stake, "half": stake // 2, "one": 1, "zero": 0, "more": stake + 1}[part]
        pending = self.farm.pending_reward(pid, staker, timestamp=self.now) if pid < len(self.farm.pools) else 0
        _, err = self.attempt(lambda: self.farm.withdraw(staker, pid, amount, timestamp=self.now))
        if err is None:
            assert self.farm.pending_reward(pid, staker, timestamp=self.now) == pending  # nothing paid, nothing lost
        elif amount > stake and amount and pid < len(self.farm.pools):
            assert isinstance(err, InsufficientStake)

    @precondition(lambda self: self.farm.pools)
    @rule(data=st.data(), staker=st.sampled_from(STAKERS))
    def harvest(self, data, staker):
        pid = self.pick_pid(data)
        pending = self.farm.pending_reward(pid, staker, timestamp=self.now) if pid < len(self.farm.pools) else 0
        balance = self.w.reward.balance_of(staker)
        reward, err = self.attempt(lambda: self.farm.harvest(staker, pid, timestamp=self.now))
        if err is None:
            event("harvest paid" if reward else "harvest of nothing")
            assert reward == pending
            assert self.w.reward.balance_of(staker) == balance + reward
            assert self.farm.pending_reward(pid, staker, timestamp=self.now) == 0
        else:
            assert isinstance(err, InvalidPool)

    @rule(staker=st.sampled_from(STAKERS))
    def harvest_all(self, staker):
        pending = sum(self.farm.pending_reward(p, staker, timestamp=self.now) for p in range(len(self.farm.pools)))
        reward, err = self.attempt(lambda: self.farm.harvest_all(staker, timestamp=self.now))
        assert err is None and reward == pending

    @precondition(lambda self: self.farm.pools)
    @rule(data=st.data(), staker=st.sampled_from(STAKERS))
    def emergency_withdraw(self, data, staker):
        pid = self.pick_pid(data)
        stake = self.farm.user_info(pid, staker).amount
        pending = self.farm.pending_reward(pid, staker, timestamp=self.now) if pid < len(self.farm.pools) else 0
        amount, err = self.attempt(lambda: self.farm.emergency_withdraw(staker, pid, timestamp=self.now))
        if err is None:
            assert amount == stake
            assert self.farm.pending_reward(pid, staker, timestamp=self.now) == pending  # forfeits nothing
        else:
            assert isinstance(err, (InvalidPool, ZeroAmount))

    # -- invariants -------------------------------------------------------------------------------

    @invariant()
    def conservation(self):
        paid, pending, dust, undistributed, funded = check_identity(self.farm, self.now)
        if pending and dust:
            event("identity with pending rewards and dust")
        # Dust: below one wei per staker, plus each pool's accumulator remainder (< its stake / 1e18), plus one.
        users = len(self.farm.users)
        bound = users * ACC_PRECISION + sum(self.max_staked.values()) + ACC_PRECISION
        assert dust * ACC_PRECISION <= bound

    @invariant()
    def solvent(self):
        # No donations here, so the reward balance is exactly what was received minus what was paid.
        assert self.w.reward.balance_of(FARM) == self.farm.total_funded - self.farm.total_paid

    @invariant()
    def stakes_add_up(self):
        per_pool = {}
        for (pid, _), user in self.farm.users.items():
            per_pool[pid] = per_pool.get(pid, 0) + user.amount
        ledgers = {lp.address: lp for lp in self.w.lps}
        for pid, pool in enumerate(self.farm.pools):
            assert pool.total_staked == per_pool.get(pid, 0)
            assert ledgers[pool.lp_token].balance_of(FARM) == pool.total_staked  # LP custody is exact

    @invariant()
    def schedule_is_funded(self):
        # What the running schedule still has to emit never exceeds what is neither owed nor paid.
        paid, pending, dust, undistributed, funded = self.farm.conservation(timestamp=self.now)
        left = self.farm._remaining(self.farm.total_alloc_point, self.now)
        assert left <= undistributed * ACC_PRECISION + ACC_PRECISION


FarmMachine.TestCase.settings = settings(deadline=None, stateful_step_count=50)
test_farm_model_machine = FarmMachine.TestCase


# --- focused properties ----------------------------------------------------------------------------------


def funded_world(amount=10**24, duration=7 * DAY, allocs=(100, 50)):
    w = World()
    for lp, alloc in zip(w.lps, allocs):
        w.farm.add_pool(OWNER, lp, alloc, timestamp=w.now)
    w.farm.fund(OWNER, amount, duration, timestamp=w.now)
    return w


@quick
@given(
    amount=spread(1, 10**30),
    stake=spread(1, 10**27),
    others=st.lists(spread(1, 10**27), max_size=2),
    wait=st.integers(0, 30 * DAY),
    pid=st.integers(0, 2),
)
def test_same_block_stake_earns_nothing(amount, stake, others, wait, pid):
    w = funded_world(amount, allocs=(100, 50, 25))
    for staker, other in zip(STAKERS[1:], others):
        w.farm.deposit(staker, pid, other, timestamp=w.now)
    w.now += wait
    me = STAKERS[0]
    pending_others = [w.farm.pending_reward(pid, s, timestamp=w.now) for s in STAKERS[1:]]
    received = w.farm.deposit(me, pid, stake, timestamp=w.now)
    assert w.farm.pending_reward(pid, me, timestamp=w.now) == 0
    w.farm.withdraw(me, pid, received, timestamp=w.now)
    assert w.farm.harvest(me, pid, timestamp=w.now) == 0
    assert [w.farm.pending_reward(pid, s, timestamp=w.now) for s in STAKERS[1:]] == pending_others
    check_identity(w.farm, w.now)


@quick
@given(amount=spread(10**6, 10**30), idle=st.integers(1, 7 * DAY - 1), duration=st.integers(1, 30 * DAY))
def test_idle_emission_is_carried_into_the_next_funding(amount, idle, duration):
    w = funded_world(amount, allocs=(100,))
    farm = w.farm
    carried0 = farm.carried  # the rounding remainder of the first schedule
    rate = farm.rate_per_point
    w.now += idle
    farm.deposit(STAKERS[0], 0, 10**18, timestamp=w.now)  # brings the idle pool up to date
    assert farm.carried == carried0 + rate * 100 * idle
    check_identity(farm, w.now)
    # After the period the staker has everything emitted while it was staked; the idle part waits.
    w.now = farm.period_end + 1
    _, pending, dust, undistributed, funded = check_identity(farm, w.now)
    assert undistributed == farm.carried // ACC_PRECISION
    # A new funding (even of nothing) schedules the carried rewards; a staker present throughout gets them.
    farm.fund(OWNER, 0, duration, timestamp=w.now)
    assert farm.rate_per_point * 100 * duration + farm.carried == carried0 + rate * 100 * idle
    w.now = farm.period_end
    paid, pending, dust, undistributed, funded = check_identity(farm, w.now)
    assert undistributed == farm.carried // ACC_PRECISION
    assert farm.carried < 100 * duration  # only the new schedule's rounding remainder is left over
    farm.harvest(STAKERS[0], 0, timestamp=w.now)
    paid, pending, dust, undistributed, funded = check_identity(farm, w.now)
    assert funded - paid == dust + undistributed  # nothing is owed any more; nothing was lost


def test_emission_with_no_weight_is_carried_whole():
    w = World()
    w.farm.fund(OWNER, 10**21, DAY, timestamp=w.now)  # no pools yet: all of it carried
    assert w.farm.rate_per_point == 0 and w.farm.carried == 10**21 * ACC_PRECISION
    w.farm.add_pool(OWNER, w.lps[0], 10, timestamp=w.now + 5)
    w.farm.deposit(STAKERS[0], 0, 10**18, timestamp=w.now + 5)
    w.farm.fund(FUNDER, 0, DAY, timestamp=w.now + 10)  # a running (empty) period may be re-spread upwards
    w.now += 10 + DAY
    paid, pending, dust, undistributed, funded = check_identity(w.farm, w.now)
    assert pending == 10**21 - 1 and dust == 1 and undistributed == 0  # the last wei is the staker's remainder


@quick
@given(
    first=spread(1, 10**30),
    d1=st.integers(1, 60 * DAY),
    elapsed=st.integers(0, 60 * DAY),
    second=spread(0, 10**30),
    d2=st.integers(1, 60 * DAY),
    allocs=st.lists(st.integers(0, 1000), min_size=1, max_size=3),
)
def test_top_up_never_lowers_the_rate(first, d1, elapsed, second, d2, allocs):
    w = funded_world(first, d1, tuple(allocs))
    farm = w.farm
    rate, end = farm.rate_per_point, farm.period_end
    w.now += elapsed
    running = w.now < end
    alloc = farm.total_alloc_point
    left = rate * alloc * (end - w.now) if running else 0
    idle = sum(accrue(pool, rate, end, w.now)[1] for pool in farm.pools)  # no stake: carried at settlement
    total = left + second * ACC_PRECISION + farm.carried + idle
    expected = total // (alloc * d2) if alloc else 0
    if running and expected < rate:
        unchanged_after(w, lambda: farm.fund(FUNDER, second, d2, timestamp=w.now), RewardRateDecreased)
        return
    farm.fund(FUNDER, second, d2, timestamp=w.now)
    assert farm.rate_per_point == expected
    if running:
        assert farm.rate_per_point >= rate
    check_identity(farm, w.now)


@quick
@given(fee_bps=st.integers(0, 10_000), amount=spread(1, 10**27))
def test_deposit_credits_what_arrived(fee_bps, amount):
    w = World()
    token = FeeOnTransferToken(addr(0xD000), fee_bps)
    token.mint(STAKERS[0], amount)
    w.farm.add_pool(OWNER, token, 1, timestamp=w.now)
    expected = amount - amount * fee_bps // 10_000
    if expected == 0:
        unchanged_after(w, lambda: w.farm.deposit(STAKERS[0], 0, amount, timestamp=w.now), ZeroAmount)
        return
    assert w.farm.deposit(STAKERS[0], 0, amount, timestamp=w.now) == expected
    assert w.farm.total_staked(0) == expected == token.balance_of(FARM)
    # The whole credited stake can always come back out (the farm stays solvent in LP).
    w.farm.withdraw(STAKERS[0], 0, expected, timestamp=w.now)
    assert token.balance_of(FARM) == 0


@quick
@given(stake=spread(1, 10**27), wait=st.integers(1, 10 * DAY), later=st.integers(0, 400 * DAY))
def test_emergency_withdraw_returns_the_stake_and_keeps_rewards(stake, wait, later):
    w = funded_world()
    lp = w.lps[0]
    me = STAKERS[0]
    w.farm.deposit(me, 0, stake, timestamp=w.now)
    w.now += wait
    pending = w.farm.pending_reward(0, me, timestamp=w.now)
    balance = lp.balance_of(me)
    assert w.farm.emergency_withdraw(me, 0, timestamp=w.now) == stake
    assert lp.balance_of(me) == balance + stake
    assert w.farm.pending_reward(0, me, timestamp=w.now + later) == pending  # frozen, not forfeited
    assert w.farm.harvest(me, 0, timestamp=w.now + later) == pending
    check_identity(w.farm, w.now + later)


def test_two_stakers_split_by_time_and_stake():
    w = funded_world(7 * DAY * 10**18, 7 * DAY, allocs=(1,))  # 1e18 per second, one pool
    a, b = STAKERS[:2]
    w.farm.deposit(a, 0, 10**18, timestamp=w.now)
    w.farm.deposit(b, 0, 3 * 10**18, timestamp=w.now + 100)
    t = w.now + 200
    assert w.farm.pending_reward(0, a, timestamp=t) == 100 * 10**18 + 25 * 10**18
    assert w.farm.pending_reward(0, b, timestamp=t) == 75 * 10**18
    assert w.farm.reward_rate(timestamp=t) == 10**18
    assert w.farm.pool_reward_rate(0, timestamp=t) == 10**18
    assert w.farm.reward_rate(timestamp=w.farm.period_end) == 0


def test_copy_and_snapshot_are_independent():
    w = funded_world()
    w.farm.deposit(STAKERS[0], 0, 10**18, timestamp=w.now)
    clone = w.farm.copy()
    snap = w.farm.snapshot()
    state = w.farm.state()
    w.farm.harvest(STAKERS[0], 0, timestamp=w.now + DAY)
    assert clone.state() == state and clone.state() != w.farm.state()
    assert clone.reward_token is not w.reward
    paid = w.reward.balance_of(STAKERS[0])
    assert paid > 0 and clone.reward_token.balance_of(STAKERS[0]) == 0  # the copy's ledger did not pay
    w.farm.restore(snap)
    assert w.farm.state() == state
    assert w.reward.balance_of(STAKERS[0]) == 0


# --- every error where it should be --------------------------------------------------------------------


def test_constructor_rejects_zero_addresses():
    with pytest.raises(ZeroAddress):
        Farm(FARM, Token(ZERO_ADDRESS), OWNER)
    with pytest.raises(ZeroAddress):
        Farm(FARM, Token(REWARD), ZERO_ADDRESS)


def test_owner_only_operations():
    w = funded_world()
    unchanged_after(w, lambda: w.farm.add_pool(STRANGER, w.lps[2], 1, timestamp=w.now), Unauthorized)
    unchanged_after(w, lambda: w.farm.set_alloc_point(FUNDER, 0, 1, timestamp=w.now), Unauthorized)
    unchanged_after(w, lambda: w.farm.set_funder(STRANGER, STRANGER, True), Unauthorized)
    unchanged_after(w, lambda: w.farm.fund(STRANGER, 1, DAY, timestamp=w.now), NotFunder)
    w.farm.set_funder(OWNER, FUNDER, False)
    unchanged_after(w, lambda: w.farm.fund(FUNDER, 1, DAY, timestamp=w.now), NotFunder)
    assert not w.farm.is_funder(FUNDER)


def test_pool_registration_errors():
    w = funded_world()
    unchanged_after(w, lambda: w.farm.add_pool(OWNER, Token(ZERO_ADDRESS), 1, timestamp=w.now), ZeroAddress)
    unchanged_after(w, lambda: w.farm.add_pool(OWNER, w.reward, 1, timestamp=w.now), RewardTokenStaked)
    unchanged_after(w, lambda: w.farm.add_pool(OWNER, w.lps[0], 5, timestamp=w.now), PoolAlreadyAdded)
    unchanged_after(w, lambda: w.farm.set_funder(OWNER, ZERO_ADDRESS, True), ZeroAddress)
    assert w.farm.pool_id_of(w.lps[1].address) == (True, 1)
    assert w.farm.pool_id_of(w.lps[2].address) == (False, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda f, t: f.deposit(STAKERS[0], 2, 1, timestamp=t),
        lambda f, t: f.withdraw(STAKERS[0], 2, 1, timestamp=t),
        lambda f, t: f.harvest(STAKERS[0], 2, timestamp=t),
        lambda f, t: f.emergency_withdraw(STAKERS[0], 2, timestamp=t),
        lambda f, t: f.set_alloc_point(OWNER, 2, 1, timestamp=t),
        lambda f, t: f.pending_reward(2, STAKERS[0], timestamp=t),
        lambda f, t: f.pool_info(2),
        lambda f, t: f.pool_reward_rate(2, timestamp=t),
        lambda f, t: f.total_staked(2),
    ],
    ids=["deposit", "withdraw", "harvest", "emergency", "set_alloc", "pending", "pool_info", "pool_rate", "staked"],
)
def test_invalid_pool(call):
    w = funded_world()
    unchanged_after(w, lambda: call(w.farm, w.now), InvalidPool)


def test_amount_errors():
    w = funded_world()
    me = STAKERS[0]
    unchanged_after(w, lambda: w.farm.deposit(me, 0, 0, timestamp=w.now), ZeroAmount)
    unchanged_after(w, lambda: w.farm.withdraw(me, 0, 0, timestamp=w.now), ZeroAmount)
    unchanged_after(w, lambda: w.farm.emergency_withdraw(me, 0, timestamp=w.now), ZeroAmount)
    w.farm.deposit(me, 0, 10, timestamp=w.now)
    unchanged_after(w, lambda: w.farm.withdraw(me, 0, 11, timestamp=w.now + 1), InsufficientStake)
    unchanged_after(w, lambda: w.farm.withdraw(STAKERS[1], 0, 1, timestamp=w.now + 1), InsufficientStake)
    # A fee-on-transfer token that keeps everything delivers nothing.
    eater = FeeOnTransferToken(addr(0xD000), 10_000)
    eater.mint(me, 100)
    w.farm.add_pool(OWNER, eater, 1, timestamp=w.now)
    unchanged_after(w, lambda: w.farm.deposit(me, 2, 100, timestamp=w.now + 5), ZeroAmount)


def test_transfer_errors():
    w = funded_world()
    poor = addr(0x9999)
    unchanged_after(w, lambda: w.farm.deposit(poor, 0, 1, timestamp=w.now), TransferFromFailed)
    w.farm.set_funder(OWNER, poor, True)
    unchanged_after(w, lambda: w.farm.fund(poor, 1, DAY, timestamp=w.now), TransferFromFailed)
    # The reward token takes the farm's balance away (a clawback): paying and funding must fail.
    me = STAKERS[0]
    w.farm.deposit(me, 0, 10**18, timestamp=w.now)
    w.now += DAY
    w.reward.transfer(FARM, OWNER, w.reward.balance_of(FARM))
    unchanged_after(w, lambda: w.farm.harvest(me, 0, timestamp=w.now), TransferFailed)
    unchanged_after(w, lambda: w.farm.harvest_all(me, timestamp=w.now), TransferFailed)
    unchanged_after(w, lambda: w.farm.fund(OWNER, 10**18, DAY, timestamp=w.now), InsufficientRewardBalance)
    # Withdrawals never need the reward token.
    w.farm.emergency_withdraw(me, 0, timestamp=w.now)


def test_duration_and_rate_errors():
    w = funded_world(10**24, 7 * DAY)
    for pid in (0, 1):  # staked pools: no idle emission is carried back into the next funding
        w.farm.deposit(STAKERS[0], pid, 10**18, timestamp=w.now)
    unchanged_after(w, lambda: w.farm.fund(OWNER, 1, 0, timestamp=w.now), InvalidDuration)
    unchanged_after(w, lambda: w.farm.fund(OWNER, 1, MAX_DURATION + 1, timestamp=w.now), InvalidDuration)
    w.now += DAY
    # Stretching what is left over a longer period would lower the rate.
    unchanged_after(w, lambda: w.farm.fund(OWNER, 0, 7 * DAY, timestamp=w.now), RewardRateDecreased)
    w.farm.fund(OWNER, 0, 6 * DAY, timestamp=w.now)  # same remaining span: the rate holds
    # After the end any rate goes.
    w.now = w.farm.period_end
    w.farm.fund(OWNER, 1, MAX_DURATION, timestamp=w.now)


def test_overflow_errors():
    w = World()
    w.farm.add_pool(OWNER, w.lps[0], 1, timestamp=w.now)
    whale = addr(0x7777)
    w.reward.mint(whale, MAX_FUNDED + 1)
    w.farm.set_funder(OWNER, whale, True)
    unchanged_after(w, lambda: w.farm.fund(whale, MAX_FUNDED + 1, DAY, timestamp=w.now), Overflow)
    w.farm.fund(whale, MAX_FUNDED, DAY, timestamp=w.now)  # the cap itself is fine
    w.lps[0].mint(whale, 2**130)
    w.farm.deposit(whale, 0, UINT128_MAX, timestamp=w.now)
    unchanged_after(w, lambda: w.farm.deposit(whale, 0, 1, timestamp=w.now), Overflow)
    w.now += DAY
    check_identity(w.farm, w.now)
    assert w.farm.harvest(whale, 0, timestamp=w.now) > 0


def test_accrual_wraps_like_the_contract():
    """rewardDebt is kept modulo 2**256: a staker that left holds a 'negative' debt worth its rewards."""
    w = funded_world()
    me = STAKERS[0]
    w.farm.deposit(me, 0, 10**18, timestamp=w.now)
    w.now += DAY
    w.farm.withdraw(me, 0, 10**18, timestamp=w.now)
    user = w.farm.user_info(0, me)
    assert user.amount == 0 and user.reward_debt > 2**255
    assert accrual(user, 0) // ACC_PRECISION == w.farm.pending_reward(0, me, timestamp=w.now) > 0
