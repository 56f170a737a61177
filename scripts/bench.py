"""`ape run bench` (`make bench`): gas of the main operations on Anvil next to Uniswap V2 / StakingRewards
anchors, property-harness throughput on both backends, and model throughput. Printed as a table and
written to reports/bench.json. Figures, never assertions: targets live here, not in timed tests.

Gas conditions (as the anchors were measured): Anvil at its default hardfork, plain OpenZeppelin ERC-20s,
every transaction in its own block 12 s after the previous one, accounts already holding non-zero
balances of every token, max approvals; each figure is the second of two identical operations (steady).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import click
from ape import accounts, chain
from ape.cli import ConnectedProviderCommand, network_option
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import python_model as model  # noqa: E402
from chain import Artifacts  # noqa: E402
from chain.anvil import AnvilChain  # noqa: E402
from chain.revm import RevmChain  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from _gas import ANCHORS, TX, calldata_cost, floor, floor_terms, measure_gas  # noqa: E402

console = Console(width=110)


def _rate(count: int, wall: float, cpu: float) -> dict:
    return {"steps": count, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "per_s": round(count / wall), "per_cpu_s": round(count / cpu) if cpu else None}


def _bench_settings(examples: int, **extra):
    from hypothesis import HealthCheck, settings

    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), **extra)


def harness_throughput(c, examples: int, steps: int) -> dict:
    """Steps of the pool state machine (full model comparison after every step) on `c`: count, wall and
    CPU seconds (this process: harness, model and in-process EVM; not the Anvil node), rates."""
    from hypothesis.stateful import run_state_machine_as_test

    import conftest
    from test_pool_machine import PoolMachine
    from worlds import deploy_pool_world

    world = deploy_pool_world(c)

    class BenchMachine(PoolMachine):
        pass

    BenchMachine.world = world
    before = conftest.STEPS[c.name]
    start, cpu = time.perf_counter(), time.process_time()
    run_state_machine_as_test(BenchMachine, settings=_bench_settings(examples, stateful_step_count=steps))
    return _rate(conftest.STEPS[c.name] - before, time.perf_counter() - start, time.process_time() - cpu)


def program_throughput(c, programs: int, ops: int) -> dict:
    """Operations of the pool program driver (tests/test_pool_program.py: the machine's rules from one
    drawn byte string per example, full model comparison after every operation) on `c`."""
    from test_pool_program import ProgramRunner, run_programs
    from worlds import deploy_pool_world

    runner = ProgramRunner(deploy_pool_world(c))
    start, cpu = time.perf_counter(), time.process_time()
    run_programs(runner, _bench_settings(programs), ops)
    return _rate(runner.ops_run, time.perf_counter() - start, time.process_time() - cpu)


def model_throughput(n: int = 300_000) -> float:
    """get_amount_out calls per second on one core, over varied inputs."""
    rng = random.Random(1)
    cases = [(rng.randrange(1, 10**24), rng.randrange(10**6, 10**30), rng.randrange(10**6, 10**30), 30) for _ in range(n)]
    f = model.get_amount_out
    start = time.perf_counter()
    for args in cases:
        f(*args)
    return n / (time.perf_counter() - start)


@click.command(cls=ConnectedProviderCommand)
@network_option()
@click.option("--out", default=str(ROOT / "reports" / "bench.json"), show_default=True, help="JSON output file")
@click.option("--quick", is_flag=True, help="Smaller harness runs")
def cli(network, out, quick):
    """Measure gas, property-harness throughput and model throughput."""
    if not chain.provider.network.is_local:
        raise click.ClickException("the benchmark runs on the local Anvil network")
    artifacts = Artifacts()
    anvil = AnvilChain(artifacts, chain.provider.uri, [a.address for a in accounts.test_accounts])
    with console.status("measuring gas on Anvil"):
        gas, _, calldata = measure_gas(anvil)
    harness = {}
    with console.status("harness throughput (in-process)"):
        harness["pool_machine", "revm"] = harness_throughput(RevmChain(artifacts), 20 if quick else 150, 50)
        harness["pool_program", "revm"] = program_throughput(RevmChain(artifacts), 30 if quick else 300, 100)
    with console.status("harness throughput (Anvil)"):
        harness["pool_machine", "anvil"] = harness_throughput(anvil, 2 if quick else 8, 50)
        harness["pool_program", "anvil"] = program_throughput(anvil, 2 if quick else 8, 50)
    with console.status("model throughput"):
        model_rate = model_throughput()
    with console.status("audit replay throughput (saved log)"):
        from python_model.audit.bench import replay_throughput

        replay = replay_throughput(events=100_000 if quick else 500_000, repeat=1 if quick else 3)

    table = Table(title="gas (Anvil, steady state, new block each transaction)")
    for col in ("operation", "tidepool", "anchor", "ratio", "target", "met", "floor"):
        table.add_column(col, justify="right" if col != "operation" else "left")
    rows = []
    for op, used in gas.items():
        anchor, anchor_name, target = ANCHORS[op]
        lower = floor(op, calldata[op])
        row = {"operation": op, "gas": used, "anchor": anchor, "anchor_name": anchor_name,
               "ratio": round(used / anchor, 3), "target": target, "met": used <= target,
               "floor": lower, "target_below_floor": lower is not None and target < lower}
        if lower is not None:  # the floor's terms (README "Gas"; scripts/_gas.py)
            row["floor_terms"] = [["intrinsic", TX], ["calldata", calldata_cost(calldata[op])],
                                  *[[name, cost] for name, cost in floor_terms(op)]]
        rows.append(row)
        table.add_row(op, f"{used:,}", f"{anchor:,}", f"{used / anchor:.3f}", f"{target:,}",
                      "yes" if used <= target else "no: < floor" if row["target_below_floor"] else "no",
                      "" if lower is None else f"{lower:,}")
    console.print(table)
    console.print("anchors: Uniswap V2 Router02 (router), StakingRewards stake/withdraw/getReward (farm); floor: the "
                  "V2-compatible lower bound of the operation before any code runs (README, Gas)")
    through = Table(title="throughput (wall; per CPU second of this process in brackets, Anvil's own CPU not counted)")
    through.add_column("what")
    through.add_column("measured", justify="right")
    through.add_column("target", justify="right")
    harness_rows = {
        ("pool_program", "revm"): ("pool program driver, in-process (steps/s)", "5,000"),
        ("pool_machine", "revm"): ("pool state machine, in-process (steps/s)", "-"),
        ("pool_program", "anvil"): ("pool program driver, Anvil (steps/s)", "100"),
        ("pool_machine", "anvil"): ("pool state machine, Anvil (steps/s)", "100"),
    }
    for key, (label, target) in harness_rows.items():
        rate = harness[key]
        through.add_row(label, f"{rate['per_s']:,} ({rate['per_cpu_s']:,})", target)
    through.add_row("model get_amount_out (calls/s, one core)", f"{model_rate:,.0f}", "1,000,000")
    through.add_row("audit replay from a saved log (events/s wall)", f"{replay['replay_events_per_second']:,.0f}", "100,000")
    through.add_row("audit replay (events per CPU second)", f"{replay['replay_events_per_cpu_second']:,.0f}", "100,000")
    console.print(through)
    console.print(
        "A step is one rule (state machine) or one operation (program driver) followed by the full model "
        "comparison; the state machine's rate is capped by hypothesis's per-step rule and argument draws."
    )

    result = {
        "gas": rows,
        "harness_steps_per_second": {  # the pool state machine, wall (as before)
            "revm": harness["pool_machine", "revm"]["per_s"], "anvil": harness["pool_machine", "anvil"]["per_s"],
        },
        "harness": {f"{driver}/{backend}": rate for (driver, backend), rate in harness.items()},
        "model_get_amount_out_per_second": round(model_rate),
        "audit_replay": replay,
    }
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2))
    tmp.replace(path)
    console.print(f"written {path}")
