"""`ape run deploy`: deploy tidepool to the chosen network, idempotently (deployments/<chain-id>.json).

    ape run deploy                                             # embedded Anvil, test account 0, demo pools
    ape run deploy --network ethereum:tidenet --account alice  # an Ape account (alias) elsewhere
    ape run deploy --network ethereum:sepolia --account alice --fresh

On a public network the WETH and the reward token come from ape-config.yaml
(`tidepool.<ecosystem>.<network>.weth` / `.reward_token`: an address, or `deploy`) or from --weth /
--reward-token. Keyfile accounts are unlocked by APE_ACCOUNTS_<alias>_PASSPHRASE.
"""

import click
from scripts._cli import Command, common_options, console_for_output, deployer_account
from scripts._deployer import deploy, manifest_table


@click.command(cls=Command, short_help="Deploy tidepool (idempotent; manifest in deployments/)")
@common_options
@click.option("--fresh", is_flag=True, help="Start a new manifest (the old one is kept as <chain-id>.json.bak).")
@click.option("--weth", metavar="ADDRESS|deploy", help="WETH to use (overrides ape-config.yaml).")
@click.option("--reward-token", metavar="ADDRESS|deploy", help="Reward token to use (overrides ape-config.yaml).")
def cli(provider, account, deployments_dir, fresh, weth, reward_token):
    """Deploy Factory, Router, WETH, reward token and Farm (plus demo tokens and seeded pools on a local chain)."""
    console = console_for_output()
    deployer = deployer_account(account, provider)
    deployment = deploy(
        provider, deployer, deployments_dir=deployments_dir, fresh=fresh, weth=weth,
        reward_token=reward_token, console=console,
    )
    console.print(manifest_table(deployment))
