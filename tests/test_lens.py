"""The whole-state reader: the Lens's packed program returns, call for call, what the views return one by
one (on both backends), across program splits, runs of one-argument calls, word and address arguments,
and address, bool, bytes32 and multi-word outputs; a reverting view fails the read with its index."""

from __future__ import annotations

import pytest

from chain import Reverted
from worlds import FEE_TIERS, deploy_pool_world


def test_packed_reads_equal_single_calls(chain):
    world = deploy_pool_world(chain)
    factory, pool, token = world.factory, world.pools[0], world.tokens[0]
    lp = world.lps[0]
    token.transact("transfer", pool.address, 10**9, sender=lp)
    world.tokens[1].transact("transfer", pool.address, 10**11, sender=lp)
    pool.transact("mint", lp, sender=lp)
    token.transact("approve", world.traders[0], 12345, sender=lp)

    # More distinct addresses than one program can index, so the reader splits the batch.
    strangers = [f"0x{0xBEEF0000 + i:040x}" for i in range(300)]
    calls = [(pool, "getReserves", ()), (pool, "token0", ()), (pool, "token1", ()), (pool, "fee", ())]
    calls += [(pool, "DOMAIN_SEPARATOR", ()), (factory, "owner", ())]
    calls += [(factory, "feeTierEnabled", (fee,)) for fee in (*FEE_TIERS, 7)]  # word arguments, bool outputs
    calls += [(factory, "getPool", (p.address, q.address, fee)) for p, q in ((token, world.tokens[1]),) for fee in FEE_TIERS]
    calls += [(factory, "allPools", (i,)) for i in range(3)]
    calls += [(token, "allowance", (lp, world.traders[0])), (token, "allowance", (world.traders[0], lp))]
    calls += [(token, "balanceOf", (h,)) for h in world.actors + [pool.address] + strangers]
    calls += [(pool, "balanceOf", (h,)) for h in world.actors + strangers[:5]]
    reader = chain.reader(calls)

    assert len(reader._programs) == 2
    one_by_one = [c.call(f, *a) for c, f, a in calls]
    read = reader.read()
    assert [v[0] if len(v) == 1 else v for v in read] == one_by_one
    words = reader.read_words()
    assert len(words) == sum(len(v) for v in read)
    assert words[:3] == tuple(one_by_one[0])


def test_a_reverting_view_fails_the_read_with_its_index(chain):
    world = deploy_pool_world(chain)
    factory = world.factory
    reader = chain.reader([(factory, "allPools", (0,)), (factory, "allPools", (10**6,))])  # out of range
    with pytest.raises(Reverted) as failed:
        reader.read()
    assert (failed.value.name, failed.value.args_) == ("ReadFailed", (1,))

