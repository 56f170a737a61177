"""Scenario: users trade and provide liquidity through the Router; model == chain after every step.

The world (tests/router_world.py): tokens of 6/8/18 decimals with a pool for every pair and tier, WETH9
(its pools are created through the router) and the Router, the same world in python_model's `Router`.
Each example seeds a few pools through the router, then runs rules that call the router the way users
do: add and remove liquidity (V2 signatures on the 30 bps tier and the fee-tier overloads, tokens or
ETH, creating pools), remove with a real EIP-2612 permit signature, exact-in and exact-out swaps over 1-3
hops that mix tiers (tokens, ETH in, ETH out, the fee-on-transfer-supporting variants), wrap and unwrap
WETH, move LP tokens and let time pass.

Each call runs on the model and on the chain: both succeed with the same return value, or both revert
with the same error name. The guards are driven from the model: `amountOutMin` at the model's output
passes and one wei more reverts InsufficientOutputAmount; `amountInMax` at the model's input passes and
one wei less reverts ExcessiveInputAmount; a deadline equal to the block time passes and one second
earlier reverts Expired. After every step the whole state (reserves, LP supply and balances, every
actor's token, WETH and ETH balance) is read from the chain and compared with the model using `==`,
and the router holds no token, LP token or ETH.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

import python_model as model
from chain import Reverted
from chain.backend import GAS_LIMIT
from conftest import count_step, machine_settings
from properties import agree
from router_world import MAX_UINT, RouterWorld, deploy_router_world
from worlds import FEE_TIERS

WETH = 3  # index of WETH in RouterWorld.tokens (after the three base tokens: here of 6, 8 and 18 decimals)
GAS_PAID = "gas"  # the model's ETH ledger account that gas payments go to
SCALE = {"revm": 0.08, "anvil": 0.4}  # this machine's share of machine_settings' examples (budget: ~30 s each)

# Evidence printed at the end of the session: (backend, guard, outcome) -> count, and
# (backend, function, outcome) -> count for every call made.
GUARDS: Counter = Counter()
CALLS: Counter = Counter()


class PermitExpired(model.ModelError):
    """Solady ERC20.permit: block.timestamp > deadline (the permit runs before the router's own check)."""


class InvalidPermit(model.ModelError):
    """Solady ERC20.permit: the signature does not recover to the owner."""


# --- strategies ----------------------------------------------------------------------------------------
actors = st.integers(0, 5)  # index into RouterWorld.actors: three LPs, two traders, the permit signer
recipients = st.one_of(st.none(), st.integers(0, 5))  # None: the sender
deadlines = st.sampled_from(["far"] * 6 + ["now", "past"])  # now + 1 hour, now, now - 1
tiers = st.sampled_from(FEE_TIERS)
signatures = st.sampled_from(["v2", "tiered", "tiered"])  # v2: the Router02 signature, 30 bps
token_pairs = st.permutations(range(4)).map(lambda p: (p[0], p[1]))  # token indices; 3 is WETH
# Basis points of a balance: mostly a part of it, sometimes none, all or one more than all.
shares = st.one_of(st.integers(1, 10_000), st.integers(1, 10_000), st.integers(1, 10_000),
                   st.sampled_from([0, 10_000, 10_001]))

# An amount: ("raw", wei), ("units", mantissa, exponent) = mantissa * 10**exponent / 10**4 whole tokens,
# ("balance", bps) of the actor's balance (10_000 bps is all of it, more is more than it has).
raw_amounts = st.tuples(st.just("raw"), st.integers(0, 10_000))
unit_amounts = st.tuples(st.just("units"), st.integers(1, 9_999), st.integers(-2, 8))
balance_amounts = st.tuples(st.just("balance"), st.integers(0, 11_000))
amount_specs = st.one_of(raw_amounts, unit_amounts, unit_amounts, unit_amounts, balance_amounts)
# A swap size: ("reserve", mantissa, exponent) = mantissa * 10**exponent / 10**8 of the first hop's input
# reserve (exact in) or of the last hop's output reserve (exact out), or any amount above.
reserve_amounts = st.tuples(st.just("reserve"), st.integers(1, 10_100), st.integers(0, 4))
swap_sizes = st.one_of(reserve_amounts, reserve_amounts, reserve_amounts, amount_specs)

# A route: (start token, hops, wild). A hop is (pick, tier pick): a tame route picks among funded pools
# where there are some, a wild one (1 in 5) takes any neighbour and any tier.
hop_specs = st.tuples(st.integers(0, 11), st.integers(0, 3))
routes = st.tuples(st.integers(0, 3), st.lists(hop_specs, min_size=1, max_size=3),
                   st.integers(0, 4).map(lambda x: x == 0))
fot_variant = st.integers(0, 3).map(lambda x: x == 0)  # 1 in 4: the ...SupportingFeeOnTransferTokens variant
min_out_guards = st.sampled_from(["zero", "exact", "exact", "plus1", "plus1"])  # amountOutMin vs the model's output
max_in_guards = st.sampled_from(["loose", "exact", "exact", "minus1", "minus1"])  # amountInMax vs the model's input
slacks = st.one_of(st.integers(0, 10**6), st.integers(0, 10**30))  # amountInMax above the input ("loose")
# amountAMin / amountBMin against what the model takes (add) or pays (remove).
min_guards = st.sampled_from(["zero", "zero", "exact", "exact", "a+1", "b+1"])

# A pool to fund at the start: (token pair, tier, through addLiquidityETH when WETH is one of the pair,
# mantissa and exponent of token A, of token B); amount = mantissa * 10**(decimals - 1 + exponent).
seed_tiers = st.sampled_from([*FEE_TIERS, 30])  # the V2 signatures' tier a little more often
seed_specs = st.tuples(token_pairs, seed_tiers, st.booleans(), st.integers(1, 999), st.integers(0, 4),
                       st.integers(1, 999), st.integers(0, 4))
weth_seed_specs = st.tuples(st.integers(0, 2).map(lambda t: (t, WETH)), seed_tiers, st.booleans(), st.integers(1, 999),
                            st.integers(0, 4), st.integers(1, 999), st.integers(0, 4))


def units(spec, decimals):
    _, mantissa, exponent = spec
    return mantissa * 10 ** (decimals + exponent) // 10**4


class RouterMachine(RuleBasedStateMachine):
    world: RouterWorld  # set by the test that runs the machine

    def __init__(self):
        super().__init__()
        w = self.world
        self.chain = w.chain
        self.m = w.start()  # the model Router
        self.eth = w.eth
        self.router = w.router
        self.addresses = [t.address for t in w.tokens]
        self.decimals = [self.m.world.tokens[a].decimals for a in self.addresses]
        self.allowance = {key: MAX_UINT for key in w.lp_approved}  # (owner, pool) -> LP allowance to the router
        self.version = 0  # bumped by every transaction: the chain state read is cached per version
        self.seen = (None, None)

    # --- plumbing --------------------------------------------------------------------------------------
    def both(self, model_op, chain_op):
        """Run one operation on the model and on the chain: both succeed, or both revert with the same
        error name (property `outcomes_agree`). Returns (model result, receipt, error name)."""
        try:
            return agree(model_op, chain_op)
        finally:
            self.version += 1

    def dry(self, model_op, then=None):
        """(result, error name) of `model_op` on the model, which is left as it was; with `then`, (result of
        `then()` right after a successful `model_op`, error name)."""
        world_snap, eth_snap = self.m.world.snapshot(), self.eth._save()
        try:
            result = model_op()
            return (result if then is None else then()), None
        except model.ModelError as exc:
            return None, type(exc).__name__
        finally:
            self.m.world.restore(world_snap)
            self.eth._load(eth_snap)

    def send(self, contract, fn, *args, sender, value=0):
        """A transaction on the chain; the model charges its sender the gas it cost (see deploy_router_world:
        nothing on revm, gas_used * 1 gwei on Anvil)."""
        receipt = contract.transact(fn, *args, sender=sender, value=value)
        self.eth.move(sender, GAS_PAID, receipt.gas_used * self.world.gas_price)
        return receipt

    def spendable(self, holder):
        """The most ETH `holder` sends with a transaction: its balance less what a hundred transactions at
        the gas limit could cost (Anvil refuses a transaction its sender cannot pay at the gas limit)."""
        return max(0, self.eth.balance_of(holder) - 100 * GAS_LIMIT * self.world.gas_price)

    def call(self, name, tiered, args, sender, value=0):
        """Send `name` to the router: the fee-tier overload when `tiered`, else the V2 signature."""
        try:
            receipt = self.send(self.router, SIGS[(name, tiered)], *args, sender=sender, value=value)
        except Reverted as exc:
            CALLS[(self.chain.name, SIGS[(name, tiered)], exc.name)] += 1
            raise
        CALLS[(self.chain.name, SIGS[(name, tiered)], "ok")] += 1
        return receipt

    def deadline(self, when):
        return {"far": self.chain.now + 3_600, "now": self.chain.now, "past": self.chain.now - 1}[when]

    def outcome_later(self, when, same_call_later):
        """For a deadline equal to the block time: the error name (None: success) of the same call with a
        later deadline, on the model (left as it was). Computed before the call runs."""
        return self.dry(same_call_later)[1] if when == "now" else None

    def check_deadline(self, when, error, later, expired="Expired"):
        """A deadline one second before the block reverts (Expired, or PermitExpired where the permit runs
        first); a deadline equal to the block time ends as the same call with a later deadline (`later`)."""
        backend = self.chain.name
        if when == "past":
            GUARDS[(backend, "deadline = now - 1", error or "ok")] += 1
            assert error == expired, f"deadline_expired_reverts: got {error or 'success'}"
        elif when == "now":
            GUARDS[(backend, "deadline = now", error or "ok")] += 1
            assert error == later, f"deadline_now_passes: got {error or 'success'}, later deadline {later or 'success'}"

    def actor(self, i):
        return self.world.actors[i]

    def to(self, sender, recipient):
        return sender if recipient is None else self.world.actors[recipient]

    def token(self, i):
        return self.m.world.tokens[self.addresses[i]]

    def amount(self, spec, i, holder):
        """Resolve an amount spec for token i (WETH for i == 3) held by `holder`."""
        kind = spec[0]
        if kind == "raw":
            return spec[1]
        if kind == "units":
            return units(spec, self.decimals[i])
        return self.token(i).balance_of(holder) * spec[1] // 10_000

    def eth_value(self, spec, holder):
        """Resolve an amount spec as wei sent with a call: never more than `holder` has (a transaction
        that cannot pay its value is not a revert)."""
        balance = self.spendable(holder)
        if spec[0] == "balance":
            return balance * min(spec[1], 10_000) // 10_000
        return min(self.amount(spec, WETH, holder), balance)

    def funded(self, pool):
        return pool is not None and pool.reserve0 > 0 and pool.reserve1 > 0

    def route(self, spec, start=None, only_tier=None):
        """(path of token indices, fees) for a route spec, starting at `start` if given. A tame route takes
        funded pools, and not the pool it just came through while there is another."""
        first, hops, wild = spec
        current = first if start is None else start
        path, fees = [current], []
        for pick, tier_pick in hops:
            options = []
            if not wild:
                for other in range(4):
                    if other == current:
                        continue
                    for fee in FEE_TIERS if only_tier is None else (only_tier,):
                        if self.funded(self.m.pool(self.addresses[current], self.addresses[other], fee)):
                            options.append((other, fee))
                if len(path) > 1 and len(options) > 1 and (path[-2], fees[-1]) in options:
                    options.remove((path[-2], fees[-1]))
            if options:
                nxt, fee = options[(pick * 4 + tier_pick) % len(options)]
            else:
                nxt = (current + 1 + pick % 3) % 4
                fee = FEE_TIERS[tier_pick] if only_tier is None else only_tier
            path.append(nxt)
            fees.append(fee)
            current = nxt
        return path, fees

    def reserves(self, a, b, fee):
        return self.m.reserves(self.addresses[a], self.addresses[b], fee)

    def ensure_lp_allowance(self, owner, pool, liquidity):
        """An approve(router, max) of the LP first if the router could not pull `liquidity` (the model does
        not track allowances: every LP is taken to have approved the router)."""
        if self.allowance.get((owner, pool), 0) < liquidity:
            self.send(self.world.pool(pool), "approve", self.router.address, MAX_UINT, sender=owner)
            self.version += 1
            self.allowance[(owner, pool)] = MAX_UINT

    def spend_lp_allowance(self, owner, pool, liquidity):
        if self.allowance.get((owner, pool), 0) != MAX_UINT:
            self.allowance[(owner, pool)] -= liquidity

    def existing_pool(self, pick, need_weth=False, holder=None, tier=None):
        """A model pool that exists, preferring those where `holder` has LP, then funded ones, and among
        them those of `tier`; or None."""
        weth = self.addresses[WETH]
        pools = [p for p in self.m.world.pools if not need_weth or weth in (p.token0.address, p.token1.address)]
        if not pools:
            return None
        held = [p for p in pools if holder is not None and p.balance_of(holder) > 0]
        funded = [p for p in pools if p.total_supply > 0]
        pools = held or funded or pools
        pools = [p for p in pools if p.fee_bps == tier] or pools
        return pools[pick % len(pools)]

    # --- liquidity -------------------------------------------------------------------------------------------
    def add_liquidity(self, sender, a, b, fee, tiered, amount_a, amount_b, mins, when, to):
        """addLiquidity of tokens a and b (WETH as a plain token when one of them is 3)."""
        ta, tb = self.addresses[a], self.addresses[b]
        now = self.chain.now

        def model_op(min_a, min_b, deadline):
            return lambda: self.m.add_liquidity(sender, ta, tb, amount_a, amount_b, min_a, min_b, to, deadline,
                                                timestamp=now, fee=fee)

        taken, dry_error = self.dry(model_op(0, 0, self.deadline("far")))
        min_a, min_b = self.min_amounts(mins, taken)
        deadline = self.deadline(when)
        head = (ta, tb, fee) if tiered else (ta, tb)
        later = self.outcome_later(when, model_op(min_a, min_b, self.deadline("far")))
        expected, receipt, error = self.both(
            model_op(min_a, min_b, deadline),
            lambda: self.call("addLiquidity", tiered, (*head, amount_a, amount_b, min_a, min_b, to, deadline), sender),
        )
        if receipt:
            assert receipt.return_value == tuple(expected)
        self.check_deadline(when, error, later)
        if dry_error is None and when != "past":
            GUARDS[(self.chain.name, f"add mins {mins}", error or "ok")] += 1
            if mins == "exact":
                assert error is None, "add_mins_at_taken_amounts_pass"

    @staticmethod
    def min_amounts(mins, taken):
        """(amountAMin, amountBMin) from what the call takes (add) or pays (remove) at no minimum: none, exactly
        that, or one wei more on side A or on side B."""
        if taken is None or mins == "zero":
            return 0, 0
        a, b = taken[0], taken[1]
        return {"exact": (a, b), "a+1": (a + 1, 0), "b+1": (0, b + 1)}[mins]

    @initialize(seeds=st.lists(seed_specs, min_size=1, max_size=6),
                weth_seeds=st.lists(weth_seed_specs, min_size=1, max_size=3))
    def seed_pools(self, seeds, weth_seeds):
        """Fund a few pools through the router, the first for the signer and with WETH on the 30 bps tier
        (created here: the Router02 signatures' ETH functions need one), then other WETH pools and others."""
        for n, ((a, b), fee, use_eth, ma, ea, mb, eb) in enumerate(weth_seeds + seeds):
            lp = [self.world.signer, *self.world.base.lps][n % 4]
            fee = 30 if n == 0 else fee
            amount_a = ma * 10 ** (self.decimals[a] - 1 + (min(ea, 1) if a == WETH else ea))
            amount_b = mb * 10 ** (self.decimals[b] - 1 + (min(eb, 1) if b == WETH else eb))
            if use_eth and WETH in (a, b):
                token, amount_token, value = (b, amount_b, amount_a) if a == WETH else (a, amount_a, amount_b)
                self.add_liquidity_eth(lp, token, fee, True, amount_token, min(value, self.spendable(lp)),
                                       "zero", "far", lp)
            else:
                self.add_liquidity(lp, a, b, fee, True, amount_a, amount_b, "zero", "far", lp)

    @rule(actor=actors, pair=token_pairs, fee=tiers, sig=signatures, a=amount_specs, b=amount_specs,
          mins=min_guards, when=deadlines, to=recipients)
    def add(self, actor, pair, fee, sig, a, b, mins, when, to):
        """addLiquidity of two tokens (WETH among them as a plain token), creating the pool if needed."""
        sender = self.actor(actor)
        fee = 30 if sig == "v2" else fee
        self.add_liquidity(sender, *pair, fee, sig != "v2", self.amount(a, pair[0], sender),
                           self.amount(b, pair[1], sender), mins, when, self.to(sender, to))

    def add_liquidity_eth(self, sender, token, fee, tiered, amount_token, value, mins, when, to):
        """addLiquidityETH of token index `token` with `value` wei."""
        t = self.addresses[token]
        now = self.chain.now

        def model_op(min_token, min_eth, deadline):
            return lambda: self.m.add_liquidity_eth(sender, value, t, amount_token, min_token, min_eth, to, deadline,
                                                    timestamp=now, fee=fee)

        taken, dry_error = self.dry(model_op(0, 0, self.deadline("far")))
        min_token, min_eth = self.min_amounts(mins, taken)
        deadline = self.deadline(when)
        head = (t, fee) if tiered else (t,)
        later = self.outcome_later(when, model_op(min_token, min_eth, self.deadline("far")))
        expected, receipt, error = self.both(
            model_op(min_token, min_eth, deadline),
            lambda: self.call("addLiquidityETH", tiered, (*head, amount_token, min_token, min_eth, to, deadline),
                              sender, value),
        )
        if receipt:
            assert receipt.return_value == tuple(expected)
        self.check_deadline(when, error, later)
        if dry_error is None and when != "past":
            GUARDS[(self.chain.name, f"add mins {mins}", error or "ok")] += 1
            if mins == "exact":
                assert error is None, "add_mins_at_taken_amounts_pass"

    @rule(actor=actors, token=st.integers(0, 2), fee=tiers, sig=signatures, amount=amount_specs, value=amount_specs,
          mins=min_guards, when=deadlines, to=recipients)
    def add_eth(self, actor, token, fee, sig, amount, value, mins, when, to):
        """addLiquidityETH: the ETH not needed comes back; creates the token/WETH pool if needed."""
        sender = self.actor(actor)
        fee = 30 if sig == "v2" else fee
        self.add_liquidity_eth(sender, token, fee, sig != "v2", self.amount(amount, token, sender),
                               self.eth_value(value, sender), mins, when, self.to(sender, to))

    def remove_args(self, variant, pool, flip):
        """(function name, token arguments, model method, its token arguments) of a removal variant."""
        t0, t1 = pool.token0.address, pool.token1.address
        if variant == "tokens":
            pair = (t1, t0) if flip else (t0, t1)
            return "removeLiquidity", pair, self.m.remove_liquidity, pair
        token = t1 if t0 == self.addresses[WETH] else t0
        if variant == "eth":
            return "removeLiquidityETH", (token,), self.m.remove_liquidity_eth, (token,)
        name = "removeLiquidityETHSupportingFeeOnTransferTokens"
        return name, (token,), self.m.remove_liquidity_eth_supporting_fee_on_transfer_tokens, (token,)

    def remove_liquidity(self, sender, pool, variant, flip, tiered, share, mins, when, to, permit=None):
        """removeLiquidity / removeLiquidityETH / ...SupportingFeeOnTransferTokens of `share` bps of the
        sender's LP, or the WithPermit variant when `permit` is (approve_max, tamper)."""
        liquidity = pool.balance_of(sender) * share // 10_000
        fee = pool.fee_bps
        name, tokens, m_remove, m_tokens = self.remove_args(variant, pool, flip)
        now = self.chain.now

        def model_op(min_a, min_b, deadline):
            def run():
                if permit is not None:  # the permit runs first, outside the model
                    if now > deadline:
                        raise PermitExpired()
                    if permit[1]:
                        raise InvalidPermit()
                return m_remove(sender, *m_tokens, liquidity, min_a, min_b, to, deadline, timestamp=now, fee=fee)
            return run

        # What the removal pays (the ETH variants pay the same amounts as removeLiquidityETH).
        m_dry = self.m.remove_liquidity if variant == "tokens" else self.m.remove_liquidity_eth
        paid, dry_error = self.dry(
            lambda: m_dry(sender, *m_tokens, liquidity, 0, 0, to, self.deadline("far"), timestamp=now, fee=fee))
        if permit is not None and permit[1] and dry_error is None:
            dry_error = "InvalidPermit"
        min_a, min_b = self.min_amounts(mins, paid)
        deadline = self.deadline(when)
        head = (*tokens, fee) if tiered else tokens
        args = (*head, liquidity, min_a, min_b, to, deadline)
        if permit is None:
            self.ensure_lp_allowance(sender, pool.address, liquidity)
        else:
            approve_max, tamper = permit
            nonce = self.world.pool(pool.address).call("nonces", sender)
            value = MAX_UINT if approve_max else liquidity
            signed = value if not tamper else (liquidity if approve_max else liquidity + 1)
            args += (approve_max, *self.world.sign_permit(pool.address, self.router.address, signed, nonce, deadline))
            name = {
                "removeLiquidity": "removeLiquidityWithPermit",
                "removeLiquidityETH": "removeLiquidityETHWithPermit",
                "removeLiquidityETHSupportingFeeOnTransferTokens":
                    "removeLiquidityETHWithPermitSupportingFeeOnTransferTokens",
            }[name]
        later = self.outcome_later(when, model_op(min_a, min_b, self.deadline("far")))
        expected, receipt, error = self.both(model_op(min_a, min_b, deadline),
                                             lambda: self.call(name, tiered, args, sender))
        if receipt:
            assert receipt.return_value == (tuple(expected) if isinstance(expected, tuple) else expected)
            if permit is not None:
                self.allowance[(sender, pool.address)] = MAX_UINT if permit[0] else liquidity
            self.spend_lp_allowance(sender, pool.address, liquidity)
        self.check_deadline(when, error, later,
                            expired="Expired" if permit is None else "PermitExpired")
        if dry_error is None and when != "past":
            GUARDS[(self.chain.name, f"remove mins {mins}", error or "ok")] += 1
            if mins == "exact":
                assert error is None, "remove_mins_at_paid_amounts_pass"
        return error

    @rule(actor=actors, pick=st.integers(0, 23), variant=st.sampled_from(["tokens", "tokens", "eth", "eth_fot"]),
          flip=st.booleans(), sig=signatures, share=shares, mins=min_guards,
          when=deadlines, to=recipients)
    def remove(self, actor, pick, variant, flip, sig, share, mins, when, to):
        """removeLiquidity (tokens in either order), removeLiquidityETH or its fee-on-transfer variant, by an
        actor holding LP when there is one."""
        holders = [a for a in self.world.actors if any(p.balance_of(a) for p in self.m.world.pools)]
        sender = holders[actor % len(holders)] if holders else self.actor(actor)
        pool = self.existing_pool(pick, need_weth=variant != "tokens", holder=sender, tier=30 if sig == "v2" else None)
        if pool is None:
            return
        tiered = sig != "v2" or pool.fee_bps != 30
        self.remove_liquidity(sender, pool, variant, flip, tiered, share, mins, when, self.to(sender, to))

    @rule(pick=st.integers(0, 23), variant=st.sampled_from(["tokens", "tokens", "eth", "eth_fot"]), flip=st.booleans(),
          sig=signatures, share=shares, mins=min_guards, when=deadlines,
          to=recipients, approve_max=st.booleans(), tamper=st.integers(0, 5).map(lambda x: x == 0))
    def remove_with_permit(self, pick, variant, flip, sig, share, mins, when, to, approve_max, tamper):
        """The signer removes with a permit it signs now (EIP-712 over the pool's LP domain on this chain).
        Without LP in the pool, it is first sent half of an LP's."""
        sender = self.world.signer
        pool = self.existing_pool(pick, need_weth=variant != "tokens", holder=sender, tier=30 if sig == "v2" else None)
        if pool is None:
            return
        giver = next((a for a in self.world.actors if pool.balance_of(a) > 1), None)
        if pool.balance_of(sender) == 0 and giver is not None:
            self.lp_transfer(pool, giver, sender, pool.balance_of(giver) // 2)
        tiered = sig != "v2" or pool.fee_bps != 30
        error = self.remove_liquidity(sender, pool, variant, flip, tiered, share, mins, when, self.to(sender, to),
                                      permit=(approve_max, tamper))
        GUARDS[(self.chain.name, "permit " + ("tampered" if tamper else "signed"), error or "ok")] += 1

    @rule(frm=actors, to=actors, pick=st.integers(0, 23), share=shares)
    def transfer_lp(self, frm, to, pick, share):
        """LP tokens change hands (the signer gets some to remove with permits)."""
        a, b = self.actor(frm), self.actor(to)
        pool = self.existing_pool(pick, holder=a)
        if pool is None:
            return
        self.lp_transfer(pool, a, b, pool.balance_of(a) * share // 10_000)

    def lp_transfer(self, pool, a, b, amount):
        self.both(lambda: pool.transfer(a, b, amount),
                  lambda: self.send(self.world.pool(pool.address), "transfer", b, amount, sender=a))

    # --- swaps ---------------------------------------------------------------------------------------------------
    def path_of(self, kind, route, sig):
        only = 30 if sig == "v2" else None
        if kind == "eth_in":
            return self.route(route, start=WETH, only_tier=only)
        if kind == "eth_out":
            path, fees = self.route(route, start=WETH, only_tier=only)
            return path[::-1], fees[::-1]
        return self.route(route, only_tier=only)

    def received(self, kind, path, to):
        """What `to` holds of the swap's output: ETH for ETH out, else the last token of the path."""
        if kind == "eth_out":
            return self.eth.balance_of(to)
        return self.token(path[-1]).balance_of(to)

    @rule(actor=actors, route=routes, sig=signatures, size=swap_sizes, fot=fot_variant, guard=min_out_guards,
          when=deadlines, to=recipients)
    def swap_exact_in(self, actor, route, sig, size, fot, guard, when, to):
        """swapExactTokensForTokens over 1-3 hops of any tiers."""
        self.exact_in("tokens", actor, route, sig, size, fot, guard, when, to)

    @rule(actor=actors, kind=st.sampled_from(["eth_in", "eth_out"]), route=routes, sig=signatures, size=swap_sizes,
          fot=fot_variant, guard=min_out_guards, when=deadlines, to=recipients)
    def swap_exact_in_eth(self, actor, kind, route, sig, size, fot, guard, when, to):
        """swapExactETHForTokens (the path starts at WETH) or swapExactTokensForETH (it ends there)."""
        self.exact_in(kind, actor, route, sig, size, fot, guard, when, to)

    def supporting_fee_on_transfer(self, drawn: bool, path: list[str]) -> bool:
        """Whether an exact-input swap over `path` uses the ...SupportingFeeOnTransferTokens variant: as drawn
        (1 in 4) here; a scenario with fee-on-transfer tokens may prefer it where they are on the path."""
        return drawn

    def exact_in(self, kind, actor, route, sig, size, fot, guard, when, to):
        """Exact input: amountOutMin at the model's output passes, one wei more reverts InsufficientOutputAmount."""
        sender, now = self.actor(actor), self.chain.now
        to = self.to(sender, to)
        path, fees = self.path_of(kind, route, sig)
        addresses = [self.addresses[i] for i in path]
        fot = self.supporting_fee_on_transfer(fot, addresses)
        tiered = sig != "v2"
        m_fees = fees if tiered else None
        if size[0] == "reserve":
            amount_in = self.reserves(path[0], path[1], fees[0])[0] * size[1] * 10 ** size[2] // 10**8
        elif kind == "eth_in":
            amount_in = self.eth_value(size, sender)
        else:
            amount_in = self.amount(size, path[0], sender)
        if kind == "eth_in":
            amount_in = min(amount_in, self.spendable(sender))
        name, method = {
            ("tokens", False): ("swapExactTokensForTokens", self.m.swap_exact_tokens_for_tokens),
            ("eth_in", False): ("swapExactETHForTokens", self.m.swap_exact_eth_for_tokens),
            ("eth_out", False): ("swapExactTokensForETH", self.m.swap_exact_tokens_for_eth),
            ("tokens", True): ("swapExactTokensForTokensSupportingFeeOnTransferTokens",
                               self.m.swap_exact_tokens_for_tokens_supporting_fee_on_transfer_tokens),
            ("eth_in", True): ("swapExactETHForTokensSupportingFeeOnTransferTokens",
                               self.m.swap_exact_eth_for_tokens_supporting_fee_on_transfer_tokens),
            ("eth_out", True): ("swapExactTokensForETHSupportingFeeOnTransferTokens",
                                self.m.swap_exact_tokens_for_eth_supporting_fee_on_transfer_tokens),
        }[(kind, fot)]

        def model_op(amount_out_min, deadline):
            return lambda: method(sender, amount_in, amount_out_min, addresses, to, deadline, timestamp=now,
                                  fees=m_fees)

        # The model's output: the last of the amounts it returns or, for the fee-on-transfer variants (which
        # return nothing), what `to` receives, measured like the contract: after the input was paid.
        before = self.received(kind, path, to)
        if kind == "tokens" and path[0] == path[-1] and to == sender:
            before -= amount_in
        out, dry_error = self.dry(
            model_op(0, self.deadline("far")),
            then=(lambda: self.received(kind, path, to) - before) if fot else None,
        )
        if out is not None and not fot:
            out = out[-1]
        amount_out_min = 0
        if dry_error is None and guard != "zero":
            amount_out_min = out + (guard == "plus1")
        deadline = self.deadline(when)
        fee_args = (fees,) if tiered else ()
        head = () if kind == "eth_in" else (amount_in,)
        args = (*head, amount_out_min, addresses, *fee_args, to, deadline)
        later = self.outcome_later(when, model_op(amount_out_min, self.deadline("far")))
        expected, receipt, error = self.both(
            model_op(amount_out_min, deadline),
            lambda: self.call(name, tiered, args, sender, amount_in if kind == "eth_in" else 0),
        )
        if receipt:
            assert receipt.return_value == (None if fot else tuple(expected)), "swap_amounts_equal_model"
        self.check_deadline(when, error, later)
        if dry_error is None and when != "past" and guard != "zero":
            label = "amountOutMin = model output" + (" + 1" if guard == "plus1" else "")
            GUARDS[(self.chain.name, label, error or "ok")] += 1
            shape = f"{len(fees)} hop(s)/{len(set(fees))} tier(s)"
            GUARDS[(self.chain.name, "paths of the amountOutMin cases", shape)] += 1
            if guard == "exact":
                assert error is None, "min_out_at_model_output_passes"
            else:
                assert error == "InsufficientOutputAmount", "min_out_above_model_output_reverts"

    @rule(actor=actors, route=routes, sig=signatures, size=swap_sizes, guard=max_in_guards, slack=slacks,
          when=deadlines, to=recipients)
    def swap_exact_out(self, actor, route, sig, size, guard, slack, when, to):
        """swapTokensForExactTokens over 1-3 hops of any tiers."""
        self.exact_out("tokens", actor, route, sig, size, guard, slack, when, to)

    @rule(actor=actors, kind=st.sampled_from(["eth_in", "eth_out"]), route=routes, sig=signatures, size=swap_sizes,
          guard=max_in_guards, slack=slacks, when=deadlines, to=recipients)
    def swap_exact_out_eth(self, actor, kind, route, sig, size, guard, slack, when, to):
        """swapETHForExactTokens (the path starts at WETH) or swapTokensForExactETH (it ends there)."""
        self.exact_out(kind, actor, route, sig, size, guard, slack, when, to)

    def exact_out(self, kind, actor, route, sig, size, guard, slack, when, to):
        """Exact output: amountInMax (or msg.value) at the model's input passes, one wei less reverts
        ExcessiveInputAmount; ETH sent above the input comes back."""
        sender, now = self.actor(actor), self.chain.now
        to = self.to(sender, to)
        path, fees = self.path_of(kind, route, sig)
        addresses = [self.addresses[i] for i in path]
        tiered = sig != "v2"
        m_fees = fees if tiered else None
        if size[0] == "reserve":
            amount_out = self.reserves(path[-2], path[-1], fees[-1])[1] * size[1] * 10 ** size[2] // 10**8
        else:
            amount_out = self.amount(size, path[-1], sender)
        name, method = {
            "tokens": ("swapTokensForExactTokens", self.m.swap_tokens_for_exact_tokens),
            "eth_in": ("swapETHForExactTokens", self.m.swap_eth_for_exact_tokens),
            "eth_out": ("swapTokensForExactETH", self.m.swap_tokens_for_exact_eth),
        }[kind]

        def model_op(limit, deadline):
            return lambda: method(sender, *((limit, amount_out) if kind == "eth_in" else (amount_out, limit)),
                                  addresses, to, deadline, timestamp=now, fees=m_fees)

        balance = self.spendable(sender)
        amounts, dry_error = self.dry(model_op(balance if kind == "eth_in" else MAX_UINT, self.deadline("far")))
        if dry_error is None:
            need = amounts[0]
            limit = {"loose": need + slack, "exact": need, "minus1": need - 1}[guard]
        else:
            limit = MAX_UINT
        if kind == "eth_in":
            limit = min(limit, balance)
        deadline = self.deadline(when)
        fee_args = (fees,) if tiered else ()
        head = (amount_out,) if kind == "eth_in" else (amount_out, limit)
        args = (*head, addresses, *fee_args, to, deadline)
        later = self.outcome_later(when, model_op(limit, self.deadline("far")))
        expected, receipt, error = self.both(
            model_op(limit, deadline),
            lambda: self.call(name, tiered, args, sender, limit if kind == "eth_in" else 0),
        )
        if receipt:
            assert receipt.return_value == tuple(expected), "swap_amounts_equal_model"
        self.check_deadline(when, error, later)
        if dry_error is None and when != "past" and guard != "loose":
            what = "msg.value" if kind == "eth_in" else "amountInMax"
            label = f"{what} = model input" + (" - 1" if guard == "minus1" else "")
            GUARDS[(self.chain.name, label, error or "ok")] += 1
            shape = f"{len(fees)} hop(s)/{len(set(fees))} tier(s)"
            GUARDS[(self.chain.name, "paths of the amountInMax cases", shape)] += 1
            if guard == "exact":
                assert error is None, "max_in_at_model_input_passes"
            else:
                assert error == "ExcessiveInputAmount", "max_in_below_model_input_reverts"

    # --- WETH and time --------------------------------------------------------------------------------------
    @rule(actor=actors, wrap=st.booleans(), amount=amount_specs)
    def wrap_unwrap(self, actor, wrap, amount):
        """WETH9 deposit / withdraw directly (not through the router)."""
        who = self.actor(actor)
        weth = self.m.weth
        if wrap:
            value = self.eth_value(amount, who)

            def deposit():
                self.eth.move(who, weth.address, value)
                weth.mint(who, value)

            self.both(deposit, lambda: self.send(self.world.weth, "deposit", sender=who, value=value))
        else:
            wad = self.amount(amount, WETH, who)

            def withdraw():
                balance = weth.balance_of(who)
                if wad > balance:
                    raise model.errors.InsufficientBalance()
                if wad:
                    weth.balances[who] = balance - wad
                    if not weth.balances[who]:
                        del weth.balances[who]
                    weth.total_supply -= wad
                self.eth.move(weth.address, who, wad)

            self.both(withdraw, lambda: self.send(self.world.weth, "withdraw", wad, sender=who))

    @rule(seconds=st.one_of(st.just(0), st.integers(1, 120), st.integers(1, 10**6)))
    def advance_time(self, seconds):
        self.chain.advance(seconds)

    # --- properties ------------------------------------------------------------------------------------------
    def observed(self) -> dict:
        """The chain state (reads cached until the next transaction)."""
        version, state = self.seen
        if version != self.version:
            state = self.world.read_state(tuple(self.m.world.pools))
            self.seen = (self.version, state)
        return state

    @invariant()
    def chain_equals_model(self):
        """Reserves and their timestamp, LP supply, every LP holder's LP, every actor's and pool's token and
        WETH balance, WETH's supply, every actor's ETH: chain == model."""
        count_step(self.chain.name)
        chain_state = self.observed()
        model_state = self.world.model_state(tuple(self.m.world.pools))
        if chain_state != model_state:
            diff = {k: (chain_state.get(k), model_state.get(k)) for k in chain_state.keys() | model_state.keys()
                    if chain_state.get(k) != model_state.get(k)}
            raise AssertionError(f"chain_equals_model: (chain, model) differ at {diff}")

    @invariant()
    def router_holds_nothing(self):
        """No token, WETH, LP token or wei stays in the router after a call (read from the chain)."""
        state = self.observed()
        router = self.router.address
        held = {k: v for k, v in state.items() if k[-1] == router and k[0] in ("token", "lp", "eth") and v}
        assert not held, f"router_holds_nothing: {held}"

    @invariant()
    def weth_backed_by_eth(self):
        """WETH's supply is exactly the ETH it holds (chain)."""
        state = self.observed()
        assert state[("weth.totalSupply",)] == state[("eth", self.world.weth.address)]


def _signatures(router_type) -> dict:
    """(function name, tiered) -> full signature: the overload with a fee (uint16 / uint16[]) or without."""
    sigs = {}
    for sig, fn in router_type.functions.items():
        if "(" in sig and fn is not None:
            sigs[(fn.name, "uint16" in sig)] = sig
    return sigs


SIGS: dict = {}


class _GuardReport:
    """Prints the guard evidence and the router calls made, per backend, at the end of the session."""

    def pytest_terminal_summary(self, terminalreporter):
        if not GUARDS:
            return
        write = terminalreporter.write_line
        terminalreporter.section("router machine: guards (outcome x count) and calls")
        for backend in sorted({k[0] for k in GUARDS}):
            write(f"{backend}:")
            outcomes = {}
            for (b, guard, result), n in GUARDS.items():
                if b == backend:
                    outcomes.setdefault(guard, []).append(f"{result} x {n}")
            for guard in sorted(outcomes):
                write(f"  {guard}: {', '.join(sorted(outcomes[guard]))}")
            calls = {sig: Counter() for sig in SIGS.values()}
            for (b, sig, result), n in CALLS.items():
                if b == backend:
                    calls[sig][result] += n
            transacting = [sig for sig in calls if not any(word in sig for word in VIEWS)]
            never_ok = [f"{sig.split('(')[0]}[{'tiered' if 'uint16' in sig else 'v2'}]"
                        for sig in transacting if not calls[sig]["ok"]]
            total = sum(sum(c.values()) for c in calls.values())
            write(f"  router calls: {total} ({sum(c['ok'] for c in calls.values())} ok) over "
                  f"{sum(1 for sig in transacting if calls[sig])} of {len(transacting)} transacting signatures; "
                  f"never succeeded: {never_ok or 'none'}")


VIEWS = ("quote(", "getAmount", "poolFor(", "factory(", "WETH(")


@pytest.fixture  # per test, like the chain it is deployed on (see tests/conftest.py)
def router_world(chain, request):
    if not request.config.pluginmanager.has_plugin("router-guards"):
        request.config.pluginmanager.register(_GuardReport(), "router-guards")
    return deploy_router_world(chain)


def test_router_machine(router_world, timed_backend):
    backend = router_world.chain.name
    timed_backend["backend"] = backend
    SIGS.update(_signatures(router_world.router.type))
    RouterMachine.world = router_world
    run_state_machine_as_test(RouterMachine, settings=machine_settings(backend, scale=SCALE[backend]))
