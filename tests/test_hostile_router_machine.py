"""Scenario: the router state machine over pools of a hostile token; model == chain after every step and the
router holds nothing, on both backends (revm for breadth, a small Anvil run).

One machine per scenario, each a subclass of tests/test_router_machine.RouterMachine (every rule, guard and
property of that machine) with the token's own rules and state added. Each world is tests/router_world.py
over tests/hostile_world.py: one hostile token and two normal ones with a pool for every pair and tier,
WETH and the Router; the model's pools are HostilePools over the exact hostile ledgers, so every amount,
revert name and balance is predicted, not tolerated.

=========  ==============================  ====================================================================
scenario   hostile token                   what the machine adds
=========  ==============================  ====================================================================
fee        fee6: HostileFeeToken, 0.3 %,   exact-input swaps through the fee token take the ...SupportingFeeOn-
           its owner may set 0..100 %      TransferTokens variants three times in four (the plain ones must then
                                           revert as the model says: K where a pool receives less than it priced;
                                           exact-output swaps likewise); the owner switches the fee
noret      noret6: transfer returns        nothing: the router's SafeTransferLib takes the empty return
           nothing (USDT-like)
zero       zero18: a zero transfer         nothing: zero amounts revert TransferFromFailed / TransferFailed where
           reverts                         the model says
block      block6: blocklist, burn from    the owner blocks and unblocks actors, the router and the token's pools,
           any holder (USDC-like)          and burns from them (a pool left below its reserves: Panic where the
                                           router or the pool subtracts, as the model says)
=========  ==============================  ====================================================================

Properties: every one of RouterMachine's (outcomes_agree, chain_equals_model, router_holds_nothing,
weth_backed_by_eth, the guards at their limits) plus token_state_equals_model: the hostile token's total
supply and own state (fee, blocklist over every actor, the router and its pools) on the chain equal the
model's.
"""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule, run_state_machine_as_test

from chain import Chain
from conftest import machine_settings
from hostile_world import deploy_hostile_world
from python_model import hostile_tokens as hostile
from router_world import RouterWorld, deploy_router_world
from test_router_machine import SIGS, RouterMachine, _signatures

# Share of machine_settings' examples per scenario and backend (four scenarios; the router machine's own is 0.08
# and 0.4): breadth on revm, a small run on Anvil.
SCALE = {"revm": 0.03, "anvil": 0.1}


def deploy_hostile_router_world(chain: Chain, hostile_key: str, partners: tuple[str, str]) -> RouterWorld:
    """The router world over the hostile token `hostile_key` and two normal partners (every pair and tier)."""
    a, b = partners
    base = deploy_hostile_world(chain, pairs=[(hostile_key, a), (hostile_key, b), (a, b)])
    return deploy_router_world(chain, base=base)


class HostileRouterMachine(RouterMachine):
    """RouterMachine over a world with one hostile token, whose own state is compared after every step."""

    hostile_key: str  # the hostile token's key in tests/hostile_world.KINDS

    def __init__(self):
        super().__init__()
        base = self.world.base
        self.x = next(t for t in base.tokens if base.kind_of[t.address].key == self.hostile_key)
        self.mx = self.m.world.tokens[self.x.address]
        self.readers = {}

    def owner_call(self, fn, model_fn, *args):
        """An owner-only function of the hostile token (the owner holds no ETH the model tracks: no gas)."""
        owner = self.world.base.owner
        return self.both(lambda: getattr(self.mx, model_fn)(*args, sender=owner),
                         lambda: self.x.transact(fn, *args, sender=owner))

    def token_accounts(self) -> list[str]:
        """The accounts whose token state is compared: the actors, the router and the token's pools."""
        pools = [p.address for p in self.m.world.pools if self.mx in (p.token0, p.token1)]
        return [*self.world.actors, self.router.address, *pools]

    def token_views(self, accounts) -> list[tuple]:
        """(chain call, model reader) pairs of the token's own state."""
        x, mx = self.x, self.mx
        views = [((x, "totalSupply", ()), lambda: mx.total_supply)]
        if isinstance(mx, hostile.FeeToken):
            views.append(((x, "feeBps", ()), lambda: mx.fee_bps))
        if isinstance(mx, hostile.BlocklistToken):
            views += [((x, "blocked", (a,)), lambda a=a: a in mx.blocked) for a in accounts]
        return views

    @invariant()
    def token_state_equals_model(self):
        """The hostile token's total supply and own state (fee, blocklist): chain == model."""
        accounts = tuple(self.token_accounts())
        views = self.token_views(accounts)
        reader = self.readers.get(accounts)
        if reader is None:
            reader = self.readers[accounts] = self.chain.reader([call for call, _ in views])
        chain_state = [value[0] for value in reader.read()]
        assert chain_state == [read() for _, read in views], "token_state_equals_model"


class FeeRouterMachine(HostileRouterMachine):
    hostile_key = "fee6"

    def supporting_fee_on_transfer(self, drawn, path):
        """Through the fee token, the supporting variant unless drawn (1 in 4); elsewhere as drawn."""
        return drawn != (self.x.address in path)

    @rule(fee=st.sampled_from([0, 1, 30, 30, 100, 1_000, 9_999, 10_000]))
    def set_token_fee(self, fee):
        """The owner switches the fee charged on every later transfer (100 %: nothing arrives)."""
        _, _, error = self.owner_call("setFee", "set_fee", fee)
        assert error is None


class NoReturnRouterMachine(HostileRouterMachine):
    hostile_key = "noret6"


class ZeroRevertRouterMachine(HostileRouterMachine):
    hostile_key = "zero18"


class BlocklistRouterMachine(HostileRouterMachine):
    hostile_key = "block6"

    @rule(who=st.integers(0, 2**16), block=st.sampled_from([True, False, False]))
    def block_account(self, who, block):
        """The owner blocks (or unblocks) an actor, the router or one of the token's pools."""
        accounts = self.token_accounts()
        account = accounts[who % len(accounts)]
        if block:
            _, _, error = self.owner_call("blockAccount", "block_account", account)
        else:
            _, _, error = self.owner_call("unblockAccount", "unblock_account", account)
        assert error is None

    @precondition(lambda self: self.mx.total_supply > 0)
    @rule(who=st.integers(0, 2**16), share=st.sampled_from([1, 10, 5_000, 10_000]))
    def burn_from_holder(self, who, share):
        """The owner destroys part of a holder's balance (a pool's too) without a transfer."""
        accounts = self.token_accounts()
        holder = accounts[who % len(accounts)]
        amount = self.mx.balance_of(holder) * share // 10_000
        _, _, error = self.owner_call("burnFrom", "burn_from", holder, amount)
        assert error is None


SCENARIOS = {
    "fee": (FeeRouterMachine, ("n8", "n18")),
    "noret": (NoReturnRouterMachine, ("n8", "n18")),
    "zero": (ZeroRevertRouterMachine, ("n6", "n8")),
    "block": (BlocklistRouterMachine, ("n8", "n18")),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_hostile_router_machine(chain, scenario, timed_backend):
    machine, partners = SCENARIOS[scenario]
    world = deploy_hostile_router_world(chain, machine.hostile_key, partners)
    backend = world.chain.name
    timed_backend["backend"] = backend
    SIGS.update(_signatures(world.router.type))
    machine.world = world
    run_state_machine_as_test(machine, settings=machine_settings(backend, scale=SCALE[backend]))
