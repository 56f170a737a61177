"""Farm unit tests on both backends: every custom error the farm raises (all but Reentrancy, which needs a
token that calls back into the farm: tests/test_reentrant_hooks.py), with the chain's decoded error name equal to the model's and nothing
changed; a stake added and removed at one timestamp earns nothing; an
emergency withdrawal returns the LP and keeps the rewards claimable, also while the reward token refuses
every transfer of the farm or the farm holds no reward at all; idle emission is carried, not lost.

Every test starts from the shared farm world (tests/farm_world.py) and ends with the whole state read from
the chain equal to the model and the conservation identity holding to the wei.
"""

from __future__ import annotations

import pytest

import python_model as model
from farm_world import DAY, LP_FEE_BPS, ZERO, FarmWorld, deploy_farm_world, outcome
from hostile_world import KINDS
from python_model.farm import ACC_PRECISION, MAX_DURATION, MAX_FUNDED, UINT128_MAX

MAX_UINT = 2**256 - 1


@pytest.fixture  # per test, like the chain it is deployed on (see tests/conftest.py)
def farm_world(chain) -> FarmWorld:
    return deploy_farm_world(chain)


@pytest.fixture
def w(farm_world) -> FarmWorld:
    farm_world.start()
    yield farm_world
    farm_world.check()


def act(w: FarmWorld, sender: str, fn: str, *args):
    """`fn(*args)` from `sender` on the chain and in the model: (model result, receipt, error name)."""
    f, now = w.m_farm, w.chain.now
    model_ops = {
        "addPool": lambda token, alloc: f.add_pool(sender, w.ledger(token), alloc, timestamp=now),
        "setAllocPoint": lambda pid, alloc: f.set_alloc_point(sender, pid, alloc, timestamp=now),
        "setFunder": lambda funder, authorised: f.set_funder(sender, funder, authorised),
        "fund": lambda amount, duration: f.fund(sender, amount, duration, timestamp=now),
        "deposit": lambda pid, amount: f.deposit(sender, pid, amount, timestamp=now),
        "withdraw": lambda pid, amount: f.withdraw(sender, pid, amount, timestamp=now),
        "harvest": lambda pid: f.harvest(sender, pid, timestamp=now),
        "harvestAll": lambda: f.harvest_all(sender, timestamp=now),
        "emergencyWithdraw": lambda pid: f.emergency_withdraw(sender, pid, timestamp=now),
    }
    expected, receipt, error = outcome(
        lambda: model_ops[fn](*args), lambda: w.farm.transact(fn, *args, sender=sender)
    )
    if receipt is not None and receipt.return_value is not None:
        assert receipt.return_value == expected, f"{fn} returned {receipt.return_value}, model {expected}"
    return expected, receipt, error


def ok(w: FarmWorld, sender: str, fn: str, *args):
    """`fn` must succeed on both; returns (model result, receipt)."""
    expected, receipt, error = act(w, sender, fn, *args)
    assert error is None, f"{fn}{args} reverted {error}"
    return expected, receipt


def reverts(w: FarmWorld, name: str, sender: str, fn: str, *args) -> None:
    """`fn` must revert with `name` on the chain and in the model, changing nothing on either."""
    n = len(w.m_farm.pools)
    chain_before, model_before = w.chain_state(n), w.model_state(w.chain.now)
    _, _, error = act(w, sender, fn, *args)
    assert error == name, f"{fn}{args}: expected {name}, got {error or 'success'}"
    assert w.chain_state(n) == chain_before, f"{fn} changed the chain although it reverted"
    assert w.model_state(w.chain.now) == model_before, f"{fn} changed the model although it reverted"


def view_reverts(w: FarmWorld, name: str, model_view, fn: str, *args) -> None:
    _, _, error = outcome(model_view, lambda: w.farm.call(fn, *args))
    assert error == name, f"{fn}{args}: expected {name}, got {error or 'success'}"


def funded(w: FarmWorld, allocs=(100, 50), amount=10**24, duration=7 * DAY) -> None:
    """Pools on the first LP tokens with weights `allocs`, then a period funded by the owner."""
    for lp, alloc in zip(w.lps, allocs):
        ok(w, w.owner, "addPool", lp.address, alloc)
    ok(w, w.owner, "fund", amount, duration)


# --- who may do what -----------------------------------------------------------------------------------------------


def test_unauthorised_funder_reverts(w):
    funded(w)
    reverts(w, "NotFunder", w.stranger, "fund", 10**18, DAY)  # holds tokens and approved: still refused
    ok(w, w.funder, "fund", 10**24, 7 * DAY)
    ok(w, w.owner, "setFunder", w.funder, False)
    reverts(w, "NotFunder", w.funder, "fund", 10**24, 7 * DAY)
    ok(w, w.owner, "setFunder", w.funder, True)
    ok(w, w.funder, "fund", 10**24, 7 * DAY)
    assert w.farm.call("isFunder", w.funder) and not w.farm.call("isFunder", w.stranger)


def test_owner_only_operations(w):
    funded(w)
    reverts(w, "Unauthorized", w.stranger, "addPool", w.lps[2].address, 1)
    reverts(w, "Unauthorized", w.funder, "addPool", w.lps[2].address, 1)
    reverts(w, "Unauthorized", w.funder, "setAllocPoint", 0, 1)
    reverts(w, "Unauthorized", w.stranger, "setFunder", w.stranger, True)


def test_duplicate_pool_reverts(w):
    funded(w)
    reverts(w, "PoolAlreadyAdded", w.owner, "addPool", w.lps[0].address, 7)
    reverts(w, "PoolAlreadyAdded", w.owner, "addPool", w.lps[1].address, 0)
    assert w.farm.call("poolIdOf", w.lps[1].address) == (True, 1)
    assert w.farm.call("poolIdOf", w.lps[2].address) == (False, 0)


def test_reward_token_cannot_be_staked(w):
    reverts(w, "RewardTokenStaked", w.owner, "addPool", w.reward.address, 10)


def test_zero_addresses_revert(w):
    reverts(w, "ZeroAddress", w.owner, "addPool", ZERO, 10)
    reverts(w, "ZeroAddress", w.owner, "setFunder", ZERO, True)
    for reward, owner in ((ZERO, w.owner), (w.reward.address, ZERO)):
        _, _, error = outcome(
            lambda: model.Farm(w.farm.address, w.ledger(reward), owner),
            lambda: w.chain.deploy("Farm", reward, owner, sender=w.owner),
        )
        assert error == "ZeroAddress"


# --- funding -------------------------------------------------------------------------------------------------------


def test_invalid_duration_reverts(w):
    funded(w)
    reverts(w, "InvalidDuration", w.owner, "fund", 10**18, 0)
    reverts(w, "InvalidDuration", w.funder, "fund", 10**18, MAX_DURATION + 1)
    ok(w, w.funder, "fund", 10**30, MAX_DURATION)


def test_top_up_that_lowers_the_rate_reverts(w):
    funded(w, amount=10**24, duration=7 * DAY)
    for pid in (0, 1):  # both pools staked: nothing idle is carried into the next funding
        ok(w, w.stakers[0], "deposit", pid, 10**18)
    w.wait(DAY)
    rate = w.farm.call("ratePerPoint")
    reverts(w, "RewardRateDecreased", w.owner, "fund", 0, 7 * DAY)  # stretching what is left
    reverts(w, "RewardRateDecreased", w.funder, "fund", 10**20, 30 * DAY)  # a top-up too small for the span
    ok(w, w.funder, "fund", 0, 6 * DAY)  # the same remaining span: the rate holds
    assert w.farm.call("ratePerPoint") >= rate
    ok(w, w.funder, "fund", 10**24, 6 * DAY)  # more over the same span: the rate rises
    assert w.farm.call("ratePerPoint") > rate
    w.wait(w.m_farm.period_end - w.chain.now)  # after the end any rate goes
    ok(w, w.owner, "fund", 1, MAX_DURATION)


def test_underfunded_schedule_reverts(w):
    """Only a token that takes the farm's balance away can leave it short: then funding reverts
    InsufficientRewardBalance, paying reverts TransferFailed, and the LP still comes back."""
    funded(w)
    me = w.stakers[0]
    ok(w, me, "deposit", 0, 10**18)
    w.wait(DAY)
    held = w.m_reward.balance_of(w.farm.address)
    w.set_balance(w.reward, w.m_reward, w.farm.address, held // 2)  # the clawback
    reverts(w, "InsufficientRewardBalance", w.owner, "fund", 10**18, DAY)
    reverts(w, "InsufficientRewardBalance", w.funder, "fund", held // 2 - 1, DAY)
    w.set_balance(w.reward, w.m_reward, w.farm.address, 0)
    reverts(w, "TransferFailed", me, "harvest", 0)
    reverts(w, "TransferFailed", me, "harvestAll")
    pending = w.m_farm.pending_reward(0, me, timestamp=w.chain.now)
    ok(w, me, "emergencyWithdraw", 0)  # never touches the reward token
    w.set_balance(w.reward, w.m_reward, w.farm.address, held)  # made whole again: everything works
    ok(w, w.owner, "fund", 10**18, DAY)
    assert ok(w, me, "harvest", 0)[0] == pending > 0


def test_transfer_from_failures_revert(w):
    funded(w)
    poor = w.spare  # no LP, no reward tokens, no approvals
    reverts(w, "TransferFromFailed", poor, "deposit", 0, 1)
    balance = w.m_lps[0].balance_of(w.stakers[0])
    reverts(w, "TransferFromFailed", w.stakers[0], "deposit", 0, balance + 1)
    ok(w, w.owner, "setFunder", poor, True)
    reverts(w, "TransferFromFailed", poor, "fund", 1, DAY)


def test_overflow_reverts(w):
    """totalFunded is capped at 2**124 - 1 and a pool's stake at 2**128 - 1."""
    whale, staker = w.spare, w.stakers[2]
    token = w.chain.deploy("TestERC20", "Big", "BIG", 18, sender=w.owner)
    ledger = w.m_world.add_token(model.Token(token.address, 18))  # dropped again by the next start()
    for t, m, holder in ((w.reward, w.m_reward, whale), (token, ledger, staker)):
        t.transact("mint", holder, 2**130, sender=holder)
        m.mint(holder, 2**130)
        t.transact("approve", w.farm.address, MAX_UINT, sender=holder)
    ok(w, w.owner, "setFunder", whale, True)
    ok(w, w.owner, "addPool", token.address, 1)
    reverts(w, "Overflow", whale, "fund", MAX_FUNDED + 1, DAY)
    ok(w, whale, "fund", MAX_FUNDED, DAY)
    reverts(w, "Overflow", whale, "fund", 1, DAY)  # the cap counts everything ever funded
    ok(w, staker, "deposit", 0, UINT128_MAX)
    reverts(w, "Overflow", staker, "deposit", 0, 1)
    w.wait(DAY)
    assert ok(w, staker, "harvest", 0)[0] > 0


# --- staking -------------------------------------------------------------------------------------------------------


def test_zero_amounts_revert(w):
    funded(w)
    me = w.stakers[0]
    reverts(w, "ZeroAmount", me, "deposit", 0, 0)
    reverts(w, "ZeroAmount", me, "withdraw", 0, 0)
    reverts(w, "ZeroAmount", me, "emergencyWithdraw", 0)  # nothing staked
    ok(w, w.owner, "addPool", w.eater.address, 5)
    pid = len(w.m_farm.pools) - 1
    reverts(w, "ZeroAmount", me, "deposit", pid, 10**18)  # a 100 % fee delivers nothing


def test_insufficient_stake_reverts(w):
    funded(w)
    me, other = w.stakers[:2]
    ok(w, me, "deposit", 0, 10**18)
    w.wait(60)
    reverts(w, "InsufficientStake", me, "withdraw", 0, 10**18 + 1)
    reverts(w, "InsufficientStake", other, "withdraw", 0, 1)
    reverts(w, "InsufficientStake", me, "withdraw", 1, 1)  # the stake is in pool 0


@pytest.mark.parametrize(
    "fn, args",
    [
        ("deposit", (2, 1)),
        ("withdraw", (2, 1)),
        ("harvest", (2,)),
        ("emergencyWithdraw", (2,)),
        ("setAllocPoint", (2, 1)),
    ],
)
def test_invalid_pool_reverts(w, fn, args):
    funded(w)  # pools 0 and 1
    sender = w.owner if fn == "setAllocPoint" else w.stakers[0]
    reverts(w, "InvalidPool", sender, fn, *args)


def test_invalid_pool_views_revert(w):
    funded(w)
    f, now, me = w.m_farm, w.chain.now, w.stakers[0]
    view_reverts(w, "InvalidPool", lambda: f.pending_reward(2, me, timestamp=now), "pendingReward", 2, me)
    view_reverts(w, "InvalidPool", lambda: f.pool_info(2), "poolInfo", 2)
    view_reverts(w, "InvalidPool", lambda: f.pool_reward_rate(2, timestamp=now), "poolRewardRate", 2)
    view_reverts(w, "InvalidPool", lambda: f.total_staked(2), "totalStaked", 2)


@pytest.mark.parametrize("lp", [0, 2], ids=["pool-lp", "fee-on-transfer-lp"])
@pytest.mark.parametrize("wait", [1, DAY])
def test_same_block_stake_and_withdraw_earns_nothing(w, lp, wait):
    """A stake added and removed at one timestamp earns nothing, and the other stakers lose nothing."""
    ok(w, w.owner, "addPool", w.lps[lp].address, 10)
    ok(w, w.owner, "fund", 10**24, 7 * DAY)
    me, *others = w.stakers
    for i, other in enumerate(others):
        ok(w, other, "deposit", 0, 10**18 * (i + 1))
    w.wait(wait)
    view = lambda who: w.farm.call("pendingReward", 0, who)  # noqa: E731
    before = [view(o) for o in others]
    received, _ = ok(w, me, "deposit", 0, 10**21)  # far larger than the others: would take most if it earned
    assert view(me) == 0
    ok(w, me, "withdraw", 0, received)
    assert view(me) == 0 and [view(o) for o in others] == before
    assert ok(w, me, "harvest", 0)[0] == 0
    assert before == [w.m_farm.pending_reward(0, o, timestamp=w.chain.now) for o in others]


@pytest.mark.parametrize("lp", [0, 2], ids=["pool-lp", "fee-on-transfer-lp"])
def test_emergency_withdraw_returns_lp_and_keeps_rewards(w, lp):
    ok(w, w.owner, "addPool", w.lps[lp].address, 10)
    ok(w, w.owner, "fund", 10**24, 7 * DAY)
    me, other = w.stakers[:2]
    stake, _ = ok(w, me, "deposit", 0, 10**20)
    ok(w, other, "deposit", 0, 3 * 10**20)
    w.wait(DAY)
    pending = w.farm.call("pendingReward", 0, me)
    assert pending > 0
    lp_before = w.lps[lp].call("balanceOf", me)
    amount, receipt = ok(w, me, "emergencyWithdraw", 0)
    assert amount == stake
    arrived = w.lps[lp].call("balanceOf", me) - lp_before
    assert arrived == (stake if lp == 0 else stake - stake * 250 // 10_000)  # the token's own fee applies
    (event,) = receipt.events("EmergencyWithdraw", w.farm.address)
    assert event == {"user": me, "pid": 0, "amount": stake, "owed": pending}
    assert w.farm.call("userInfo", 0, me)[0] == 0
    w.wait(3 * DAY)  # the others keep earning; my owed rewards are frozen, not forfeited
    assert w.farm.call("pendingReward", 0, me) == pending
    reverts(w, "ZeroAmount", me, "emergencyWithdraw", 0)
    paid, _ = ok(w, me, "harvest", 0)
    assert paid == pending
    assert w.farm.call("pendingReward", 0, me) == 0


@pytest.fixture
def bw(chain) -> FarmWorld:
    """The farm world paying a BlocklistToken reward (6 decimals, USDC-like): its owner can make every
    transfer to or from the farm revert (block the farm) or destroy the farm's reward balance (burnFrom)."""
    world = deploy_farm_world(chain, reward=KINDS["block6"])
    world.start()
    yield world
    world.check()


def reward_owner(w: FarmWorld, fn: str, model_fn: str, *args) -> None:
    """An owner-only call of the reward token (`fn` on the chain, `model_fn` on its ledger); must succeed."""
    _, _, error = outcome(
        lambda: getattr(w.m_reward, model_fn)(*args, sender=w.owner),
        lambda: w.reward.transact(fn, *args, sender=w.owner),
    )
    assert error is None, f"{fn}{args}: {error}"


@pytest.mark.parametrize("lp", [0, 2], ids=["pool-lp", "fee-on-transfer-lp"])
@pytest.mark.parametrize("failure", ["farm-blocked", "reward-balance-burned"])
def test_failing_reward_path_never_blocks_emergency_withdraw(bw, lp, failure):
    """The reward token reverts on every transfer of the farm (the farm is blocked), or the farm holds no
    reward at all (the token's owner burned it): harvest and harvestAll revert TransferFailed and funding
    is refused, as the model predicts; withdraw (which pays no reward) and emergencyWithdraw still return
    the LP exactly; the rewards owed stay owed and are paid once the token works again."""
    w = bw
    farm = w.farm.address
    ok(w, w.owner, "addPool", w.lps[lp].address, 10)
    ok(w, w.owner, "fund", 10**12, 7 * DAY)  # a million 6-decimal tokens
    me, other = w.stakers[:2]
    stake, _ = ok(w, me, "deposit", 0, 10**20)
    ok(w, other, "deposit", 0, 3 * 10**20)
    w.wait(DAY)
    held = w.m_reward.balance_of(farm)
    if failure == "farm-blocked":
        reward_owner(w, "blockAccount", "block_account", farm)
    else:
        reward_owner(w, "burnFrom", "burn_from", farm, held)
        assert w.reward.call("balanceOf", farm) == 0
    pending = w.m_farm.pending_reward(0, me, timestamp=w.chain.now)
    assert w.farm.call("pendingReward", 0, me) == pending > 0

    reverts(w, "TransferFailed", me, "harvest", 0)
    reverts(w, "TransferFailed", me, "harvestAll")
    refused = "TransferFromFailed" if failure == "farm-blocked" else "InsufficientRewardBalance"
    reverts(w, refused, w.funder, "fund", 10**6, DAY)

    def delivered(amount):  # what the staker receives of an LP transfer from the farm (the token's own fee)
        return amount - amount * LP_FEE_BPS // 10_000 if lp == 2 else amount

    part = stake // 3
    before = w.lps[lp].call("balanceOf", me)
    ok(w, me, "withdraw", 0, part)
    assert w.lps[lp].call("balanceOf", me) - before == delivered(part)
    before = w.lps[lp].call("balanceOf", me)
    amount, receipt = ok(w, me, "emergencyWithdraw", 0)
    assert amount == stake - part
    assert w.lps[lp].call("balanceOf", me) - before == delivered(stake - part)
    (event,) = receipt.events("EmergencyWithdraw", farm)
    assert event == {"user": me, "pid": 0, "amount": stake - part, "owed": pending}
    assert w.farm.call("userInfo", 0, me)[0] == 0
    w.wait(DAY)
    assert w.farm.call("pendingReward", 0, me) == pending  # frozen, not forfeited

    if failure == "farm-blocked":
        reward_owner(w, "unblockAccount", "unblock_account", farm)
    else:  # the open faucet puts the balance back
        _, _, error = outcome(
            lambda: w.m_reward.mint(farm, held), lambda: w.reward.transact("mint", farm, held, sender=w.owner)
        )
        assert error is None
    paid, _ = ok(w, me, "harvest", 0)
    assert paid == pending


def test_harvest_all_pays_every_pool_once(w):
    funded(w, allocs=(3, 1))
    me = w.stakers[0]
    ok(w, me, "deposit", 0, 10**18)
    ok(w, me, "deposit", 1, 10**18)
    w.wait(DAY)
    owed = [w.farm.call("pendingReward", pid, me) for pid in (0, 1)]
    paid, receipt = ok(w, me, "harvestAll")
    assert paid == sum(owed) and all(owed)
    assert [e["amount"] for e in receipt.events("Harvest", w.farm.address)] == owed


def test_idle_emission_is_carried_then_paid(w):
    """A pool without stake for a while: its emission is carried (RewardsCarried), the next funding
    schedules it again, and a staker present through that period receives it."""
    funded(w, allocs=(10,), amount=10**24, duration=7 * DAY)
    w.wait(2 * DAY)
    me = w.stakers[0]
    carried = w.m_farm.carried
    _, receipt = ok(w, me, "deposit", 0, 10**18)
    (event,) = receipt.events("RewardsCarried", w.farm.address)
    assert event["amount"] == w.m_farm.carried - carried > 0
    idle_wei = w.m_farm.carried // ACC_PRECISION
    w.wait(6 * DAY)  # past the end
    ok(w, w.funder, "fund", 0, DAY)  # nothing new: only the carried rewards are scheduled
    w.wait(DAY)
    paid, _ = ok(w, me, "harvest", 0)
    assert paid >= 10**24 - 2  # everything but rounding wei: the idle two days were not lost
    assert w.m_farm.carried // ACC_PRECISION < idle_wei
