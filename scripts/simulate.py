"""`ape run simulate`: a seeded market on a local chain, checked against the exact model.

    ape run simulate                       # the embedded Anvil: deploys first (a new chain each run)
    ape run simulate --rounds 200 --seed 7
    ape run simulate --network ethereum:local:node   # an Anvil you started (after `ape run deploy` there)

See scripts/_market.py for the cast and the rules.
"""

import click
from scripts._cli import Command, Fail, common_options, console_for_output, deployer_account
from scripts._deployer import deploy
from scripts._market import simulate


@click.command(cls=Command, short_help="Seeded market simulation on a local chain, checked against the model")
@common_options
@click.option("--rounds", type=click.IntRange(1, 10_000), default=60, show_default=True, help="Rounds of trading.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same market).")
def cli(provider, account, deployments_dir, rounds, seed):
    """Deploy if needed (idempotent), then run LPs, traders, an arbitrageur and farmers over ROUNDS rounds."""
    if not provider.network.is_local:
        raise Fail(f"simulate runs on a local chain, not {provider.network.ecosystem.name}:{provider.network.name}")
    console = console_for_output()
    deployment = deploy(provider, deployer_account(account, provider), deployments_dir=deployments_dir, console=console)
    simulate(deployment, seed=seed, rounds=rounds, console=console)
