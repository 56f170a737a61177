"""Scenario: the farm state machine with a hostile staking token and an odd-decimals reward token; model ==
chain after every step and no reward wei lost, on both backends (revm for breadth, a small Anvil run).

The machine is tests/test_farm_machine.FarmMachine (every rule and property: outcomes_agree,
chain_equals_model, conservation, solvent, deposit_credits_what_arrived, ...) over a farm world
(tests/farm_world.py) whose third candidate LP token is fee6, a HostileFeeToken of 6 decimals taking 0.3 %
whose owner may switch the fee from 0 to 100 % at any time (a USDT-style switch), and whose reward token
has 2 decimals (GUSD-like): rewards of a few hundred whole tokens over days leave most of the emission in
the rate's rounding, which the farm carries instead of losing (conservation, to the wei).

Added here: the owner switches the LP fee between steps (a deposit then credits what arrives: less, or
nothing at 100 %, which reverts ZeroAmount; a withdrawal pays the stake and the staker receives it less the
fee), and token_state_equals_model: the fee token's fee and total supply (fees are burned) on the chain
equal the model's.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from conftest import machine_settings
from farm_world import deploy_farm_world, outcome
from hostile_world import KINDS, Kind
from test_farm_machine import FarmMachine

REWARD2 = Kind("rwd2", "TestERC20", 2, ("Reward2", "RW2", 2), "2 decimals")
SCALE = {"revm": 0.15, "anvil": 0.1}  # of machine_settings' examples (the farm machine's own: 0.5 and 1.0)


class HostileFarmMachine(FarmMachine):
    """FarmMachine whose third candidate LP takes an owner-set fee, paying a 2-decimal reward."""

    def __init__(self):
        super().__init__()
        w = self.world
        self.fee_token, self.fee_ledger = w.lps[2], w.m_lps[2]
        self.token_reader = self.chain.reader([(self.fee_token, "feeBps", ()), (self.fee_token, "totalSupply", ())])

    @rule(fee=st.sampled_from([0, 1, 30, 250, 1_000, 9_999, 10_000]))
    def set_lp_fee(self, fee):
        """The fee token's owner changes the fee charged on every later transfer (staked LP included)."""
        owner = self.world.owner
        _, _, error = outcome(
            lambda: self.fee_ledger.set_fee(fee, sender=owner),
            lambda: self.fee_token.transact("setFee", fee, sender=owner),
        )
        assert error is None

    @invariant()
    def token_state_equals_model(self):
        """The fee LP's fee and total supply: chain == model."""
        chain_state = [value[0] for value in self.token_reader.read()]
        assert chain_state == [self.fee_ledger.fee_bps, self.fee_ledger.total_supply], "token_state_equals_model"


def test_hostile_farm_machine(chain, timed_backend):
    world = deploy_farm_world(chain, reward=REWARD2, third_lp=KINDS["fee6"])
    backend = world.chain.name
    timed_backend["backend"] = backend
    HostileFarmMachine.world = world
    run_state_machine_as_test(HostileFarmMachine, settings=machine_settings(backend, scale=SCALE[backend]))
