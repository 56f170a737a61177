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

MAX = 2**256 - 1
BLOCK_GAP = 12
# (operation, anchor gas measured here, anchor name, target)
ANCHORS = {
    "router exact-in swap, 1 hop": (97_784, "Uniswap V2 Router02", 75_000),
    "router exact-in swap, 2 hops": (152_683, "Uniswap V2 Router02", 120_000),
    "router addLiquidity, existing LP": (119_760, "Uniswap V2 Router02", 95_000),
    "router removeLiquidity": (119_747, "Uniswap V2 Router02", 95_000),
    "farm deposit (steady)": (91_881, "StakingRewards stake", 82_000),
    "farm withdraw (partial, steady)": (84_486, "StakingRewards withdraw", 76_000),
    "farm harvest (steady)": (76_290, "StakingRewards getReward", 68_000),
}

console = Console(width=110)


def measure_gas(c: AnvilChain) -> dict[str, int]:
    """Deploy a small system on `c` and return the steady-state gas of each operation in ANCHORS."""
    owner, user = c.accounts[0], c.accounts[1]
    tokens = [c.deploy("TestERC20", f"Bench{i}", f"B{i}", 18, sender=owner) for i in range(3)]
    weth = c.deploy("WETH9", sender=owner)
    factory = c.deploy("Factory", sender=owner)
    router = c.deploy("Router", factory.address, weth.address, sender=owner)
    reward = c.deploy("TestERC20", "Reward", "RWD", 18, sender=owner)
    farm = c.deploy("Farm", reward.address, owner, sender=owner)
    for who in (owner, user):
        for t in tokens + [reward]:
            t.transact("mint", who, 10**30, sender=owner)
            t.transact("approve", router.address, MAX, sender=who)
            t.transact("approve", farm.address, MAX, sender=who)
    a, b, d = (t.address for t in tokens)

    def tx(contract, fn, *args, sender=user):
        c.advance(BLOCK_GAP)
        return contract.transact(fn, *args, sender=sender).gas_used

    deadline = lambda: c.now + 3600  # noqa: E731
    for x, y in ((a, b), (b, d)):
        tx(router, "addLiquidity(address,address,uint256,uint256,uint256,uint256,address,uint256)",
           x, y, 10**24, 10**24, 0, 0, user, deadline(), sender=owner)
    pool_ab = c.at("Pool", factory.call("getPool", a, b, 30))
    pool_ab.transact("approve", router.address, MAX, sender=user)

    swap = "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)"
    add = "addLiquidity(address,address,uint256,uint256,uint256,uint256,address,uint256)"
    remove = "removeLiquidity(address,address,uint256,uint256,uint256,address,uint256)"
    gas = {}
    for _ in range(2):
        gas["router exact-in swap, 1 hop"] = tx(router, swap, 10**18, 0, [a, b], user, deadline())
    for _ in range(2):
        gas["router exact-in swap, 2 hops"] = tx(router, swap, 10**18, 0, [a, b, d], user, deadline())
    for _ in range(2):
        gas["router addLiquidity, existing LP"] = tx(router, add, a, b, 10**20, 10**20, 0, 0, user, deadline())
    for _ in range(2):
        gas["router removeLiquidity"] = tx(router, remove, a, b, 10**18, 0, 0, user, deadline())

    # Farm: one pool staking the a/b LP, funded, users already staked.
    tx(farm, "addPool", pool_ab.address, 100, sender=owner)
    tx(farm, "fund", 10**24, 30 * 86400, sender=owner)
    pool_ab.transact("approve", farm.address, MAX, sender=user)
    pool_ab.transact("approve", farm.address, MAX, sender=owner)
    tx(pool_ab, "transfer", owner, 10**20)  # owner stakes too: the pool is never empty
    tx(farm, "deposit", 0, 10**19, sender=owner)
    for _ in range(2):
        gas["farm deposit (steady)"] = tx(farm, "deposit", 0, 10**18)
    for _ in range(2):
        gas["farm withdraw (partial, steady)"] = tx(farm, "withdraw", 0, 10**17)
    for _ in range(2):
        gas["farm harvest (steady)"] = tx(farm, "harvest", 0)
    return gas


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
        gas = measure_gas(anvil)
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
    for col in ("operation", "tidepool", "anchor", "ratio", "target", "met"):
        table.add_column(col, justify="right" if col != "operation" else "left")
    rows = []
    for op, used in gas.items():
        anchor, anchor_name, target = ANCHORS[op]
        rows.append({"operation": op, "gas": used, "anchor": anchor, "anchor_name": anchor_name,
                     "ratio": round(used / anchor, 3), "target": target, "met": used <= target})
        table.add_row(op, f"{used:,}", f"{anchor:,} ({anchor_name})", f"{used / anchor:.3f}", f"{target:,}",
                      "yes" if used <= target else "no")
    console.print(table)
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
