"""What every tidepool script shares on the command line: the command class, options and accounts.

Every failure a user can cause ends as one `click.ClickException` line ("Error: ...") and exit status 1:
an unknown network or account, a node that does not answer, a locked account, too little ETH, a bad
manifest. Bugs still show their traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click
from ape import accounts
from ape.cli import ConnectedProviderCommand, account_option, network_option, verbosity_option
from ape.exceptions import ApeException
from ape.logging import logger
from ape_accounts import KeyfileAccount

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_DEPLOYMENTS = PROJECT / "deployments"


class Fail(click.ClickException):
    """A one-line error for the user; `ape run` prints "Error: <message>" and exits with status 1."""


class Command(ConnectedProviderCommand):
    """Ape's ConnectedProviderCommand with one-line errors for bad options and failed connections."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.BadParameter as err:
            name = err.param.name if err.param is not None else ""
            first = (err.message or str(err)).splitlines()[0].removesuffix(" Options:").rstrip(".")
            if name == "network":
                raise Fail(f"unknown network: {first} (`ape networks list` shows them)") from None
            if name == "account":
                raise Fail(f"unknown account: {first} (`ape accounts list` shows them)") from None
            raise Fail(f"--{name.replace('_', '-')}: {first}") from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.ClickException:
            raise
        except ApeException as err:
            message = " ".join(str(err).split())  # Ape's messages can span lines
            raise Fail(f"{type(err).__name__}: {message}") from None


def common_options(f):
    """--network (Ape's), --account (Ape's, no prompt), --deployments and a quiet default log level."""
    f = network_option()(f)
    f = account_option(prompt=False)(f)
    f = click.option(
        "--deployments",
        "deployments_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_DEPLOYMENTS,
        envvar="TIDEPOOL_DEPLOYMENTS",
        show_default="deployments/",
        help="Folder of the <chain-id>.json manifests.",
    )(f)
    # Ape logs every confirmed transaction at INFO; the scripts print their own progress.
    f = verbosity_option(default="WARNING")(f)
    return f


def deployer_account(account, provider):
    """The account that deploys: `--account`, or on a local chain the first Ape test account.

    An Ape keyfile account is unlocked (and set to sign without asking) from
    APE_ACCOUNTS_<alias>_PASSPHRASE, or by a prompt when a terminal is attached.
    """
    if account is None:
        if provider.network.is_local:
            return accounts.test_accounts[0]
        raise Fail(
            f"--account ALIAS is required on {provider.network.ecosystem.name}:{provider.network.name} "
            "(an Ape account: `ape accounts import ALIAS`)"
        )
    if not isinstance(account, KeyfileAccount):
        return account  # a test account (or another plugin's): nothing to unlock here
    alias = account.alias
    variable = f"APE_ACCOUNTS_{alias}_PASSPHRASE"
    passphrase = os.environ.get(variable)
    if passphrase is None and not sys.stdin.isatty():
        raise Fail(f"account '{alias}' is locked: set {variable} to its passphrase")
    _quiet_cached_key_warning()
    try:
        account.set_autosign(True, passphrase=passphrase)
    except ApeException as err:
        if type(err).__name__ == "InvalidPasswordError":
            raise Fail(f"account '{alias}' is locked: the passphrase in {variable} does not unlock it") from None
        raise Fail(f"account '{alias}' could not be unlocked: {err}") from None
    return account


def _quiet_cached_key_warning() -> None:
    """An unlocked keyfile account makes Ape warn "Using cached key" at every signature: once is enough."""

    class Once(logging.Filter):
        seen = False

        def filter(self, record):
            if "Using cached key" not in record.getMessage():
                return True
            seen, Once.seen = Once.seen, True
            return not seen

    logger._logger.addFilter(Once())


def console_for_output():
    """A rich Console: tables as wide as the terminal (120 columns into a file or pipe); lines of text
    are never broken (soft wrap), so that whoever reads the output can search it."""
    from rich.console import Console

    return Console(soft_wrap=True) if sys.stdout.isatty() else Console(width=120, soft_wrap=True)


def ether(wei: int) -> str:
    """A wei amount as ETH with up to 6 decimals, for messages."""
    return f"{wei / 10**18:,.6f}".rstrip("0").rstrip(".") + " ETH"
