"""The farm world: a Farm staking real tidepool LP tokens (and a fee-on-transfer stand-in), on a chain and
in the model, plus the one-call state read and the conservation identity computed from chain numbers.

Why real LP tokens: the farm exists to stake tidepool LP (Solady ERC20 with allowances as in Uniswap V2),
so two of the candidate pools are that exact token, minted by adding liquidity to real pools; a third pool
LP token is left for the machine to add mid-run. A FeeOnTransferToken (2.5 %) stands in for an LP wrapper
that takes a fee, which is what "deposits credit the balance change actually received" is about, and a
100 %-fee one ("eater") delivers nothing at all.

A world is deployed per test, like the chain it lives on (tests/conftest.py: Ape reverts Anvil after every
test); every hypothesis example, and every unit test, starts from its snapshot (`start`).

Time. A view such as pendingReward reads the clock of the block it is evaluated in: Anvil uses the latest
mined block, the in-process EVM the last block it set up (even for a transaction that reverted, and not
rolled back by a snapshot revert). So after moving the clock a test mines an empty transaction (`tick`):
then both backends evaluate views at `chain.now`, which is where the model is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eth_utils import keccak

import python_model as model
from chain import Chain, Contract, Snapshot
from properties import agree
from hostile_world import Kind, model_ledger
from python_model import hostile_tokens as hostile
from python_model.farm import ACC_PRECISION
from worlds import ModelScope

ZERO = "0x0000000000000000000000000000000000000000"
DAY = 86_400
MAX_UINT = 2**256 - 1
LP_FEE_BPS = 250  # the fee-on-transfer LP burns 2.5 % of every transfer
PAIRS = ((0, 1, 30), (0, 2, 5), (1, 2, 100))  # (token a, token b, fee tier) of the three AMM pools
REWARD_FLOAT = 10**32  # reward tokens held by the owner, the funder and the stranger each
REWARD = Kind("rwd18", "TestERC20", 18, ("Reward", "RWD", 18), "")  # the default reward token
FEE_LP = Kind("flp18", "FeeOnTransferToken", 18, ("Fee LP", "FLP", LP_FEE_BPS), "fee on transfer (2.5%)")

outcome = agree  # (model result, chain receipt, error name)


@dataclass
class FarmWorld:
    chain: Chain
    owner: str
    funder: str  # authorised at deployment
    stranger: str  # never authorised: holds reward tokens and has approved the farm, yet cannot fund
    stakers: list[str]
    clock: str  # sends the empty transactions that move the block clock
    spare: str  # holds nothing (unit tests use it for whales and the penniless)
    reward: Contract
    lps: list[Contract]  # candidate LP tokens: pool LP (a,b,30), pool LP (a,c,5), fee-on-transfer LP, pool LP (b,c,100)
    eater: Contract  # FeeOnTransferToken taking 100 %: a deposit of it delivers nothing
    amm_pools: list[Contract]
    farm: Contract
    m_world: model.World
    m_farm: model.Farm
    m_reward: model.Token
    m_lps: list  # the ledgers of `lps`, same order (model Pools are LP ledgers)
    m_eater: model.FeeOnTransferToken
    snap: Snapshot | None = None
    model_snap: tuple | None = None
    readers: dict = field(default_factory=dict)  # pool count -> Reader
    hook: Contract | None = None  # ReentrantHook, when the reward or the third LP token is a HookToken
    m_hook: hostile.TokenHook | None = None

    @property
    def holders(self) -> list[str]:
        """Every account whose reward balance is compared, the farm first (LP: the farm and the stakers)."""
        return [self.farm.address, self.owner, self.funder, self.stranger, *self.stakers]

    @property
    def lp_holders(self) -> list[str]:
        """The only accounts an LP token can move between here: the farm first, then the stakers."""
        return [self.farm.address, *self.stakers]

    @property
    def tokens(self) -> list[Contract]:
        return [self.reward, *self.lps, self.eater]

    @property
    def m_tokens(self) -> list:
        return [self.m_reward, *self.m_lps, self.m_eater]

    def start(self) -> model.Farm:
        """Chain and model back to the deployed world, block clock at `chain.now`; returns the model farm."""
        self.chain.revert(self.snap)
        world_snap, farm_snap = self.model_snap
        self.m_world.restore(world_snap)
        self.m_farm.restore(farm_snap)
        self.tick()
        return self.m_farm

    def tick(self) -> None:
        """Mine an empty transaction at `chain.now`, so views on both backends see that clock."""
        self.chain.send_eth(self.clock, self.clock, 0)

    def wait(self, seconds: int) -> None:
        """Let `seconds` pass; views (chain and model) then answer for the new time."""
        if seconds:
            self.chain.advance(seconds)
            self.tick()

    def ledger(self, address: str):
        """The model ledger of a token address: LP tokens, the reward token, any token registered in the
        model world, else a fresh empty one."""
        for token in (*self.m_tokens, *self.m_farm.tokens.values()):
            if token.address == address:
                return token
        return self.m_world.tokens.get(address) or model.Token(address)

    def check(self) -> None:
        """chain == model for the whole state, and the conservation identity from the chain's numbers."""
        now = self.chain.now
        state = self.chain_state(len(self.m_farm.pools))
        assert state == self.model_state(now), "chain_equals_model"
        paid, pending, dust, undistributed, funded = chain_conservation(state, now)
        assert paid + pending + dust + undistributed == funded, "conservation"
        identity = (paid, pending, dust, undistributed, funded)
        assert identity == self.m_farm.conservation(timestamp=now), "conservation: chain split != model split"

    # --- the whole state, read in one call ----------------------------------------------------------------
    GLOBALS = (
        "totalAllocPoint", "ratePerPoint", "periodEnd", "poolLength", "totalFunded", "totalPaid", "carried", "rewardRate",
    )

    def reader(self, n_pools: int):
        """The Lens batch for a farm with `n_pools` pools (a view of a missing pool would revert the batch)."""
        if n_pools not in self.readers:
            f = self.farm
            calls = [(f, name, ()) for name in self.GLOBALS]
            calls += [(f, "isFunder", (a,)) for a in (self.owner, self.funder, self.stranger)]
            calls += [(f, "poolIdOf", (t.address,)) for t in self.tokens]
            for pid in range(n_pools):
                calls += [(f, "poolInfo", (pid,)), (f, "poolRewardRate", (pid,)), (f, "totalStaked", (pid,))]
            for pid in range(n_pools):
                for s in self.stakers:
                    calls += [(f, "userInfo", (pid, s)), (f, "pendingReward", (pid, s))]
            calls += [(self.reward, "balanceOf", (h,)) for h in self.holders]
            calls += [(t, "balanceOf", (h,)) for t in (*self.lps, self.eater) for h in self.lp_holders]
            self.readers[n_pools] = self.chain.reader(calls)
        return self.readers[n_pools]

    def chain_state(self, n_pools: int) -> dict:
        """Everything the farm exposes plus every token balance, from the chain, in one round trip."""
        values = iter(self.reader(n_pools).read())
        one = lambda: next(values)[0]  # noqa: E731
        state = {name: one() for name in self.GLOBALS}
        state["isFunder"] = [one() for _ in range(3)]
        state["poolIdOf"] = [next(values) for _ in self.tokens]
        state["pools"] = [(next(values), one(), one()) for _ in range(n_pools)]
        state["users"] = [[(next(values), one()) for _ in self.stakers] for _ in range(n_pools)]
        state["balances"] = [[one() for _ in self.holders]]
        state["balances"] += [[one() for _ in self.lp_holders] for _ in (*self.lps, self.eater)]
        return state

    def model_state(self, now: int) -> dict:
        """The same dictionary from the model at timestamp `now`."""
        f = self.m_farm
        n = len(f.pools)
        return {
            "totalAllocPoint": f.total_alloc_point,
            "ratePerPoint": f.rate_per_point,
            "periodEnd": f.period_end,
            "poolLength": n,
            "totalFunded": f.total_funded,
            "totalPaid": f.total_paid,
            "carried": f.carried,
            "rewardRate": f.reward_rate(timestamp=now),
            "isFunder": [f.is_funder(a) for a in (self.owner, self.funder, self.stranger)],
            "poolIdOf": [f.pool_id_of(t.address) for t in self.tokens],
            "pools": [
                (tuple(f.pool_info(pid)), f.pool_reward_rate(pid, timestamp=now), f.total_staked(pid))
                for pid in range(n)
            ],
            "users": [
                [(tuple(f.user_info(pid, s)), f.pending_reward(pid, s, timestamp=now)) for s in self.stakers]
                for pid in range(n)
            ],
            "balances": [[self.m_reward.balance_of(h) for h in self.holders]]
            + [[t.balance_of(h) for h in self.lp_holders] for t in (*self.m_lps, self.m_eater)],
        }

    # --- unit-test conveniences ----------------------------------------------------------------------------
    def set_balance(self, token: Contract, m_token: model.Token, holder: str, amount: int) -> None:
        """Overwrite `holder`'s balance of an OpenZeppelin test token on the chain (storage slot of
        `_balances[holder]`, mapping at slot 0) and in the model: a clawback no honest token allows,
        which is the only way to leave the farm short of reward tokens. The total supply is left alone
        (on both). Undone by the next `start`."""
        slot = int.from_bytes(keccak(bytes(12) + bytes.fromhex(holder[2:]) + bytes(32)), "big")
        if self.chain.name.startswith("revm"):
            self.chain.evm.insert_account_storage(token.address, slot, amount)
        else:
            self.chain._rpc("anvil_setStorageAt", [token.address, f"0x{slot:064x}", f"0x{amount:064x}"])
        if amount:
            m_token.balances[holder] = amount
        else:
            m_token.balances.pop(holder, None)


def chain_conservation(state: dict, now: int) -> tuple[int, int, int, int, int]:
    """(paid, pending_all, dust, undistributed, funded) from the chain's own numbers at `now`.

    Only the world's stakers are read: the tests stake with nobody else. The farm stores its pools as of
    their last update; this brings each one up to `now` with the contract's arithmetic (emission rate * weight * seconds, clipped at periodEnd; carried when the pool has no stake,
    else divided into the accumulator with its remainder) and splits every staker's accrual into whole wei
    (pending) and sub-wei dust. pending_all must equal the sum of the chain's own pendingReward views, and the
    sub-wei parts must add up to whole wei.
    """
    rate, end, carried = state["ratePerPoint"], state["periodEnd"], state["carried"]
    undistributed_scaled = carried + (rate * state["totalAllocPoint"] * (end - now) if now < end else 0)
    dust_scaled = pending_all = viewed = 0
    for (info, _, _), users in zip(state["pools"], state["users"]):
        _, alloc, last, acc, rest, staked = info
        until = min(now, end)
        if now > last and until > last:
            emitted = rate * alloc * (until - last)
            if staked == 0:
                undistributed_scaled += emitted
            else:
                step, rest = divmod(emitted + rest, staked)
                acc += step
        dust_scaled += rest
        for (amount, debt), pending in users:
            whole, sub_wei = divmod((amount * acc - debt) % 2**256, ACC_PRECISION)
            pending_all += whole
            dust_scaled += sub_wei
            viewed += pending
    assert pending_all == viewed, f"conservation: accruals {pending_all} != sum of pendingReward {viewed}"
    undistributed, sub_wei = divmod(undistributed_scaled, ACC_PRECISION)
    dust, loose = divmod(dust_scaled + sub_wei, ACC_PRECISION)
    assert loose == 0, f"conservation: sub-wei remainders add up to {dust_scaled + sub_wei} scaled, not whole wei"
    return state["totalPaid"], pending_all, dust, undistributed, state["totalFunded"]


def deploy_farm_world(chain: Chain, reward: Kind | None = None, third_lp: Kind | None = None) -> FarmWorld:
    """Three pair tokens, three AMM pools with liquidity from every staker, the fee-on-transfer LPs, the
    reward token and the Farm (no pools yet, one authorised funder); every approval the tests need.

    `reward` and `third_lp` (kinds of tests/hostile_world.py) replace the 18-decimal TestERC20 reward token
    and the 2.5 % FeeOnTransferToken candidate LP (`lps[2]`), e.g. with a blocklist or hook reward, or an
    owner-set fee or hook LP; the world's owner owns them, and their model ledgers are the exact hostile
    ones. With a HookToken among them, a ReentrantHook is deployed and registered as its own hook there
    (stakers may register it as theirs: then it calls back into the farm from their transfers)."""
    owner, funder, stranger, *rest = chain.accounts
    stakers, clock, spare = rest[0:3], rest[3], rest[4]
    now = chain.now

    pair_tokens = [chain.deploy("TestERC20", f"Pair{x}", f"P{x}", 18, sender=owner) for x in "ABC"]
    m_pair = {t.address: model.Token(t.address, 18) for t in pair_tokens}
    factory = chain.deploy("Factory", sender=owner)
    m_factory = model.Factory(owner)
    amm_pools, m_amm = [], []
    for a, b, fee in PAIRS:
        ta, tb = pair_tokens[a], pair_tokens[b]
        factory.transact("createPool", ta.address, tb.address, fee, sender=owner)
        address = factory.call("getPool", ta.address, tb.address, fee)
        amm_pools.append(chain.at("Pool", address))
        m_amm.append(m_factory.create_pool(ta.address, tb.address, fee, address, m_pair))
    # Every staker adds liquidity to every pool (different sizes), so it holds real LP tokens.
    for i, staker in enumerate(stakers):
        for (a, b, _), pool, mp in zip(PAIRS, amm_pools, m_amm):
            for token, amount in ((pair_tokens[a], 10**24 * (i + 1)), (pair_tokens[b], 3 * 10**23 * (i + 1))):
                token.transact("mint", pool.address, amount, sender=owner)
                m_pair[token.address].mint(pool.address, amount)
            pool.transact("mint", staker, sender=staker)
            mp.mint(staker, timestamp=now)

    fee_lp_kind = third_lp or FEE_LP
    fee_lp = chain.deploy(fee_lp_kind.contract, *fee_lp_kind.args, sender=owner)
    eater = chain.deploy("FeeOnTransferToken", "Eater", "EAT", 10_000, sender=owner)
    reward_kind = reward or REWARD
    reward = chain.deploy(reward_kind.contract, *reward_kind.args, sender=owner)
    farm = chain.deploy("Farm", reward.address, owner, sender=owner)
    if fee_lp_kind is FEE_LP:
        m_fee_lp = model.FeeOnTransferToken(fee_lp.address, LP_FEE_BPS)
    else:
        m_fee_lp = model_ledger(fee_lp_kind, fee_lp.address, owner)
    m_eater = model.FeeOnTransferToken(eater.address, 10_000)
    m_reward = model_ledger(reward_kind, reward.address, owner)
    m_farm = model.Farm(farm.address, m_reward, owner)

    farm.transact("setFunder", funder, True, sender=owner)
    m_farm.set_funder(owner, funder, True)
    for i, staker in enumerate(stakers):
        for token, m_token, amount in ((fee_lp, m_fee_lp, 10**27 * (i + 1)), (eater, m_eater, 10**21)):
            token.transact("mint", staker, amount, sender=owner)
            m_token.mint(staker, amount)
    for holder in (owner, funder, stranger):
        reward.transact("mint", holder, REWARD_FLOAT, sender=owner)
        m_reward.mint(holder, REWARD_FLOAT)
        reward.transact("approve", farm.address, MAX_UINT, sender=holder)
    lps = [amm_pools[0], amm_pools[1], fee_lp, amm_pools[2]]
    m_lps = [m_amm[0], m_amm[1], m_fee_lp, m_amm[2]]
    for staker in stakers:
        for token in (*lps, eater):
            token.transact("approve", farm.address, MAX_UINT, sender=staker)

    m_world = model.World(m_factory, [*m_pair.values(), m_fee_lp, m_eater, m_reward])
    world = FarmWorld(
        chain, owner, funder, stranger, stakers, clock, spare, reward, lps, eater, amm_pools, farm,
        m_world, m_farm, m_reward, m_lps, m_eater,
    )
    hooked = [(t, m) for t, m in ((reward, m_reward), (fee_lp, m_fee_lp)) if isinstance(m, hostile.HookToken)]
    if hooked:
        world.hook = chain.deploy("ReentrantHook", sender=owner)
        world.m_hook = hostile.TokenHook(world.hook.address)
        scope = ModelScope((m_world.snapshot, m_world.restore), (m_farm.snapshot, m_farm.restore))
        for token, ledger in hooked:
            world.hook.transact("register", token.address, sender=owner)
            ledger.set_hook(world.hook.address, world.m_hook)
            ledger.scope = scope  # a failing hooked transfer restores the model world and the farm
    world.snap = chain.snapshot()
    world.model_snap = (m_world.snapshot(), m_farm.snapshot())
    return world
