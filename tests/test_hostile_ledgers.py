"""Model-only checks of python_model/hostile_tokens.py, the ledgers the hostile pool machine trusts.

- preview_is_exact: each ledger's `preview` (what a transfer debits and credits) equals what its
  transfer then does, over random states (fees, rebases, share prices far from 1).
- hostile_pool_equals_pool: with plain tokens, HostilePool (transfer-first swap, read-back burn, lock,
  all-or-nothing entry points) gives exactly the results, errors and states of the core Pool model.
- gross_up_is_minimal: the input the machine sends so that the pool receives a target amount is the
  smallest that does.
- safe_sender_reverts_are_transfer_failed / entry_points_are_atomic: a token revert inside a pool
  payout surfaces as TransferFailed and leaves every ledger as it was.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import python_model as model
from python_model import hostile_tokens as hostile
from test_hostile_pool_machine import credit, gross_up

A, B, C, POOL = (f"0x{n:040x}" for n in (0xA1, 0xB2, 0xC3, 0xD4))
OWNER = f"0x{0xEE:040x}"
ZERO = model.ZERO_ADDRESS

amounts = st.builds(lambda m, e: m * 10**e, st.integers(0, 9999), st.integers(0, 24))


def fee_token(fee_bps):
    return hostile.FeeToken("0x" + "0f" * 20, fee_bps, 6, owner=OWNER)


def rebasing_token(mints, rebases):
    token = hostile.RebasingToken("0x" + "1b" * 20, 18, owner=OWNER)
    for holder, amount in zip((A, B, C, POOL), mints):
        token.mint(holder, amount)
    for change in rebases:
        supply = token.total_supply * change // 10_000
        if supply or not token.total_shares:
            token.rebase(supply, sender=OWNER)
    return token


ledgers = st.one_of(
    st.builds(fee_token, st.sampled_from([0, 1, 30, 100, 9_999, 10_000])),
    st.builds(
        rebasing_token,
        st.lists(st.integers(1, 10**30), min_size=4, max_size=4),
        st.lists(st.integers(1, 40_000), max_size=4),
    ),
)


holders = st.sampled_from([A, B, C, POOL])


@given(token=ledgers, funded=amounts, frm=holders, to=holders, share=st.integers(0, 10_000))
def test_preview_is_exact(token, funded, frm, to, share):
    if frm == to:
        return
    if isinstance(token, hostile.FeeToken):
        token.mint(frm, funded)
    amount = token.balance_of(frm) * share // 10_000
    debited, credited = token.preview(frm, to, amount)
    before = token.balance_of(frm), token.balance_of(to)
    token.transfer(frm, to, amount)
    moved = (before[0] - token.balance_of(frm), token.balance_of(to) - before[1])
    assert moved == (debited, credited), "preview_is_exact"
    assert debited <= amount and credited <= amount


@given(token=ledgers, funded=amounts, net=amounts)
def test_gross_up_is_minimal(token, funded, net):
    if isinstance(token, hostile.FeeToken):
        token.mint(A, funded)
    gross = gross_up(token, A, POOL, net)
    if gross is None:
        assert isinstance(token, hostile.FeeToken) and token.fee_bps == 10_000
        return
    assert credit(token, A, POOL, gross) >= net, "gross_up_is_minimal: too little arrives"
    if gross:
        assert credit(token, A, POOL, gross - 1) < net, "gross_up_is_minimal: one wei less would do"


# --- HostilePool against the core Pool on plain tokens ----------------------------------------------------
def _world():
    t0, t1 = model.Token(f"0x{0x10:040x}", 18), model.Token(f"0x{0x20:040x}", 6)
    factory = model.Factory(OWNER)
    pool = factory.create_pool(t0, t1, 30, POOL)
    world = model.World(factory, [t0, t1])
    for holder in (A, B):
        t0.mint(holder, 10**30)
        t1.mint(holder, 10**18)
    t0.transfer(A, POOL, 10**21)
    t1.transfer(A, POOL, 10**9)
    pool.mint(A, timestamp=1)
    return world, pool


ops = st.lists(
    st.one_of(
        st.tuples(st.just("deposit"), amounts, amounts),
        st.tuples(st.just("mint"), st.sampled_from([A, B])),
        st.tuples(st.just("burn"), st.integers(0, 10_000), st.sampled_from([A, B, POOL, ZERO])),
        st.tuples(st.just("swap"), amounts, amounts, st.sampled_from([A, B, POOL, ZERO, f"0x{0x10:040x}"])),
        st.tuples(st.just("skim"), st.sampled_from([A, ZERO])),
        st.tuples(st.just("sync")),
        st.tuples(st.just("fee"), st.booleans()),
    ),
    max_size=30,
)


def _apply(world, pool, op, now):
    kind = op[0]
    if kind == "deposit":
        for token, amount in ((pool.token0, op[1]), (pool.token1, op[2])):
            token.transfer(A, pool.address, min(amount, token.balance_of(A)))
        return None
    if kind == "mint":
        return pool.mint(op[1], timestamp=now)
    if kind == "burn":
        pool.transfer(A, pool.address, pool.balance_of(A) * op[1] // 10_000)
        return pool.burn(op[2], timestamp=now)
    if kind == "swap":
        out0, out1 = op[1] % (pool.reserve0 + 1), op[2] % (pool.reserve1 + 1)
        if op[1] % 3 == 0:  # mostly one-sided, at most the quote for what is pending
            pending = pool.token1.balance_of(POOL) - pool.reserve1
            out0 = min(out0, model.get_amount_out(pending, pool.reserve1, pool.reserve0, 30)) if pending > 0 else out0
            out1 = 0
        return pool.swap(out0, out1, op[3], timestamp=now)
    if kind == "skim":
        return pool.skim(op[1])
    if kind == "sync":
        return pool.sync(timestamp=now)
    world.factory.set_fee_to(B if op[1] else ZERO, sender=OWNER)
    return None


def _run(world, pool, op, now):
    try:
        return _apply(world, pool, op, now), None
    except model.ModelError as exc:
        return None, type(exc).__name__


def _state(world, pool):
    return pool.state(), dict(pool.balances), [dict(t.balances) for t in world.tokens.values()]


@given(ops=ops)
def test_hostile_pool_equals_pool(ops):
    core, core_pool = _world()
    adopted, adopted_pool = _world()
    hostile.HostilePool.adopt(adopted_pool)
    for i, op in enumerate(ops):
        now = 1_000 + 13 * i
        assert _run(core, core_pool, op, now) == _run(adopted, adopted_pool, op, now), f"hostile_pool_equals_pool: {op}"
        assert _state(core, core_pool) == _state(adopted, adopted_pool), f"hostile_pool_equals_pool: {op}"


# --- reverts inside payouts --------------------------------------------------------------------------------
def _blocklist_world():
    blk = hostile.BlocklistToken(f"0x{0x50:040x}", 6, owner=OWNER)  # token1: paid second
    plain = model.Token(f"0x{0x40:040x}", 18)
    factory = model.Factory(OWNER)
    pool = hostile.HostilePool.adopt(factory.create_pool(blk, plain, 30, POOL))
    blk.safe_senders.add(POOL)
    world = model.World(factory, [blk, plain])
    for token in (blk, plain):
        token.mint(A, 10**24)
        token.transfer(A, POOL, 10**20)
    pool.mint(A, timestamp=1)
    return world, pool, blk


def test_safe_sender_reverts_are_transfer_failed():
    world, pool, blk = _blocklist_world()
    blk.block_account(B, sender=OWNER)
    with pytest.raises(hostile.Blocked):
        blk.transfer(B, A, 0)  # a holder's own transfer: the token's error
    with pytest.raises(model.errors.TransferFailed):
        blk.transfer(POOL, B, 1)  # the pool's (SafeTransferLib) transfer: TransferFailed


@pytest.mark.parametrize("blocked", ["pool", "recipient"])
def test_entry_points_are_atomic(blocked):
    world, pool, blk = _blocklist_world()
    blk.block_account(POOL if blocked == "pool" else B, sender=OWNER)
    pool.transfer(A, POOL, pool.balance_of(A) // 2)
    before = world.snapshot()
    state = _state(world, pool)
    with pytest.raises(model.errors.TransferFailed):
        pool.burn(B, timestamp=2)  # LP burned, token0 sent, then the blocked token1 transfer reverts it all
    assert _state(world, pool) == state
    assert not pool._locked
    world.restore(before)
