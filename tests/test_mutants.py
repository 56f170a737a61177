"""Every property must be able to fail: each mutant below is a deliberately broken pool or farm, and the
pool or farm state machine must catch it, by a named property, within a bounded budget on the in-process
backend. Pool mutants run through the pool machine (normal tokens) or, where only a hostile token tells
the broken pool from the real one, through the hostile pool machine on one hostile pair; farm mutants
run through the farm machine (whose candidate LP tokens include a 2.5 % fee-on-transfer one). The
unmutated contracts pass the same machines in their own suites; the session ends with the steps each
mutant survived. The pool mutants must also be caught by the program driver (tests/test_pool_program.py),
which runs the same rules and invariants from drawn byte programs.

A mutant that survives fails this test; so does a mutant whose original text no longer occurs once in
the contracts (the regression would otherwise silently test nothing).
"""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from chain.revm import RevmChain
from conftest import NOTES, STEPS
from farm_world import deploy_farm_world
from hostile_world import deploy_hostile_world
from mutants import Mutant, compile_mutant
from test_farm_machine import FarmMachine
from test_hostile_pool_machine import HostilePoolMachine
from test_pool_machine import PoolMachine
from test_pool_program import ProgramRunner, run_programs
from worlds import deploy_pool_world

BACKEND = "revm (mutants)"  # counted apart from the real suites' steps
CAUGHT: dict = {}  # mutant name -> (steps run until caught, the property's message)

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
        "setFeeTo publishes no marker: pools keep a stale fee switch",
        "Factory.sol",
        "FeeSwitch.deployMarker(epoch);",
        "// no marker deployed",
        ("chain_equals_model",),
    ),
    Mutant(
        "pools look for the marker two epochs ahead: one setFeeTo goes unseen",
        "libraries/FeeSwitch.sol",
        "mstore(add(m, 0x20), add(epoch, 1))",
        "mstore(add(m, 0x20), add(epoch, 2))",
        ("chain_equals_model",),
    ),
    Mutant(
        "protocol fee of 1/5 instead of 1/6 of sqrt(k) growth",
        "Pool.sol",
        "rootK * 5 + rootKLast",
        "rootK * 4 + rootKLast",
        # the fee LP is minted before the depositor's share is computed: a mint or burn returns the wrong amount
        ("mint_matches_model", "burn_matches_model", "chain_equals_model"),
    ),
]

# Found by the hostile-token machine: with normal tokens these pools behave exactly like the real one.
HOSTILE_POOL_MUTANTS = [
    (
        Mutant(
            "burn assumes the pool is debited exactly what it sends (balance -= amount, no read-back)",
            "Pool.sol",
            "token1.safeTransfer(to, amount1);\n        balance0 = _balanceOf(token0);\n        balance1 = _balanceOf(token1);",
            "token1.safeTransfer(to, amount1);\n        balance0 -= amount0;\n        balance1 -= amount1;",
            ("events_match_model", "chain_equals_model"),  # the burn's Sync, else the reserves read next
        ),
        ("reb18", "n6"),  # a rebasing token debits the paying pool up to a few wei less than it sends
    ),
    (
        Mutant(
            "payouts through a bool-decoding transfer instead of SafeTransferLib",
            "Pool.sol",
            "contract Pool is IPool, LPToken, ReentrancyGuardTransient {\n    using SafeTransferLib for address;",
            "library PlainTransfer {\n"
            "    function safeTransfer(address token, address to, uint256 amount) internal {\n"
            "        require(IBoolTransfer(token).transfer(to, amount));\n"
            "    }\n"
            "}\n\n"
            "interface IBoolTransfer {\n"
            "    function transfer(address to, uint256 amount) external returns (bool);\n"
            "}\n\n"
            "contract Pool is IPool, LPToken, ReentrancyGuardTransient {\n    using PlainTransfer for address;",
            ("outcomes_agree",),
        ),
        ("noret6", "n18"),  # USDT-like: transfer returns nothing, so decoding a bool reverts every payout
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
    Mutant(
        "deposit credits the amount asked instead of the balance change (Balancer STA)",
        "Farm.sol",
        "received = SafeTransferLib.balanceOf(lpToken, address(this)) - before;",
        "received = amount;",
        ("deposit_credits_what_arrived", "outcomes_agree"),
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


class _CaughtReport:
    """Prints, at the end of the session, how many steps each mutant survived and what caught it."""

    def pytest_terminal_summary(self, terminalreporter):
        if not CAUGHT:
            return
        terminalreporter.section("mutants: steps until caught")
        for name, (steps, message) in CAUGHT.items():
            terminalreporter.write_line(f"{steps:>6,} steps  {name}: {message}")


@pytest.fixture(autouse=True)
def caught_report(request):
    if not request.config.pluginmanager.has_plugin("mutants-caught"):
        request.config.pluginmanager.register(_CaughtReport(), "mutants-caught")


def _chain(mutant: Mutant) -> RevmChain:
    chain = RevmChain(compile_mutant(mutant))
    chain.name = BACKEND
    return chain


def _machine(base, world, **attrs):
    """A subclass of the state machine `base` bound to `world` (and any other class attributes)."""
    return type(f"Mutant{base.__name__}", (base,), {"world": world, **attrs})


@pytest.mark.parametrize("mutant", POOL_MUTANTS, ids=lambda m: m.name)
def test_pool_mutant_is_caught(mutant):
    _assert_caught(mutant, _machine(PoolMachine, deploy_pool_world(_chain(mutant))))


@pytest.mark.parametrize("mutant, pair", HOSTILE_POOL_MUTANTS, ids=lambda v: v.name if isinstance(v, Mutant) else "/".join(v))
def test_hostile_pool_mutant_is_caught(mutant, pair):
    world = deploy_hostile_world(_chain(mutant), pairs=[pair])
    _assert_caught(mutant, _machine(HostilePoolMachine, world, choices=world.pools))


PROGRAM_BUDGET = settings(BUDGET, max_examples=300)  # programs of PROGRAM_OPS operations
PROGRAM_OPS = 100


@pytest.mark.parametrize("mutant", POOL_MUTANTS, ids=lambda m: m.name)
def test_pool_mutant_is_caught_by_program(mutant):
    runner = ProgramRunner(deploy_pool_world(_chain(mutant)))
    with pytest.raises(BaseException) as caught:
        run_programs(runner, PROGRAM_BUDGET, PROGRAM_OPS)
    _assert_named(mutant, caught.value)
    assert "state.choose_pool(" in _describe(caught.value), "the failure lists the decoded program"
    NOTES.append(f"program driver caught '{mutant.name}' after {runner.ops_to_failure:,} operations")


@pytest.mark.parametrize("mutant", FARM_MUTANTS, ids=lambda m: m.name)
def test_farm_mutant_is_caught(mutant):
    _assert_caught(mutant, _machine(FarmMachine, deploy_farm_world(_chain(mutant))))


def _assert_caught(mutant, machine):
    steps = STEPS[BACKEND]
    with pytest.raises(BaseException) as caught:
        run_state_machine_as_test(machine, settings=BUDGET)
    messages = _assert_named(mutant, caught.value)
    CAUGHT[mutant.name] = (STEPS[BACKEND] - steps, messages[0].splitlines()[0][:100])


def _assert_named(mutant: Mutant, exc: BaseException) -> list[str]:
    """Fails unless one of the mutant's `caught_by` properties is in the failure's messages or tracebacks;
    returns the messages."""
    messages, frames = _failure(exc)
    found = [p for p in mutant.caught_by if any(p in m for m in messages) or p in frames]
    assert found, f"{mutant.name}: not caught by {mutant.caught_by}:\n{_describe(exc)[:3000]}"
    return messages


def _failure(exc: BaseException) -> tuple[list[str], set[str]]:
    """The failure's messages (of the exception and of any it groups) and the functions (rules, invariants) its
    tracebacks pass through: what a property name is matched against. Not the whole report: Hypothesis's
    printout of the falsifying example names every invariant, whichever property failed."""
    import traceback

    messages, frames, pending = [], set(), [exc]
    while pending:
        e = pending.pop(0)
        messages.append(str(e) or type(e).__name__)
        frames.update(frame.name for frame in traceback.extract_tb(e.__traceback__))
        pending += list(getattr(e, "exceptions", ()))
    return messages, frames


def _describe(exc: BaseException) -> str:
    """The whole report of a failure, for a mutant that was not caught as expected."""
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
