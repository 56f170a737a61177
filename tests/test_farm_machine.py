"""Scenario: liquidity mining on the Farm, model == chain after every step, and no reward wei lost.

Three stakers over two to four pools: real tidepool LP tokens and a 2.5 % fee-on-transfer LP (see
tests/farm_world.py for why), with distinct weights at the start. Rules deposit (parts of a balance, a few
wei, nothing, more than the balance), withdraw (parts, all, one wei, nothing, more than the stake), harvest
one pool or all, withdraw in an emergency, empty a pool completely, fund or top up (owner, authorised
funder, or a stranger who must be refused; durations out of range; top-ups that would lower the rate),
change a weight, add a pool (a new LP token, a duplicate, the reward token), switch the funder on and
off, donate reward tokens, and let time pass: seconds, days, years, or exactly to the end of the period.

Properties, after every step (one Lens read of every farm view and every balance):
- outcomes_agree: model and chain both succeed or both revert with the same error;
- chain_equals_model: every global, pool, staker (pendingReward, userInfo), rate, funder and pool id, the
  reward balances of the farm and every actor, and the LP balances of the farm and the stakers;
- conservation: paid + pending(all stakers) + dust + undistributed == funded, to the wei, computed from
  the chain's numbers (and equal to the model's split);
- solvent: the farm holds funded - paid (+ donations) reward tokens and exactly each pool's stake of LP;
- events_match_model, and the rule-level properties named in each assertion.
"""

from __future__ import annotations

import pytest
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from conftest import count_step, machine_settings
from farm_world import DAY, FarmWorld, chain_conservation, deploy_farm_world, outcome
from python_model.farm import MAX_DURATION

alloc_points = st.sampled_from([0, 1, 3, 10, 100, 2**32 - 1])
durations = st.sampled_from([1, 60, 3600, DAY, 7 * DAY, 30 * DAY, 30 * DAY, 90 * DAY, 365 * DAY, MAX_DURATION])
any_duration = st.one_of(durations, st.sampled_from([0, MAX_DURATION + 1]))
# Reward amounts over many orders of magnitude (and zero: a re-spread of what is carried).
fund_amounts = st.builds(lambda m, e: m * 10**e, st.integers(0, 9999), st.integers(0, 26))
# Seconds to wait; the long gaps end periods and leave emptied pools idle for a long time. "end-1", "end"
# and "end+1" go to just before, exactly at, or just after the end of the funded period.
waits = st.one_of(
    st.sampled_from([1, 7, 600, 3600, DAY, DAY, 10 * DAY, 400 * DAY, 3 * 365 * DAY]),
    st.integers(1, 40 * DAY),
    st.sampled_from(["end-1", "end", "end+1"]),
)
# A staker acts now (often: same-timestamp operations) or a little later.
pauses = st.sampled_from([0, 0, 0, 1, 13, 600, 3600, DAY])
pids = st.integers(0, 15)  # 15: the first invalid pool id; 12-14: any pool; below 12: mostly a staked one
stakers = st.integers(0, 2)
# How much to deposit: basis points of the balance, a few wei, nothing, or one wei more than the balance.
deposit_sizes = st.one_of(
    st.tuples(st.just("bps"), st.integers(1, 10_000)),
    st.tuples(st.just("wei"), st.integers(1, 10**6)),
    st.sampled_from([("zero", 0), ("over", 1)]),
)
# How much to withdraw: basis points of the stake, all, one wei, nothing, one wei more than the stake, or
# everyone's whole stake in the pool.
withdraw_sizes = st.one_of(
    st.tuples(st.just("bps"), st.integers(1, 10_000)),
    st.sampled_from([("all", 0), ("one", 1), ("zero", 0), ("over", 1), ("everyone", 0)]),
)


class FarmMachine(RuleBasedStateMachine):
    world: FarmWorld  # set by the test that runs the machine

    def __init__(self):
        super().__init__()
        w = self.world
        self.chain, self.farm = w.chain, w.farm
        self.f = w.start()  # the model farm
        self.order = None  # candidate LP tokens in the order this example adds them
        self.donated = 0  # reward tokens sent to the farm without `fund`
        self._read = None  # ((block, now), chain state): one Lens read per step, shared by the invariants

    @property
    def now(self) -> int:
        return self.chain.now

    # --- helpers ------------------------------------------------------------------------------------------------
    def pid(self, raw: int) -> int:
        n = len(self.f.pools)
        return n if raw == 15 else raw % n

    def position(self, staker: int, raw: int, owed: bool = False) -> tuple[str, int]:
        """(staker, pid) to act on: below 12 a position holding a stake (or, with `owed`, a whole wei of
        reward) when there is one, 12-14 the drawn staker in any pool, 15 the first invalid pool id."""
        f, w = self.f, self.world
        n = len(f.pools)
        if raw < 12:
            held = [
                (who, pid)
                for pid in range(n)
                for who in w.stakers
                if f.user_info(pid, who).amount or (owed and self.pending(pid, who))
            ]
            if held:
                return held[(staker * 12 + raw) % len(held)]
        return w.stakers[staker], self.pid(raw)

    def candidate(self, index: int):
        """(chain token, model ledger) for candidate `index`: 0-3 the LP tokens in this example's order, 4 the
        reward token (which must be refused)."""
        w = self.world
        if index == 4:
            return w.reward, w.m_reward
        k = self.order[index]
        return w.lps[k], w.m_lps[k]

    def lp_ledger(self, pid: int):
        """The model ledger staked in `pid` (the first candidate for an invalid pid: the call reverts anyway)."""
        address = self.f.pools[pid].lp_token if pid < len(self.f.pools) else self.world.lps[0].address
        return self.f.tokens.get(address) or self.world.m_lps[0]

    def pause(self, seconds: int) -> None:
        self.world.wait(seconds)

    def pending(self, pid: int, who: str) -> int:
        return self.f.pending_reward(pid, who, timestamp=self.now) if pid < len(self.f.pools) else 0

    def check_schedule(self, receipt) -> None:
        """The last ScheduleUpdated event carries the model's new schedule."""
        f = self.f
        last = receipt.events("ScheduleUpdated", self.farm.address)[-1]
        expected = {"ratePerPoint": f.rate_per_point, "periodEnd": f.period_end, "carried": f.carried}
        assert last == expected, f"events_match_model: ScheduleUpdated {last} != {expected}"

    def check_carried(self, receipt, carried_before: int) -> None:
        """A staker operation changes `carried` only by the idle emission it settled, and says so."""
        events = receipt.events("RewardsCarried", self.farm.address)
        if events:
            event("idle emission carried by a staker operation")
        assert sum(e["amount"] for e in events) == self.f.carried - carried_before, "events_match_model: RewardsCarried"

    def add_pool_as(self, sender: str, index: int, alloc: int):
        token, ledger = self.candidate(index)
        pid, receipt, error = outcome(
            lambda: self.f.add_pool(sender, ledger, alloc, timestamp=self.now),
            lambda: self.farm.transact("addPool", token.address, alloc, sender=sender),
        )
        if receipt:
            assert receipt.return_value == pid, "add_pool_matches_model"
            added = receipt.events("PoolAdded", self.farm.address)
            assert added == [{"pid": pid, "lpToken": token.address, "allocPoint": alloc}], "events_match_model"
            self.check_schedule(receipt)
        return error

    def fund_as(self, sender: str, amount: int, duration: int):
        received, receipt, error = outcome(
            lambda: self.f.fund(sender, amount, duration, timestamp=self.now),
            lambda: self.farm.transact("fund", amount, duration, sender=sender),
        )
        if receipt:
            assert receipt.return_value == received == amount, "fund_credits_what_arrived"
            funded = receipt.events("Funded", self.farm.address)
            assert funded == [{"funder": sender, "received": received, "duration": duration}], "events_match_model"
            self.check_schedule(receipt)
        return error

    # --- setup ----------------------------------------------------------------------------------------------------
    @initialize(
        order=st.permutations(range(4)),
        allocs=st.lists(alloc_points, min_size=2, max_size=3, unique=True),
        stakes=st.lists(st.tuples(stakers, st.integers(0, 2), st.integers(1, 10_000)), min_size=1, max_size=5),
        by_funder=st.booleans(),
        amount=fund_amounts,
        duration=durations,
    )
    def setup(self, order, allocs, stakes, by_funder, amount, duration):
        """Two or three pools with different weights, a few first stakes, then a first funding."""
        w = self.world
        self.order = order
        for index, alloc in enumerate(allocs):
            assert self.add_pool_as(w.owner, index, alloc) is None
        for staker, raw, bps in stakes:
            self.deposit(0, staker, raw, ("bps", bps))
        assert self.fund_as(w.funder if by_funder else w.owner, amount, duration) is None

    # --- stakers ----------------------------------------------------------------------------------------------------
    @rule(pause=pauses, staker=stakers, raw=pids, size=deposit_sizes)
    def deposit(self, pause, staker, raw, size):
        self.pause(pause)
        who, pid = self.world.stakers[staker], self.pid(raw)
        balance = self.lp_ledger(pid).balance_of(who)
        kind, value = size
        amount = {"bps": balance * value // 10_000, "wei": value, "zero": 0, "over": balance + 1}[kind]
        pending, carried = self.pending(pid, who), self.f.carried
        received, receipt, _ = outcome(
            lambda: self.f.deposit(who, pid, amount, timestamp=self.now),
            lambda: self.farm.transact("deposit", pid, amount, sender=who),
        )
        if receipt:
            assert receipt.return_value == received, "deposit_credits_what_arrived"
            assert receipt.events("Deposit", self.farm.address) == [{"user": who, "pid": pid, "amount": received}], (
                "events_match_model"
            )
            self.check_carried(receipt, carried)
            assert self.pending(pid, who) == pending, "stake_change_pays_nothing_loses_nothing"

    @rule(pause=pauses, staker=stakers, raw=pids, size=withdraw_sizes)
    def withdraw(self, pause, staker, raw, size):
        self.pause(pause)
        who, pid = self.position(staker, raw)
        kind, value = size
        if kind == "everyone":  # the pool is left without stake: its emission is carried from now on
            for who in self.world.stakers:
                if stake := self.f.user_info(pid, who).amount:
                    self.withdraw_as(who, pid, stake)
            if pid < len(self.f.pools):
                assert self.f.pools[pid].total_staked == 0
            return
        stake = self.f.user_info(pid, who).amount
        amount = {"bps": stake * value // 10_000, "all": stake, "one": 1, "zero": 0, "over": stake + 1}[kind]
        error = self.withdraw_as(who, pid, amount)
        if amount > stake and amount and pid < len(self.f.pools):
            assert error == "InsufficientStake", "withdraw_more_than_stake_reverts"

    def withdraw_as(self, who: str, pid: int, amount: int):
        pending, carried = self.pending(pid, who), self.f.carried
        _, receipt, error = outcome(
            lambda: self.f.withdraw(who, pid, amount, timestamp=self.now),
            lambda: self.farm.transact("withdraw", pid, amount, sender=who),
        )
        if receipt:
            assert receipt.events("Withdraw", self.farm.address) == [{"user": who, "pid": pid, "amount": amount}], (
                "events_match_model"
            )
            self.check_carried(receipt, carried)
            assert self.pending(pid, who) == pending, "stake_change_pays_nothing_loses_nothing"
        return error

    @rule(pause=pauses, staker=stakers, raw=pids)
    def harvest(self, pause, staker, raw):
        self.pause(pause)
        who, pid = self.position(staker, raw, owed=True)
        pending, carried = self.pending(pid, who), self.f.carried
        reward, receipt, _ = outcome(
            lambda: self.f.harvest(who, pid, timestamp=self.now),
            lambda: self.farm.transact("harvest", pid, sender=who),
        )
        if receipt:
            assert receipt.return_value == reward == pending, "harvest_pays_pending"
            event("harvest paid" if reward else "harvest of nothing")
            assert receipt.events("Harvest", self.farm.address) == [{"user": who, "pid": pid, "amount": reward}], (
                "events_match_model"
            )
            self.check_carried(receipt, carried)

    @rule(pause=pauses, staker=stakers)
    def harvest_all(self, pause, staker):
        self.pause(pause)
        who = self.world.stakers[staker]
        pending = sum(self.pending(pid, who) for pid in range(len(self.f.pools)))
        carried = self.f.carried
        reward, receipt, _ = outcome(
            lambda: self.f.harvest_all(who, timestamp=self.now),
            lambda: self.farm.transact("harvestAll", sender=who),
        )
        assert receipt is not None, "harvest_all_never_reverts"
        assert receipt.return_value == reward == pending, "harvest_pays_pending"
        assert sum(e["amount"] for e in receipt.events("Harvest", self.farm.address)) == reward, "events_match_model"
        self.check_carried(receipt, carried)

    @rule(pause=pauses, staker=stakers, raw=pids, everyone=st.sampled_from([False, False, False, True]))
    def emergency_withdraw(self, pause, staker, raw, everyone):
        self.pause(pause)
        who, pid = self.position(staker, raw)
        for who in self.world.stakers if everyone else [who]:
            if everyone and not self.f.user_info(pid, who).amount:
                continue
            self.emergency_as(who, pid)

    def emergency_as(self, who: str, pid: int) -> None:
        stake, pending, carried = self.f.user_info(pid, who).amount, self.pending(pid, who), self.f.carried
        amount, receipt, _ = outcome(
            lambda: self.f.emergency_withdraw(who, pid, timestamp=self.now),
            lambda: self.farm.transact("emergencyWithdraw", pid, sender=who),
        )
        if receipt:
            assert receipt.return_value == amount == stake, "emergency_returns_the_stake"
            assert self.pending(pid, who) == pending, "emergency_keeps_rewards"
            expected = {"user": who, "pid": pid, "amount": amount, "owed": pending}
            assert receipt.events("EmergencyWithdraw", self.farm.address) == [expected], "events_match_model"
            self.check_carried(receipt, carried)

    # --- owner and funders ----------------------------------------------------------------------------------------
    @rule(who=st.sampled_from(["owner", "funder", "funder", "stranger"]), amount=fund_amounts, duration=any_duration)
    def fund(self, who, amount, duration):
        """A new period or a top-up during one; refused for a stranger, a bad duration, or a lower rate."""
        sender = getattr(self.world, who)
        f = self.f
        running, old_rate = self.now < f.period_end, f.rate_per_point
        authorised = sender == f.owner or f.is_funder(sender)
        error = self.fund_as(sender, amount, duration)
        if not authorised:
            assert error == "NotFunder", "unauthorised_funder_reverts"
        elif not 0 < duration <= MAX_DURATION:
            assert error == "InvalidDuration", "invalid_duration_reverts"
        elif error is None:
            event("fund: top-up during a period" if running else "fund: new period")
            assert not running or f.rate_per_point >= old_rate, "top_up_never_lowers_rate"
        else:
            event("fund: refused, the rate would drop")
            assert error == "RewardRateDecreased" and running, f"fund_reverts_only_to_keep_the_rate: {error}"

    @rule(raw=pids, alloc=alloc_points, by_owner=st.sampled_from([True, True, True, False]))
    def set_alloc_point(self, raw, alloc, by_owner):
        w = self.world
        sender, pid = (w.owner if by_owner else w.stranger), self.pid(raw)
        _, receipt, error = outcome(
            lambda: self.f.set_alloc_point(sender, pid, alloc, timestamp=self.now),
            lambda: self.farm.transact("setAllocPoint", pid, alloc, sender=sender),
        )
        if receipt:
            assert receipt.events("AllocPointSet", self.farm.address) == [{"pid": pid, "allocPoint": alloc}], (
                "events_match_model"
            )
            self.check_schedule(receipt)
        elif by_owner:
            assert error == "InvalidPool", "set_alloc_point_reverts_only_for_a_missing_pool"
        else:
            assert error == "Unauthorized", "owner_only"

    @rule(index=st.integers(0, 4), alloc=alloc_points, by_owner=st.sampled_from([True, True, True, False]))
    def add_pool(self, index, alloc, by_owner):
        """A new LP token, one already added (refused), or the reward token (refused)."""
        w = self.world
        token, _ = self.candidate(index)
        known = self.f.pool_id_of(token.address)[0]
        error = self.add_pool_as(w.owner if by_owner else w.stranger, index, alloc)
        if not by_owner:
            assert error == "Unauthorized", "owner_only"
        elif index == 4:
            assert error == "RewardTokenStaked", "reward_token_cannot_be_staked"
        else:
            assert error == ("PoolAlreadyAdded" if known else None), "one_pool_per_lp_token"

    @rule(authorised=st.booleans(), by_owner=st.sampled_from([True, True, True, False]))
    def set_funder(self, authorised, by_owner):
        w = self.world
        sender = w.owner if by_owner else w.stranger
        _, receipt, error = outcome(
            lambda: self.f.set_funder(sender, w.funder, authorised),
            lambda: self.farm.transact("setFunder", w.funder, authorised, sender=sender),
        )
        if receipt:
            expected = {"funder": w.funder, "authorised": authorised}
            assert receipt.events("FunderSet", self.farm.address) == [expected], "events_match_model"
        else:
            assert not by_owner and error == "Unauthorized", "owner_only"

    @rule(amount=st.integers(1, 10**24))
    def donate(self, amount):
        """Reward tokens sent without `fund`: held, never counted as funded (fund measures what it pulls)."""
        w = self.world
        _, receipt, _ = outcome(
            lambda: w.m_reward.transfer(w.stranger, self.farm.address, amount),
            lambda: w.reward.transact("transfer", self.farm.address, amount, sender=w.stranger),
        )
        if receipt:
            self.donated += amount

    # --- time ---------------------------------------------------------------------------------------------------------
    @rule(seconds=waits)
    def advance_time(self, seconds):
        if isinstance(seconds, str):
            target = self.f.period_end + {"end-1": -1, "end": 0, "end+1": 1}[seconds]
            seconds = max(0, target - self.now)
        self.pause(seconds)

    # --- properties -------------------------------------------------------------------------------------------------
    def read(self) -> dict:
        key = (self.chain.block, self.chain.now)
        if self._read is None or self._read[0] != key:
            self._read = (key, self.world.chain_state(len(self.f.pools)))
        return self._read[1]

    @invariant()
    def chain_equals_model(self):
        """Every farm view (pendingReward, userInfo, poolInfo, totalStaked, rates, periodEnd, totals, carried,
        funders, pool ids) and every token balance of the farm and the actors: chain == model."""
        count_step(self.chain.name)
        if self.order is None:
            return
        chain_state, model_state = self.read(), self.world.model_state(self.now)
        diff = {k: (chain_state[k], model_state[k]) for k in chain_state if chain_state[k] != model_state[k]}
        assert chain_state == model_state, f"chain_equals_model: (chain, model) differ at {diff}"

    @invariant()
    def conservation(self):
        """paid + pending(all stakers) + dust + undistributed == funded, to the wei, from the chain's numbers."""
        if self.order is None:
            return
        identity = chain_conservation(self.read(), self.now)
        paid, pending, dust, undistributed, funded = identity
        assert paid + pending + dust + undistributed == funded, f"conservation: {identity}"
        assert identity == self.f.conservation(timestamp=self.now), "conservation: chain split != model split"

    @invariant()
    def solvent(self):
        """The farm holds exactly funded - paid (+ donations) reward tokens and exactly each pool's stake of LP."""
        if self.order is None:
            return
        state = self.read()
        held = {t.address: balances[0] for t, balances in zip(self.world.tokens, state["balances"])}
        reward = self.world.reward.address
        assert held.pop(reward) == state["totalFunded"] - state["totalPaid"] + self.donated, "solvent: reward"
        for info, _, staked in state["pools"]:
            assert held.pop(info[0]) == staked, f"solvent: LP of pool {info[0]}"
        assert not any(held.values()), "solvent: LP held for no pool"


@pytest.fixture  # per test, like the chain it is deployed on (see tests/conftest.py)
def farm_world(chain):
    return deploy_farm_world(chain)


SCALE = {"revm": 0.5, "anvil": 1.0}  # examples relative to machine_settings, to keep `make test` in budget


def test_farm_machine(farm_world, timed_backend):
    backend = farm_world.chain.name
    timed_backend["backend"] = backend
    FarmMachine.world = farm_world
    run_state_machine_as_test(FarmMachine, settings=machine_settings(backend, scale=SCALE[backend]))
