"""The contracts through Ape's own API (project, accounts, contract calls), as a user's script or test
would drive them: a pool created by the factory, liquidity and a two-way trade through the router, a farm
deposit, harvest and withdrawal, each checked against the model. `make gas` runs this module under
`ape test --gas` for Ape's gas profile."""

from ape import chain

import python_model as model

MAX = 2**256 - 1


def test_router_and_farm_through_ape(project, accounts):
    owner, lp = accounts[0], accounts[1]
    a = project.TestERC20.deploy("Ape A", "AA", 18, sender=owner)
    b = project.TestERC20.deploy("Ape B", "AB", 6, sender=owner)
    weth = project.WETH9.deploy(sender=owner)
    factory = project.Factory.deploy(sender=owner)
    router = project.Router.deploy(factory, weth, sender=owner)
    for token in (a, b):
        token.mint(lp, 10**30, sender=owner)
        token.approve(router, MAX, sender=lp)
    deadline = chain.pending_timestamp + 3600
    router.addLiquidity(a, b, 10**24, 10**12, 0, 0, lp, deadline, sender=lp)
    pool = project.Pool.at(factory.getPool(a, b, 30))
    r0, r1, _ = pool.getReserves()
    reserve_a, reserve_b = (r0, r1) if pool.token0() == a.address else (r1, r0)

    quote = model.get_amount_out(10**21, reserve_a, reserve_b, 30)
    before = b.balanceOf(lp)
    router.swapExactTokensForTokens(10**21, quote, [a, b], lp, deadline, sender=lp)
    assert b.balanceOf(lp) - before == quote

    reward = project.TestERC20.deploy("Reward", "RW", 18, sender=owner)
    reward.mint(owner, 10**24, sender=owner)
    farm = project.Farm.deploy(reward, owner, sender=owner)
    reward.approve(farm, MAX, sender=owner)
    farm.addPool(pool, 1, sender=owner)
    farm.fund(10**21, 86_400, sender=owner)
    pool.approve(farm, MAX, sender=lp)
    staked = pool.balanceOf(lp) // 2
    farm.deposit(0, staked, sender=lp)
    chain.pending_timestamp += 600
    farm.harvest(0, sender=lp)
    farm.withdraw(0, staked, sender=lp)
    assert farm.pendingReward(0, lp) == 0
    assert reward.balanceOf(lp) > 0
