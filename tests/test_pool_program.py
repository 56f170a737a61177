"""Breadth driver for the pool: a drawn byte string decoded into a program of pool operations, run on the
in-process EVM with the whole state compared with the model after every operation.

The operations are the rules of `PoolMachine` (tests/test_pool_machine.py) and the checks are its
invariants, called directly: the same arguments' ranges, the same assertions (outcomes_agree,
mint_matches_model, swap_output_is_maximal, ..., chain_equals_model) after every operation. What changes
is the driver: hypothesis draws ONE byte string per example instead of a rule and its arguments per step,
which is what caps a RuleBasedStateMachine at a few thousand steps a second.

Program layout (see `decode`): two bytes choose the pool (any pair and tier) and whether to start just
before the uint32 timestamp wraps, then one 8-byte record per operation: an opcode byte (0 is no
operation), then the arguments. Every byte sequence is a valid program, smaller bytes mean smaller values,
and shrinking zeroes the opcodes of the operations a failure does not need, so it ends as a short program
of small values. A failure prints the decoded program (its no-operations left out) as calls on the
machine, e.g. `state.swap_exact_in(trader=0, zero_for_one=True, amount_in=1000, over=0)`.
"""

from __future__ import annotations

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from conftest import PROFILE
from test_pool_machine import PoolMachine
from worlds import PoolWorld, deploy_pool_world

RECORD = 8  # bytes per operation: opcode + 7 argument bytes
HEADER = 2  # pool index, near-wrap flag

# (programs per test, operations per program) per profile.
PROGRAM_SIZES = {"quick": (30, 40), "ci": (400, 100), "deep": (6000, 200)}


class _Args:
    """Reads a record's argument bytes; past the end of the program every byte reads as 0."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int):
        self.data, self.pos = data, pos

    def uint(self, size: int) -> int:
        start, self.pos = self.pos, self.pos + size
        return int.from_bytes(self.data[start : self.pos].ljust(size, b"\0"), "big")

    def below(self, n: int, size: int = 1) -> int:
        return self.uint(size) % n

    def flag(self) -> bool:
        return bool(self.uint(1) & 1)

    def amount(self) -> int:
        """As the machine's `amounts`: mantissa 0..9999 times 10**(0..24)."""
        mantissa = self.below(10_000, 2)
        return mantissa * 10 ** self.below(25)

    def wait(self) -> int:
        """As the machine's `waits`: 0, 1..120 or 1..40,000,000 seconds."""
        kind = self.below(3)
        if kind == 0:
            return 0
        if kind == 1:
            return 1 + self.below(120)
        return 1 + self.below(40_000_000, 4)


# Every rule of PoolMachine with the decoder of its arguments (each within the rule's own strategy).
DECODERS = {
    "add_liquidity": lambda a: dict(lp=a.below(3), amount0=a.amount(), amount1=a.amount()),
    "remove_liquidity": lambda a: dict(lp=a.below(3), share=a.below(10_001, 2)),
    "transfer_lp": lambda a: dict(frm=a.below(5), to=a.below(5), share=a.below(10_001, 2)),
    "swap_exact_in": lambda a: dict(trader=a.below(2), zero_for_one=a.flag(), amount_in=a.amount(), over=a.below(2)),
    "swap_exact_out": lambda a: dict(trader=a.below(2), zero_for_one=a.flag(), amount_out=a.amount(), under=a.below(3)),
    "flash_swap": lambda a: dict(
        zero_for_one=a.flag(), share=1 + a.below(9_999, 2), delta=(-1, 0, 1, 10**6)[a.below(4)]
    ),
    "reenter_from_flash_swap": lambda a: dict(
        zero_for_one=a.flag(), reentry=("sync", "skim", "mint", "burn", "swap")[a.below(5)]
    ),
    "donate": lambda a: dict(actor=a.below(5), zero=a.flag(), amount=a.amount()),
    "skim": lambda a: dict(actor=a.below(5)),
    "sync": lambda a: dict(actor=a.below(5)),
    "set_fee_to": lambda a: dict(on=a.flag()),
    "set_fee_to_unauthorized": lambda a: dict(actor=a.below(5)),
    "advance_time": lambda a: dict(seconds=a.wait()),
}

# Opcodes 1..255 over the rules, weighted towards the ones that move value.
WEIGHTS = {
    "add_liquidity": 4, "remove_liquidity": 3, "transfer_lp": 1, "swap_exact_in": 5, "swap_exact_out": 5,
    "flash_swap": 2, "reenter_from_flash_swap": 1, "donate": 2, "skim": 1, "sync": 1, "set_fee_to": 1,
    "set_fee_to_unauthorized": 1, "advance_time": 3,
}
_CYCLE = [name for name, weight in WEIGHTS.items() for _ in range(weight)]
OPCODES = [None] + [_CYCLE[(code - 1) % len(_CYCLE)] for code in range(1, 256)]


def decode(program: bytes) -> tuple[dict, list[tuple[str, dict]]]:
    """(choose_pool arguments, [(rule name, arguments), ...]) of a program; zero opcodes are left out."""
    head = _Args(program, 0)
    setup = dict(index=head.below(12), near_wrap=head.flag())
    ops = []
    for pos in range(HEADER, len(program), RECORD):
        name = OPCODES[program[pos]]
        if name is not None:
            ops.append((name, DECODERS[name](_Args(program, pos + 1))))
    return setup, ops


def listing(setup: dict, ops: list[tuple[str, dict]]) -> str:
    """The program as calls on the state machine (the way hypothesis prints a stateful example)."""
    def call(name, kwargs):
        return f"state.{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"

    lines = [f"state = {PoolMachine.__name__}()", call("choose_pool", setup)]
    lines += [call(name, kwargs) for name, kwargs in ops]
    return "\n".join(lines)


class ProgramRunner:
    """Runs decoded programs on one deployed pool world through PoolMachine's rules and invariants."""

    def __init__(self, world: PoolWorld):
        machine = type("ProgramPoolMachine", (PoolMachine,), {"world": world})
        state = machine.setup_state()
        self.machine = machine
        self.rules = {rule.function.__name__: rule.function for rule in state.rules}
        (self.init,) = (rule.function for rule in state.initializers)
        self.invariants = [(inv.function, inv.preconditions) for inv in state.invariants]
        missing = set(self.rules) ^ set(DECODERS)
        if missing:
            raise AssertionError(f"PoolMachine rules and program decoders differ: {sorted(missing)}")
        self.ops_run = 0  # operations executed, over every program run
        self.ops_to_failure = None  # operations executed up to and including the first failing one

    def check(self, m) -> None:
        for invariant, preconditions in self.invariants:
            if all(p(m) for p in preconditions):
                invariant(m)

    def run(self, program: bytes) -> None:
        setup, ops = decode(program)
        m = self.machine()
        done = 0
        try:
            self.init(m, **setup)
            self.check(m)
            rules, check = self.rules, self.check
            for name, kwargs in ops:
                done += 1
                rules[name](m, **kwargs)
                check(m)
        except BaseException:
            if self.ops_to_failure is None:
                self.ops_to_failure = self.ops_run + done
            failed = "the last one failed" if done else "choose_pool or the first check failed"
            note(f"program ({done} of {len(ops)} operations run, {failed}):\n{listing(setup, ops[:done])}")
            raise
        finally:
            self.ops_run += done
            m.teardown()  # as hypothesis ends a state machine run


def programs(max_ops: int) -> st.SearchStrategy[bytes]:
    """Byte strings of exactly `max_ops` records. One fixed size costs hypothesis a third of a variable one
    (no continue-or-stop choice per byte), and shrinking still shortens the program: a zeroed opcode is
    no operation, so zeroing is deleting."""
    size = HEADER + RECORD * max_ops
    return st.binary(min_size=size, max_size=size)


def run_programs(runner: ProgramRunner, config: settings, max_ops: int) -> None:
    """Run up to `config.max_examples` drawn programs of `max_ops` operations through `runner`."""

    @config
    @given(program=programs(max_ops))
    def pool_program(program):
        runner.run(program)

    pool_program()


@pytest.fixture
def program_world(revm_chain):
    revm_chain.name = "revm (program)"  # counted apart from the state machines' steps
    return deploy_pool_world(revm_chain)


def test_pool_program(program_world, timed_backend):
    timed_backend["backend"] = program_world.chain.name
    examples, max_ops = PROGRAM_SIZES[PROFILE]
    config = settings(settings.get_profile(PROFILE), max_examples=examples)
    run_programs(ProgramRunner(program_world), config, max_ops)


def test_program_decoding_is_total_and_readable():
    """Every byte string decodes; zero bytes are the empty program; a record maps to its rule's ranges and
    a zero opcode is skipped (a truncated last record reads zeros)."""
    assert decode(b"") == ({"index": 0, "near_wrap": False}, [])
    assert decode(bytes(100))[1] == []
    record = bytes([1, 2, 0, 7, 5, 0, 3, 2])
    setup, ops = decode(bytes([13, 1]) + record + bytes(8) + record[:4])
    assert setup == {"index": 1, "near_wrap": True}
    assert ops == [("add_liquidity", {"lp": 2, "amount0": 7 * 10**5, "amount1": 3 * 10**2})] + [
        ("add_liquidity", {"lp": 2, "amount0": 7, "amount1": 0})
    ]
    assert set(OPCODES[1:]) == set(DECODERS) == set(WEIGHTS)
    text = listing(setup, ops)
    assert text.splitlines()[-2] == "state.add_liquidity(lp=2, amount0=700000, amount1=300)"
