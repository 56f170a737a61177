"""Every property must be able to fail: each mutant below is a deliberately broken pool or farm, and the
pool or farm state machine must catch it, by a named property, within a bounded budget on the in-process
backend. The pool mutants must also be caught by the program driver (tests/test_pool_program.py), which
runs the same rules and invariants from drawn byte programs.

A mutant that survives fails this test; so does a mutant whose original text no longer occurs once in
the contracts (the regression would otherwise silently test nothing).
"""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from chain.revm import RevmChain
from conftest import NOTES
from mutants import Mutant, compile_mutant
from farm_world import deploy_farm_world
from test_farm_machine import FarmMachine
from test_pool_machine import PoolMachine
from test_pool_program import ProgramRunner, run_programs
from worlds import deploy_pool_world

POOL_MUTANTS = [
    Mutant(
        "fee constant off by one in the K check",
        "Pool.sol",
        "return (balance0 * 10000 - amount0In * f) * (balance1 * 10000 - amount1In * f) >= k;",
        "return (balance0 * 10000 - amount0In * (f - 1)) * (balance1 * 10000 - amount1In * (f - 1)) >= k;",
        ("outcomes_agree",),
    ),
    Mutant(
        "K check scaled differently from the fee (Uranium Finance)",
        "Pool.sol",
        "k = uint112(packed) * uint256(uint112(packed >> 112)) * 1e8;",
        "k = uint112(packed) * uint256(uint112(packed >> 112)) * 1e6;",
        ("swap_output_is_maximal", "outcomes_agree"),
    ),
    Mutant(
        "mint rounds up",
        "Pool.sol",
        "FixedPointMathLib.fullMulDiv(amount0, supply, r0), FixedPointMathLib.fullMulDiv(amount1, supply, r1)",
        "FixedPointMathLib.fullMulDivUp(amount0, supply, r0), FixedPointMathLib.fullMulDivUp(amount1, supply, r1)",
        ("mint_matches_model", "outcomes_agree"),
    ),
    Mutant(
        "burn rounds up",
        "Pool.sol",
        "amount0 = FixedPointMathLib.fullMulDiv(liquidity, balance0, supply);",
        "amount0 = FixedPointMathLib.fullMulDivUp(liquidity, balance0, supply);",
        ("burn_matches_model", "outcomes_agree"),
    ),
    Mutant(
        "skim pays more than the excess",
        "Pool.sol",
        "token0.safeTransfer(to, _balanceOf(token0) - uint112(packed));",
        "token0.safeTransfer(to, _balanceOf(token0) - uint112(packed) + (uint112(packed) > 0 ? 1 : 0));",
        ("chain_equals_model",),
    ),
    Mutant(
        "first deposit without the locked minimum (inflation attack)",
        "Pool.sol",
        "_mint(address(0), MINIMUM_LIQUIDITY); // locked forever",
        "// the minimum is no longer locked",
        ("chain_equals_model",),
    ),
    Mutant(
        "no reentrancy lock on sync",
        "Pool.sol",
        "function sync() external nonReentrant {",
        "function sync() external {",
        ("reentrancy_locked", "outcomes_agree"),
    ),
    Mutant(
        "protocol fee of 1/5 instead of 1/6 of sqrt(k) growth",
        "Pool.sol",
        "rootK * 5 + rootKLast",
        "rootK * 4 + rootKLast",
        # the fee LP is minted before the depositor's share is computed: a mint or burn returns the wrong amount
        ("chain_equals_model", "mint_matches_model", "burn_matches_model"),
    ),
]

FARM_MUTANTS = [
    Mutant(
        "allocation change does not settle the pools first",
        "Farm.sol",
        "Schedule memory s = _settleAll();\n        PoolData storage pool = _pools[pid];",
        "Schedule memory s = _schedule;\n        PoolData storage pool = _pools[pid];",
        ("events_match_model", "chain_equals_model", "conservation", "outcomes_agree"),
    ),
    Mutant(
        "rewards emitted at zero stake are lost",
        "Farm.sol",
        "idle = reward;",
        "idle = 0;",
        ("events_match_model", "chain_equals_model", "conservation", "outcomes_agree"),
    ),
]

BUDGET = settings(
    max_examples=400,
    stateful_step_count=60,
    deadline=None,
    database=None,
    phases=[Phase.generate],  # no shrinking: catching is the point, the minimal example is not
    suppress_health_check=list(settings.default.suppress_health_check),
)


@pytest.mark.parametrize("mutant", POOL_MUTANTS, ids=lambda m: m.name)
def test_pool_mutant_is_caught(mutant):
    artifacts = compile_mutant(mutant)
    chain = RevmChain(artifacts)
    chain.name = "revm (mutants)"  # counted apart from the real suites' steps
    world = deploy_pool_world(chain)

    class MutantMachine(PoolMachine):
        pass

    MutantMachine.world = world
    _assert_caught(mutant, MutantMachine)


PROGRAM_BUDGET = settings(BUDGET, max_examples=300)  # programs of PROGRAM_OPS operations
PROGRAM_OPS = 100


@pytest.mark.parametrize("mutant", POOL_MUTANTS, ids=lambda m: m.name)
def test_pool_mutant_is_caught_by_program(mutant):
    chain = RevmChain(compile_mutant(mutant))
    chain.name = "revm (mutants)"
    runner = ProgramRunner(deploy_pool_world(chain))
    with pytest.raises(BaseException) as caught:
        run_programs(runner, PROGRAM_BUDGET, PROGRAM_OPS)
    report = _describe(caught.value)
    assert any(p in report for p in mutant.caught_by), f"{mutant.name}: not caught by {mutant.caught_by}:\n{report[:3000]}"
    assert "state.choose_pool(" in report, "the failure lists the decoded program"
    NOTES.append(f"program driver caught '{mutant.name}' after {runner.ops_to_failure:,} operations")


@pytest.mark.parametrize("mutant", FARM_MUTANTS, ids=lambda m: m.name)
def test_farm_mutant_is_caught(mutant):
    chain = RevmChain(compile_mutant(mutant))
    chain.name = "revm (mutants)"
    world = deploy_farm_world(chain)

    class MutantMachine(FarmMachine):
        pass

    MutantMachine.world = world
    _assert_caught(mutant, MutantMachine)


def _assert_caught(mutant, machine):
    with pytest.raises(BaseException) as caught:
        run_state_machine_as_test(machine, settings=BUDGET)
    report = _describe(caught.value)
    assert any(p in report for p in mutant.caught_by), f"{mutant.name}: not caught by {mutant.caught_by}:\n{report[:3000]}"


def _describe(exc: BaseException) -> str:
    """The failure's messages and the names of the rules in its traceback, for matching a property name."""
    import traceback

    parts = traceback.format_exception(exc)
    for sub in getattr(exc, "exceptions", ()):
        parts += traceback.format_exception(sub)
    return "".join(parts)


def test_unmutated_contracts_compile_identically_to_ape():
    """The mutant compiler builds the same bytecode Ape does, so a mutant differs only by its patch."""
    from chain import Artifacts

    ours, apes = compile_mutant(None), Artifacts()
    for name in ("Pool", "Factory", "TestERC20"):
        assert ours[name].bytecode == apes[name].bytecode, name
