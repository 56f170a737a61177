"""`ape run report`: an LP's positions -- deposited, value, HODL value, impermanent loss, fees, farm
rewards, APRs -- as tables, with PNG plots in reports/ (the work is in scripts/_report.py).

    ape run report --network ethereum:local:foundry --address 0x...
    ape run report --network http://127.0.0.1:8545 --account ALIAS      (TEST::<n>: a test account)

Inside another script: ``from scripts.report import build_report; build_report([address, ...])``.
Bad input (no manifest, an unknown alias, not an address, no positions) ends with one line and exit 1.
"""

from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand, network_option
from ape.exceptions import ApeException

from scripts._report import ROOT, ReportError, build_report, resolve_address

__all__ = ["build_report", "cli"]


@click.command(cls=ConnectedProviderCommand, short_help="LP report: value, IL, fees, rewards, APRs, plots")
@network_option()
@click.option("--account", "alias", default=None, help="An Ape account alias (TEST::<n> for a test account).")
@click.option("--address", default=None, help="The address to report on.")
@click.option("--deployments", "deployments_dir", type=click.Path(file_okay=False, path_type=Path),
              default=ROOT / "deployments", envvar="TIDEPOOL_DEPLOYMENTS", show_default=True,
              help="Folder of the <chain-id>.json manifests.")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A manifest file (overrides --deployments).")
@click.option("--reward-price", default=None, metavar="'AMOUNT SYMBOL'",
              help="What one reward token is worth in a pool token, e.g. '0.25 dUSD' (when no pool prices it).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=ROOT / "reports",
              show_default=True, help="Where the PNG plots go.")
def cli(provider, alias, address, deployments_dir, manifest, reward_price, out_dir):
    """Per position (pool LP held and staked): deposited, value, HODL, IL, fees, rewards, APRs; plots."""
    try:
        build_report(resolve_address(address, alias), manifest=manifest, deployments=deployments_dir,
                     out_dir=out_dir, reward_price=reward_price)
    except ReportError as err:
        raise click.ClickException(str(err)) from None
    except ApeException as err:
        raise click.ClickException(f"{type(err).__name__}: {' '.join(str(err).split())}") from None
