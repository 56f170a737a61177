"""ERC-777-style token hooks that call back into the Router and the Farm, on both backends.

A holder registers the ReentrantHook contract (contracts/test/hostile) as its HookToken hook and arms it
with a call into the router or the farm, made from the hook contract's own account and funds. The token
then runs that call in the middle of a transfer for the holder: before its tokens move (sender hook) or
after it received (recipient hook). With `bubble` a failing call reverts the transfer, and so the outer
call; without it the failure is swallowed, counted and its error selector kept (`lastError`).

Every outcome is the model's (python_model: HookToken and TokenHook ledgers, HostilePool, Router, Farm with
its reentrancy lock), compared with `==`: the outer call's result or revert name, then the whole state
(reserves, LP and token balances of every actor, the router and the hook contract, ETH; or every farm view
and balance plus the conservation identity) and the hook's attempts, failures and last error.

Router (trader's hook; pools hook8/n18 and hook8/WETH at 30 bps, V2 signatures)
-------------------------------------------------------------------------------
==========================  ===================================  ===============================================
case                        the hook runs ... and calls          outcome
==========================  ===================================  ===============================================
swap_in_sender_hook         before the trader's hook8 moves      harmless: the hook's swap runs first, the
                            into the pool: a swap, same pool     trader's exact-in swap is priced after it
exact_out_sender_hook       the same, for an exact-out swap      K: the input was priced before the hook moved
                                                                 the price (the pool refuses, nothing changes)
add_sender_hook             the same, for addLiquidity           harmless: the trader's deposit meets the moved
                                                                 price and mints the LP it is worth
swap_out_recipient_hook     while the pool pays the trader's     Reentrancy (pool locked); bubbled, the swap
                            hook8 output: a swap, same pool      reverts TransferFailed
remove_recipient_hook       while the pool's burn pays the       Reentrancy (pool locked); bubbled, the removal
                            trader: addLiquidity, same pool      reverts TransferFailed
remove_eth_recipient_hook   while the router pays the trader's   the hook's swap sweeps the router's WETH (the
                            hook8 in removeLiquidityETH: the     fee-on-transfer ETH swap pays out the router's
                            fee-on-transfer swap to ETH          whole WETH), then the removal's own unwrap
                                                                 reverts InsufficientBalance: nothing is taken
==========================  ===================================  ===============================================

Farm (hook8 as the staked LP token or as the reward token)
----------------------------------------------------------
Every farm operation holds the transient lock while it moves tokens, so each call back (deposit,
withdraw, harvest, harvestAll, emergencyWithdraw, fund) reverts Reentrancy: swallowed, the outer
operation completes exactly as without the hook; bubbled, it reverts TransferFromFailed (deposit, fund:
incoming) or TransferFailed (withdraw, emergencyWithdraw, harvest, harvestAll: outgoing).
"""

from __future__ import annotations

import pytest

from farm_world import DAY, FarmWorld, deploy_farm_world
from hostile_world import KINDS, deploy_hostile_world
from properties import agree
from router_world import MAX_UINT, RouterWorld, deploy_router_world
from test_router_machine import GAS_PAID, _signatures

ZERO_SELECTOR = bytes(4)


def error_name(chain, selector: bytes):
    """The name of the custom error with this selector (None for no error)."""
    if selector == ZERO_SELECTOR:
        return None
    return chain.artifacts.errors[selector][0]


def hook_state(chain, hook) -> tuple:
    return hook.call("attempts"), hook.call("failures"), error_name(chain, hook.call("lastError"))


def model_hook_state(m_hook) -> tuple:
    return m_hook.attempts, m_hook.failures, m_hook.last_error


# --- the router --------------------------------------------------------------------------------------------------
class RouterScene:
    """The hostile router world over hook8/n18 (tests/router_world.py on tests/hostile_world.py), driven on
    the chain and in the model side by side."""

    def __init__(self, w: RouterWorld):
        self.w, self.chain = w, w.chain
        self.m = w.start()  # the model Router
        self.sigs = _signatures(w.router.type)
        base = w.base
        self.hook, self.m_hook = base.hook, base.model_hook
        self.trader, self.attacker, self.lp = base.traders[0], base.traders[1], base.lps[0]
        by_key = {base.kind_of[t.address].key: t for t in base.tokens}
        self.hook8, self.n18, self.weth = by_key["hook8"], by_key["n18"], w.weth
        self.m_hook8 = self.m.world.tokens[self.hook8.address]

    def deadline(self):
        return self.chain.now + 3_600

    def send(self, contract, fn, *args, sender, value=0):
        """A transaction; the model charges the sender its gas (nothing on revm, 1 gwei a gas on Anvil)."""
        receipt = contract.transact(fn, *args, sender=sender, value=value)
        self.w.eth.move(sender, GAS_PAID, receipt.gas_used * self.w.gas_price)
        return receipt

    def router(self, name, args, model_op, sender, value=0):
        """A V2-signature router call on the chain and in the model: (model result, receipt, error name)."""
        return agree(model_op, lambda: self.send(self.w.router, self.sigs[(name, False)], *args, sender=sender,
                                                 value=value))

    def calldata(self, name, args) -> bytes:
        return self.w.router.type.function(self.sigs[(name, False)]).calldata(args)

    def mint(self, token, holder, amount):  # an open faucet; an actor pays the gas
        self.send(token, "mint", holder, amount, sender=self.lp)
        self.m.world.tokens[token.address].mint(holder, amount)

    def add(self, who, a, b, amount_a, amount_b):
        now, deadline = self.chain.now, self.deadline()
        _, _, error = self.router(
            "addLiquidity", (a.address, b.address, amount_a, amount_b, 0, 0, who, deadline),
            lambda: self.m.add_liquidity(who, a.address, b.address, amount_a, amount_b, 0, 0, who, deadline,
                                         timestamp=now), who)
        assert error is None

    def add_eth(self, who, token, amount, value):
        now, deadline = self.chain.now, self.deadline()
        _, _, error = self.router(
            "addLiquidityETH", (token.address, amount, 0, 0, who, deadline),
            lambda: self.m.add_liquidity_eth(who, value, token.address, amount, 0, 0, who, deadline, timestamp=now),
            who, value)
        assert error is None

    def setup(self):
        """Liquidity in hook8/n18 and hook8/WETH; the trader holds LP of both (approved to the router) and
        registers the hook contract as its hook; the hook contract holds hook8 and n18 and has approved the
        router for them."""
        h8, n18 = 10**8, 10**18
        for who in (self.lp, self.trader):
            self.add(who, self.hook8, self.n18, 10**6 * h8, 10**6 * n18)
            self.add_eth(who, self.hook8, 10**4 * h8, 10 * n18)
        weth_pool = self.m.pool(self.hook8.address, self.weth.address, 30)
        self.send(self.w.pool(weth_pool.address), "approve", self.w.router.address, MAX_UINT, sender=self.trader)
        hook = self.hook.address
        for token in (self.hook8, self.n18):
            self.mint(token, hook, 10**6 * (h8 if token is self.hook8 else n18))
            self.send(self.hook, "approveToken", token.address, self.w.router.address, MAX_UINT, sender=self.lp)
        self.send(self.hook8, "setHook", hook, sender=self.trader)
        self.m_hook8.set_hook(self.trader, self.m_hook)
        self.check()

    # The calls the hook contract makes, from its own funds: (router function, args, model call).
    def nested(self, kind):
        hook, h8 = self.hook.address, 10**8
        deadline = 2**40
        path = [self.hook8.address, self.n18.address]
        if kind == "swap":
            args = (1_000 * h8, 0, path, hook, deadline)
            return "swapExactTokensForTokens", args, lambda: self.m.swap_exact_tokens_for_tokens(
                hook, *args, timestamp=self.chain.now)
        if kind == "add":
            args = (*path, 1_000 * h8, 1_000 * 10**18, 0, 0, hook, deadline)
            return "addLiquidity", args, lambda: self.m.add_liquidity(hook, *args, timestamp=self.chain.now)
        assert kind == "sweep"  # everything the router holds in WETH, paid as ETH to the attacker's account
        args = (10 * h8, 0, [self.hook8.address, self.weth.address], self.attacker, deadline)
        return "swapExactTokensForETHSupportingFeeOnTransferTokens", args, (
            lambda: self.m.swap_exact_tokens_for_eth_supporting_fee_on_transfer_tokens(
                hook, *args, timestamp=self.chain.now))

    def arm(self, kind, bubble):
        name, args, model_call = self.nested(kind)
        self.send(self.hook, "arm", self.w.router.address, self.calldata(name, args), bubble, sender=self.lp)
        self.m_hook.arm(model_call, bubble)

    def outer(self, case):
        """The trader's call for `case`: (model result, receipt, error name)."""
        t, now, deadline = self.trader, self.chain.now, self.deadline()
        h8, n18 = self.hook8.address, self.n18.address
        m = self.m
        if case in ("swap_in_sender_hook", "swap_out_recipient_hook"):
            path = [h8, n18] if case == "swap_in_sender_hook" else [n18, h8]
            amount = 10_000 * 10**8 if path[0] == h8 else 10_000 * 10**18
            args = (amount, 0, path, t, deadline)
            return self.router("swapExactTokensForTokens", args,
                               lambda: m.swap_exact_tokens_for_tokens(t, *args, timestamp=now), t)
        if case == "exact_out_sender_hook":
            args = (5_000 * 10**18, MAX_UINT, [h8, n18], t, deadline)
            return self.router("swapTokensForExactTokens", args,
                               lambda: m.swap_tokens_for_exact_tokens(t, *args, timestamp=now), t)
        if case == "add_sender_hook":
            args = (h8, n18, 10_000 * 10**8, 10_000 * 10**18, 0, 0, t, deadline)
            return self.router("addLiquidity", args, lambda: m.add_liquidity(t, *args, timestamp=now), t)
        if case == "remove_recipient_hook":
            liquidity = m.pool(h8, n18, 30).balance_of(t) // 10
            args = (h8, n18, liquidity, 0, 0, t, deadline)
            return self.router("removeLiquidity", args, lambda: m.remove_liquidity(t, *args, timestamp=now), t)
        assert case == "remove_eth_recipient_hook"
        liquidity = m.pool(h8, self.weth.address, 30).balance_of(t) // 2
        args = (h8, liquidity, 0, 0, t, deadline)
        return self.router("removeLiquidityETH", args, lambda: m.remove_liquidity_eth(t, *args, timestamp=now), t)

    def check(self):
        """chain == model: pools, LP, tokens and ETH of every actor and the router (RouterWorld's state), the
        hook contract's tokens and its counters; and the router holds nothing."""
        pools = tuple(self.m.world.pools)
        chain_state, model_state = self.w.read_state(pools), self.w.model_state(pools)
        assert chain_state == model_state, "chain_equals_model"
        router = self.w.router.address
        assert not any(v for k, v in chain_state.items() if k[-1] == router), "router_holds_nothing"
        hook = self.hook.address
        for token in (self.hook8, self.n18, self.weth):
            ledger = self.m.world.tokens[token.address]
            assert token.call("balanceOf", hook) == ledger.balance_of(hook), "chain_equals_model: hook's tokens"
        assert hook_state(self.chain, self.hook) == model_hook_state(self.m_hook), "chain_equals_model: hook"


# case -> (what the hook calls, outer error swallowed, outer error bubbled, the hook call's own error)
ROUTER_CASES = {
    "swap_in_sender_hook": ("swap", None, None, None),
    "exact_out_sender_hook": ("swap", "K", "K", None),
    "add_sender_hook": ("swap", None, None, None),
    "swap_out_recipient_hook": ("swap", None, "TransferFailed", "Reentrancy"),
    "remove_recipient_hook": ("add", None, "TransferFailed", "Reentrancy"),
    "remove_eth_recipient_hook": ("sweep", "InsufficientBalance", "InsufficientBalance", None),
}


@pytest.fixture
def hook_router_world(chain) -> RouterWorld:
    return deploy_router_world(chain, base=deploy_hostile_world(chain, pairs=[("hook8", "n18")]))


@pytest.mark.parametrize("case", list(ROUTER_CASES))
def test_hook_reenters_router(hook_router_world, case):
    """The trader's router call with its hook armed (swallowing, then bubbling): the outcome the table
    above names, and the model's; afterwards chain == model."""
    kind, swallowed, bubbled, inner = ROUTER_CASES[case]
    for bubble in (False, True):
        s = RouterScene(hook_router_world)
        s.setup()
        s.arm(kind, bubble)
        attempts, failures, _ = model_hook_state(s.m_hook)
        _, receipt, error = s.outer(case)
        assert error == (bubbled if bubble else swallowed), f"{case}, bubble={bubble}: {error}"
        s.check()
        if receipt is not None:  # the hook ran once; its call failed with `inner` (swallowed) or succeeded
            assert (s.m_hook.attempts - attempts, s.m_hook.failures - failures) == (1, int(inner is not None))
            assert s.m_hook.last_error == inner
        else:
            assert model_hook_state(s.m_hook)[:2] == (attempts, failures), "a reverted call leaves no trace"


def test_swap_in_after_the_hooks_swap_pays_the_moved_price(hook_router_world):
    """swap_in_sender_hook in detail: the trader receives exactly what its input buys at the reserves the
    hook's own swap left (priced after it), less than it would have without the hook."""
    s = RouterScene(hook_router_world)
    s.setup()
    amount, path = 10_000 * 10**8, [s.hook8.address, s.n18.address]
    quiet = s.m.get_amounts_out(amount, path)[-1]
    s.arm("swap", False)
    amounts, receipt, error = s.outer("swap_in_sender_hook")
    assert error is None and receipt.return_value == tuple(amounts)
    assert amounts[-1] < quiet
    s.check()


# --- the farm ------------------------------------------------------------------------------------------------------
FARM_NESTED = ("deposit", "withdraw", "harvest", "harvestAll", "emergencyWithdraw", "fund")

# case -> (which token is the hook token, the outer operation, its revert when the hook's failure bubbles)
FARM_CASES = {
    "lp_deposit": ("third_lp", "deposit", "TransferFromFailed"),
    "lp_withdraw": ("third_lp", "withdraw", "TransferFailed"),
    "lp_emergency_withdraw": ("third_lp", "emergencyWithdraw", "TransferFailed"),
    "reward_harvest": ("reward", "harvest", "TransferFailed"),
    "reward_harvest_all": ("reward", "harvestAll", "TransferFailed"),
    "reward_fund": ("reward", "fund", "TransferFromFailed"),
}


class FarmScene:
    def __init__(self, w: FarmWorld, role: str):
        self.w, self.chain, self.role = w, w.chain, role
        self.f = w.start()
        self.hook, self.m_hook = w.hook, w.m_hook
        self.staker = w.stakers[0]
        self.token, self.ledger = (w.lps[2], w.m_lps[2]) if role == "third_lp" else (w.reward, w.m_reward)
        self.pid = 0

    def farm(self, sender, fn, *args):
        """`fn` on the farm from `sender`, chain and model: (model result, receipt, error name)."""
        f, now = self.f, self.chain.now
        ops = {
            "deposit": lambda pid, amount: f.deposit(sender, pid, amount, timestamp=now),
            "withdraw": lambda pid, amount: f.withdraw(sender, pid, amount, timestamp=now),
            "harvest": lambda pid: f.harvest(sender, pid, timestamp=now),
            "harvestAll": lambda: f.harvest_all(sender, timestamp=now),
            "emergencyWithdraw": lambda pid: f.emergency_withdraw(sender, pid, timestamp=now),
            "fund": lambda amount, duration: f.fund(sender, amount, duration, timestamp=now),
            "addPool": lambda token, alloc: f.add_pool(sender, self.w.ledger(token), alloc, timestamp=now),
        }
        return agree(lambda: ops[fn](*args), lambda: self.w.farm.transact(fn, *args, sender=sender))

    def ok(self, sender, fn, *args):
        result, _, error = self.farm(sender, fn, *args)
        assert error is None, f"{fn}{args}: {error}"
        return result

    def setup(self):
        """A pool on the staked token (the hook LP, or a pool LP when the reward is the hook token), a funded
        period, the staker's stake; the staker (or the funder, for `fund`) registers the hook contract."""
        w = self.w
        self.ok(w.owner, "addPool", (w.lps[2] if self.role == "third_lp" else w.lps[0]).address, 10)
        self.ok(w.owner, "fund", 10**20, 30 * DAY)
        self.ok(self.staker, "deposit", self.pid, 10**12)
        w.wait(DAY)
        self.check()

    def register(self, holder):
        self.token.transact("setHook", self.hook.address, sender=holder)
        self.ledger.set_hook(holder, self.m_hook)

    def arm(self, nested, bubble):
        """The hook calls `nested` on the farm (from its own account: the lock refuses it before anything)."""
        f, hook, pid = self.f, self.hook.address, self.pid
        args = {"deposit": (pid, 1), "withdraw": (pid, 1), "harvest": (pid,), "harvestAll": (),
                "emergencyWithdraw": (pid,), "fund": (1, DAY)}[nested]
        model_call = {
            "deposit": lambda: f.deposit(hook, pid, 1, timestamp=self.chain.now),
            "withdraw": lambda: f.withdraw(hook, pid, 1, timestamp=self.chain.now),
            "harvest": lambda: f.harvest(hook, pid, timestamp=self.chain.now),
            "harvestAll": lambda: f.harvest_all(hook, timestamp=self.chain.now),
            "emergencyWithdraw": lambda: f.emergency_withdraw(hook, pid, timestamp=self.chain.now),
            "fund": lambda: f.fund(hook, 1, DAY, timestamp=self.chain.now),
        }[nested]
        calldata = self.w.farm.type.function(nested).calldata(args)
        self.hook.transact("arm", self.w.farm.address, calldata, bubble, sender=self.w.owner)
        self.m_hook.arm(model_call, bubble)

    def disarm(self):
        self.hook.transact("arm", "0x" + "00" * 20, b"", False, sender=self.w.owner)
        self.m_hook.arm(None, False)

    def prepare(self, op):
        """With the hook disarmed: a stake to take out in an emergency, an hour of reward to harvest."""
        self.disarm()
        f = self.f
        if op == "emergencyWithdraw" and f.user_info(self.pid, self.staker).amount == 0:
            self.ok(self.staker, "deposit", self.pid, 10**12)
        if op in ("harvest", "harvestAll"):
            self.w.wait(3_600)
            assert f.pending_reward(self.pid, self.staker, timestamp=self.chain.now) > 0

    def outer(self, op):
        """The operation whose token transfer runs the hook."""
        w, f = self.w, self.f
        args = {"deposit": (self.pid, 10**9), "withdraw": (self.pid, 10**9), "emergencyWithdraw": (self.pid,),
                "harvest": (self.pid,), "harvestAll": ()}.get(op)
        if op == "fund":
            span = f.period_end - self.chain.now if self.chain.now < f.period_end else DAY
            return self.farm(w.funder, "fund", 10**18, span)
        return self.farm(self.staker, op, *args)

    def check(self):
        self.w.check()  # chain == model (every view and balance) and the conservation identity
        assert hook_state(self.chain, self.hook) == model_hook_state(self.m_hook), "chain_equals_model: hook"


@pytest.mark.parametrize("case", list(FARM_CASES))
def test_hook_reenters_farm(chain, case):
    """Each farm call made back from the token hook (swallowed, then bubbled) during the outer operation's
    transfer reverts Reentrancy; the outer operation completes exactly as the model says, or reverts with the
    SafeTransferLib error of its transfer; afterwards chain == model."""
    role, op, bubbled = FARM_CASES[case]
    w = deploy_farm_world(chain, **{role: KINDS["hook8"]})
    s = FarmScene(w, role)
    s.setup()
    s.register(w.funder if op == "fund" else s.staker)
    for nested in FARM_NESTED:
        for bubble in (False, True):
            s.prepare(op)
            s.arm(nested, bubble)
            attempts, failures, _ = model_hook_state(s.m_hook)
            _, receipt, error = s.outer(op)
            assert error == (bubbled if bubble else None), f"{case} / {nested}, bubble={bubble}: {error}"
            if not bubble:
                assert model_hook_state(s.m_hook) == (attempts + 1, failures + 1, "Reentrancy"), "reentrancy_locked"
            s.check()
