"""Audit a pool's on-chain history against the exact model: `ape run audit --pool ADDRESS --network ...`
(or a liquidity-mining farm's: `--farm ADDRESS`, every harvest against the model's pending reward).

Fetches the pool's Mint, Burn, Swap, Sync and LP Transfer events in block-range chunks (halving the range
when the node refuses it), replays them through the model from the pool's creation (or from the state
read at --from-block) and prints "consistent through block N (E events)" (exit 0) or the first divergence
(exit 1).  Exit 2: the node could not provide what the audit needs.  Works on any Uniswap-V2-compatible
pair: pass --fee-bps when it has no fee() (30 for Uniswap V2).  --save-log writes the events for
`python -m python_model.audit LOGFILE` (no node needed).
"""

import sys

import click
from ape import chain
from ape.cli import ConnectedProviderCommand, network_option

from python_model.audit.cli import EXIT_CONSISTENT, EXIT_DIVERGENCE, EXIT_ERROR, render
from python_model.audit.engine import LogError
from python_model.audit.rpc import FetchError, audit_farm, audit_pool


def _progress(from_block, to_block, enabled):
    """A rich progress bar over blocks (stderr), or a no-op."""
    if not enabled or to_block - from_block < 10_000:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("fetching blocks", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(file=sys.stderr), transient=True)
    task = bar.add_task("blocks", total=to_block - from_block + 1)

    def on_range(lo, hi, n_logs):
        bar.update(task, completed=hi - from_block + 1)

    return bar, on_range


@click.command(cls=ConnectedProviderCommand)
@network_option()
@click.option("--pool", default=None, help="address of the pool (or any Uniswap-V2-compatible pair)")
@click.option("--farm", default=None, help="address of a Farm to audit instead (from its creation)")
@click.option("--from-block", type=int, default=None, help="start here (state read at the block before); default: creation")
@click.option("--to-block", type=int, default=None, help="stop after this block; default: the latest")
@click.option("--fee-bps", type=int, default=None, help="swap fee in bps (default: the pool's fee())")
@click.option("--json", "as_json", is_flag=True, help="print the verdict as one JSON object")
@click.option("--save-log", type=click.Path(dir_okay=False), default=None, help="also write the fetched events here")
@click.option("--chunk", type=int, default=2000, show_default=True, help="initial eth_getLogs block range")
@click.option("--keep-going", type=int, default=1, show_default=True, help="report up to N divergences")
@click.option("--stats", "verbose", is_flag=True, help="statistics after the verdict")
def cli(network, pool, farm, from_block, to_block, fee_bps, as_json, save_log, chunk, keep_going, verbose):
    """Replay a pool's (or a farm's) events through the exact model and name the first divergence."""
    if (pool is None) == (farm is None):
        click.echo("error: give exactly one of --pool and --farm", err=True)
        sys.exit(EXIT_ERROR)
    if farm is not None and (from_block is not None or fee_bps is not None):
        click.echo("error: a farm is audited from its creation, with no fee: drop --from-block / --fee-bps", err=True)
        sys.exit(EXIT_ERROR)
    request = chain.provider.make_request
    latest = chain.blocks.head.number
    bar, on_range = _progress(from_block or 0, to_block if to_block is not None else latest,
                              sys.stderr.isatty() and not as_json)
    try:
        if bar is not None:
            bar.start()
        try:
            if farm is not None:
                run = audit_farm(request, farm, to_block=to_block, save_log=save_log, chunk=chunk,
                                 max_divergences=max(1, keep_going), on_range=on_range)
            else:
                run = audit_pool(request, pool, from_block=from_block, to_block=to_block, fee_bps=fee_bps,
                                 save_log=save_log, chunk=chunk, max_divergences=max(1, keep_going),
                                 on_range=on_range)
        finally:
            if bar is not None:
                bar.stop()
    except (FetchError, LogError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    for note in run.notes:
        click.echo(f"note: {note}", err=True)
    if save_log:
        click.echo(f"saved {run.events_fetched} events to {save_log}", err=True)
    click.echo(render(run.verdict, as_json=as_json, verbose=verbose))
    sys.exit(EXIT_CONSISTENT if run.verdict.consistent else EXIT_DIVERGENCE)
