"""The main job, small for now: on the local Anvil, deploy tokens, the factory and a 30 bps pool, add
liquidity, trade both ways, and check the chain against the reference model with `==`."""

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand, network_option
from rich.console import Console
from rich.table import Table

import python_model as model

console = Console()


def _deploy(owner):
    usdc = project.TestERC20.deploy("Demo USD", "dUSD", 6, sender=owner)
    weth = project.TestERC20.deploy("Demo Ether", "dETH", 18, sender=owner)
    factory = project.Factory.deploy(sender=owner)
    factory.createPool(usdc, weth, 30, sender=owner)
    pool = project.Pool.at(factory.getPool(usdc, weth, 30))
    return usdc, weth, factory, pool


@click.command(cls=ConnectedProviderCommand)
@network_option()
def cli(network):
    """Deploy a pool on the local chain, trade on it, and check the model."""
    if not chain.provider.network.is_local:
        raise click.ClickException(f"the demo runs on a local network, not {network}")
    owner, lp, trader = accounts.test_accounts[0:3]
    usdc, weth, factory, pool = _deploy(owner)
    console.print(f"factory {factory.address}\npool    {pool.address} (fee {pool.fee()} bps)")

    # The same world in the model.
    tokens = {usdc.address: model.Token(usdc.address, 6), weth.address: model.Token(weth.address, 18)}
    m_factory = model.Factory(owner.address)
    m_pool = m_factory.create_pool(usdc.address, weth.address, 30, pool.address, tokens)

    def send(token, sender, to, amount):
        token.transfer(to, amount, sender=sender)
        tokens[token.address].transfer(sender.address, to, amount)

    for token, amount in ((usdc, 2_000_000 * 10**6), (weth, 1_000 * 10**18)):
        for who in (lp, trader):
            token.mint(who, amount, sender=owner)
            tokens[token.address].mint(who.address, amount)

    # Liquidity: 1,000,000 dUSD and 500 dETH.
    send(usdc, lp, pool.address, 1_000_000 * 10**6)
    send(weth, lp, pool.address, 500 * 10**18)
    receipt = pool.mint(lp, sender=lp)
    m_pool.mint(lp.address, timestamp=chain.blocks[receipt.block_number].timestamp)

    # Trades both ways at the model's quoted output.
    t0, t1 = pool.token0(), pool.token1()
    trades = [(usdc, 25_000 * 10**6), (weth, 20 * 10**18), (usdc, 3_000 * 10**6), (weth, 1 * 10**18)]
    rows = []
    for token_in, amount_in in trades:
        zero_for_one = token_in.address == t0
        r_in, r_out = (m_pool.reserve0, m_pool.reserve1) if zero_for_one else (m_pool.reserve1, m_pool.reserve0)
        out = model.get_amount_out(amount_in, r_in, r_out, 30)
        send(token_in, trader, pool.address, amount_in)
        outs = (0, out) if zero_for_one else (out, 0)
        receipt = pool.swap(*outs, trader, b"", sender=trader)
        m_pool.swap(*outs, trader.address, timestamp=chain.blocks[receipt.block_number].timestamp)
        rows.append((token_in.symbol(), amount_in, out))

    table = Table(title="swaps (exact in, at the model's output)")
    for col in ("in", "amount in", "amount out"):
        table.add_column(col, justify="right")
    for sym, a, o in rows:
        table.add_row(sym, f"{a:,}", f"{o:,}")
    console.print(table)

    r0, r1, ts = pool.getReserves()
    on_chain = {
        "reserve0": r0,
        "reserve1": r1,
        "blockTimestampLast": ts,
        "price0CumulativeLast": pool.price0CumulativeLast(),
        "price1CumulativeLast": pool.price1CumulativeLast(),
        "totalSupply": pool.totalSupply(),
        "lp balance": pool.balanceOf(lp),
    }
    in_model = {
        "reserve0": m_pool.reserve0,
        "reserve1": m_pool.reserve1,
        "blockTimestampLast": m_pool.block_timestamp_last,
        "price0CumulativeLast": m_pool.price0_cumulative_last,
        "price1CumulativeLast": m_pool.price1_cumulative_last,
        "totalSupply": m_pool.total_supply,
        "lp balance": m_pool.balance_of(lp.address),
    }
    check = Table(title="model check (chain == model)")
    for col in ("value", "chain", "model", ""):
        check.add_column(col, justify="right")
    for key, value in on_chain.items():
        check.add_row(key, f"{value:,}", f"{in_model[key]:,}", "ok" if value == in_model[key] else "DIFFERS")
    console.print(check)
    if on_chain != in_model:
        raise click.ClickException("the chain and the model disagree")
    console.print("[bold green]chain state == model state[/]")
