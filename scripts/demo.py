"""`ape run demo` (`make demo`): the whole system on the Anvil that Ape starts, in one process.

Deploys everything (deployments/31337.json; a manifest left by an earlier Anvil is replaced, since
every embedded Anvil is a new chain), runs the seeded market simulation, prints the pools, volume,
fees earned per LP, rewards per farmer, and the model check (chain state == model state); then audits
every pool's and the farm's event history against the model and ends with the LP report (tables, and
PNG plots in reports/).
"""

import time

import click
from ape import accounts

from python_model.audit.rpc import audit_farm, audit_pool
from scripts._cli import Command, Fail, common_options, console_for_output, deployer_account
from scripts._deployer import deploy, manifest_table
from scripts._market import simulate


# The simulation's reward token has no pool; the report values it at this price.
REWARD_PRICE = "0.25 dUSD"


@click.command(cls=Command, short_help="Deploy, simulate a market and check the model, on the local Anvil")
@common_options
@click.option("--rounds", type=click.IntRange(1, 10_000), default=80, show_default=True, help="Rounds of trading.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed of the market.")
def cli(provider, account, deployments_dir, rounds, seed):
    """Deploy, trade, farm, and check every value against the exact model."""
    network = provider.network
    if not network.is_local:
        where = f"{network.ecosystem.name}:{network.name}"
        raise Fail(f"the demo runs on a local chain, not {where} (to deploy there: `ape run deploy`)")
    console = console_for_output()
    start = time.monotonic()
    console.rule("[bold]tidepool demo")
    console.print(f"local chain {provider.chain_id} at {getattr(provider, 'uri', '?')} ({provider.name})")
    console.rule("1. deploy")
    deployment = deploy(provider, deployer_account(account, provider), deployments_dir=deployments_dir, console=console)
    console.print(manifest_table(deployment))
    console.rule("2. market simulation")
    market = simulate(deployment, seed=seed, rounds=rounds, console=console)
    console.rule("3. audit: every event replayed through the model")
    request = provider.make_request
    verdicts = []
    for name, entry in deployment.manifest.contracts.items():
        if name.startswith("Pool:") or name == "Farm":
            address = entry["address"]
            run = audit_farm(request, address) if name == "Farm" else audit_pool(request, address)
            verdicts.append(run.verdict.consistent)
            console.print(f"{name:<22} {run.verdict.summary()}")
    if not all(verdicts):
        raise Fail("the audit found a divergence between the chain's history and the model")
    console.rule("4. LP report")
    from scripts._report import build_report

    lps = [actor.address for actor in market.actors if actor.role in ("lp", "farmer")]
    build_report(lps, manifest=deployment.path, console=console, reward_price=REWARD_PRICE)
    console.rule(f"done in {time.monotonic() - start:.0f} s")
