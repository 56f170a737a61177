"""Router model properties (no chain): path amounts across fee tiers, optimal add amounts, removal.

The pure functions of python_model.router are checked against first principles (the pool's own K check,
the pool ratio), and the stateful Router model is checked for what the contract promises: exact outputs
and inputs, min/max/deadline guards that change nothing, mixed tiers, and a router that keeps nothing.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import python_model as model
from python_model.amm_math import k_holds
from python_model.router import (
    DEFAULT_FEE,
    Ether,
    Router,
    get_amounts_in,
    get_amounts_out,
    hop_fees,
    optimal_add_amounts,
    removal_amounts,
)
from python_model.router_errors import (
    ExcessiveInputAmount,
    Expired,
    InsufficientAAmount,
    InsufficientBAmount,
    InsufficientOutputAmount,
    InvalidPath,
    NotWETH,
    RouterError,
)

UINT112_MAX = model.UINT112_MAX
TIERS = (1, 5, 30, 100)

fees = st.one_of(st.sampled_from(TIERS), st.integers(0, 9_999))
# Reserves over many orders of magnitude, up to the 112-bit ceiling.
reserves = st.one_of(
    st.integers(1, 10**6),
    st.builds(lambda m, e: max(1, m * 10**e), st.integers(1, 9_999), st.integers(0, 29)),
    st.integers(UINT112_MAX // 2, UINT112_MAX),
)
hop = st.tuples(reserves, reserves, fees)
hops = st.lists(hop, min_size=1, max_size=4)
amounts = st.one_of(st.integers(1, 10**6), st.builds(lambda m, e: m * 10**e, st.integers(1, 9_999), st.integers(0, 30)))


# --- pure path math -----------------------------------------------------------------------------------


def test_router_errors_share_the_pool_error_classes():
    """The router's InsufficientOutputAmount & co are the pool's classes (one name, one class)."""
    from python_model import errors, router_errors

    for name in ("InsufficientOutputAmount", "InsufficientInputAmount", "InsufficientLiquidity", "InsufficientAmount"):
        assert getattr(router_errors, name) is getattr(errors, name)
    for cls in (Expired, InvalidPath, ExcessiveInputAmount, InsufficientAAmount, InsufficientBAmount, NotWETH):
        assert issubclass(cls, RouterError) and issubclass(cls, model.PoolError)


def test_hop_fees():
    a, b, c = "0xa", "0xb", "0xc"
    assert hop_fees([a, b]) == (DEFAULT_FEE,)
    assert hop_fees([a, b, c], [5, 100]) == (5, 100)
    for path, tiers in (([a], None), ([], None), ([a], []), ([a, b], []), ([a, b], [5, 5]), ([a, b, c], [5])):
        with pytest.raises(InvalidPath):
            hop_fees(path, tiers)


def test_checked_arithmetic_panics_like_the_contract():
    """Where RouterLibrary's checked arithmetic reverts Panic, the model raises Panic (after the named errors)."""
    from python_model.router import get_amount_in, get_amount_out, quote

    Panic = model.errors.Panic
    for call in (
        lambda: get_amount_out(2**200, 2**100, 2**100, 30),  # input * (10000 - fee) * reserveOut overflows
        lambda: get_amount_out(5, 10, 10, 10_001),  # 10000 - fee underflows
        lambda: get_amount_in(5, 10, 10, 10_000),  # division by zero
        lambda: quote(2**200, 1, 2**100),
    ):
        with pytest.raises(Panic):
            call()
    with pytest.raises(model.errors.InsufficientInputAmount):
        get_amount_out(0, 10, 10, 10_001)
    assert get_amount_out(5, 10, 10, 10_000) == 0  # a 100% fee pays nothing, as on chain
    assert get_amount_out(10**18, 10**20, 10**20, 30) == model.get_amount_out(10**18, 10**20, 10**20, 30)


@given(amounts, hops)
def test_exact_in_outputs_are_the_most_each_pool_pays(amount_in, path_hops):
    """Every hop's output passes that pool's K check at its tier, and one more wei does not."""
    try:
        out = get_amounts_out(amount_in, path_hops)
    except model.PoolError:
        return
    assert out[0] == amount_in and len(out) == len(path_hops) + 1
    for (reserve_in, reserve_out, fee), x, y in zip(path_hops, out, out[1:]):
        assert y < reserve_out
        assert k_holds(reserve_in + x, reserve_out - y, x, 0, reserve_in, reserve_out, fee)
        if y + 1 < reserve_out:
            assert not k_holds(reserve_in + x, reserve_out - y - 1, x, 0, reserve_in, reserve_out, fee)


@given(amounts, hops)
def test_exact_out_inputs_buy_the_output(amount_out, path_hops):
    """Running get_amounts_in's input forward gives at least every amount it promised, hop by hop."""
    try:
        back = get_amounts_in(amount_out, path_hops)
    except model.PoolError:
        return
    assert back[-1] == amount_out and len(back) == len(path_hops) + 1
    forward = get_amounts_out(back[0], path_hops)
    assert all(f >= b for f, b in zip(forward, back))
    # Each hop's input is the least that buys its output, or one more (V2's +1 when the division is exact).
    for (reserve_in, reserve_out, fee), x, y in zip(path_hops, back, back[1:]):
        assert model.get_amount_out(x, reserve_in, reserve_out, fee) >= y
        if x > 2:
            assert model.get_amount_out(x - 2, reserve_in, reserve_out, fee) < y


@given(amounts, hops)
def test_exact_in_then_exact_out_agree(amount_in, path_hops):
    """Exact in gives y; exact out of y asks no more than was put in, unless some hop's division was
    exact (where V2's floor + 1 overshoots the true minimum by one wei), and then buys at least y."""
    try:
        out = get_amounts_out(amount_in, path_hops)
        back = get_amounts_in(out[-1], path_hops)
    except model.PoolError:
        return
    assert back[-1] == out[-1]
    exact_division = any(
        (r_in * y * 10_000) % ((r_out - y) * (10_000 - fee)) == 0
        for (r_in, r_out, fee), y in zip(path_hops, back[1:])
    )
    assert back[0] <= amount_in or exact_division
    assert get_amounts_out(back[0], path_hops)[-1] >= out[-1]


@given(reserves, reserves, st.sampled_from(TIERS), st.sampled_from(TIERS), amounts)
def test_a_mixed_tier_path_is_its_hops_in_sequence(r1, r2, f1, f2, amount_in):
    """get_amounts_out over two tiers equals two single-hop quotes, each at its own fee."""
    h1, h2 = (r1, r2, f1), (r2, r1, f2)
    try:
        out = get_amounts_out(amount_in, [h1, h2])
    except model.PoolError:
        return
    mid = model.get_amount_out(amount_in, *h1)
    assert out == [amount_in, mid, model.get_amount_out(mid, *h2)]
    # A cheaper tier never pays less for the same reserves.
    if f1 < f2:
        assert model.get_amount_out(amount_in, r1, r2, f1) >= model.get_amount_out(amount_in, r1, r2, f2)


# --- optimal add amounts ---------------------------------------------------------------------------------


@given(amounts, amounts, reserves, reserves)
def test_optimal_add_never_exceeds_desired_and_keeps_the_ratio(a_desired, b_desired, reserve_a, reserve_b):
    a, b = optimal_add_amounts(a_desired, b_desired, 0, 0, reserve_a, reserve_b)
    assert a <= a_desired and b <= b_desired
    assert a == a_desired or b == b_desired
    if a == a_desired and b == model.quote(a_desired, reserve_a, reserve_b):
        # All of A, and B rounded down: never more B than the ratio, and short of it by under one wei of B.
        assert b * reserve_a <= a * reserve_b < (b + 1) * reserve_a
    else:
        assert b == b_desired
        assert a * reserve_b <= b * reserve_a < (a + 1) * reserve_b
    # The pool price (B per A) moves only by the rounding: in the depositor's disfavour, never in its favour.
    before = reserve_b * (reserve_a + a)
    after = (reserve_b + b) * reserve_a
    assert after <= before if a == a_desired else after >= before


@given(amounts, amounts, reserves, reserves, st.integers(0, 2))
def test_optimal_add_minimums(a_desired, b_desired, reserve_a, reserve_b, slack):
    a, b = optimal_add_amounts(a_desired, b_desired, 0, 0, reserve_a, reserve_b)
    # Exactly the amount taken as minimum passes; one more fails on the side that was quoted.
    assert optimal_add_amounts(a_desired, b_desired, a, b, reserve_a, reserve_b) == (a, b)
    if b < b_desired or (a == a_desired and b == model.quote(a_desired, reserve_a, reserve_b)):
        with pytest.raises(InsufficientBAmount):
            optimal_add_amounts(a_desired, b_desired, 0, b + 1 + slack, reserve_a, reserve_b)
    else:
        with pytest.raises(InsufficientAAmount):
            optimal_add_amounts(a_desired, b_desired, a + 1 + slack, 0, reserve_a, reserve_b)


def test_optimal_add_into_an_empty_pool_takes_the_desired_amounts():
    assert optimal_add_amounts(5, 7, 5, 7, 0, 0) == (5, 7)
    with pytest.raises(model.errors.InsufficientAmount):
        optimal_add_amounts(0, 7, 0, 0, 10, 10)


@given(st.integers(1, 10**30), reserves, reserves, st.integers(1, 10**30))
def test_removal_amounts_round_down(liquidity, balance_a, balance_b, extra):
    supply = liquidity + extra
    try:
        a, b = removal_amounts(liquidity, balance_a, balance_b, supply)
    except model.errors.InsufficientLiquidityBurned:
        assert liquidity * balance_a < supply or liquidity * balance_b < supply
        return
    assert a * supply <= liquidity * balance_a < (a + 1) * supply
    assert b * supply <= liquidity * balance_b < (b + 1) * supply


# --- the stateful Router model -------------------------------------------------------------------------

TRADER, LP, ROUTER, OWNER = ("0x" + c * 40 for c in "1234")
A, B, C, WETH = ("0x" + "0" * 39 + c for c in "abce")


def make_world(liquidity):
    """A, B, C and WETH; pools A/B at 30 and 5, B/C at 100 and 1, C/WETH at 30; returns (router, tokens)."""
    factory = model.Factory(owner=OWNER, address="0x" + "f" * 40)
    tokens = {addr: model.Token(addr) for addr in (A, B, C)}
    world = model.World(factory, list(tokens.values()))
    eth = Ether({TRADER: 10**40, LP: 10**40})
    router = Router(world, model.Token(WETH), ROUTER, eth=eth)
    for token in tokens.values():
        for who in (TRADER, LP):
            token.mint(who, 10**40)
    t = 1_000
    for (x, y, fee), (ax, ay) in zip(((A, B, 30), (A, B, 5), (B, C, 100), (B, C, 1)), liquidity):
        router.add_liquidity(LP, x, y, ax, ay, 0, 0, LP, t, timestamp=t, fee=fee)
    router.add_liquidity_eth(LP, liquidity[-1][1], C, liquidity[-1][0], 0, 0, LP, t, timestamp=t)
    return router, tokens


liquidity_sets = st.lists(
    st.tuples(st.integers(10**6, 10**27), st.integers(10**6, 10**27)), min_size=5, max_size=5
)
paths = st.sampled_from([
    ([A, B], [30]), ([A, B], [5]), ([B, A], [5]), ([A, B, C], [30, 100]), ([A, B, C], [5, 1]),
    ([C, B, A], [1, 30]), ([A, B, C, WETH], [5, 100, 30]), ([WETH, C, B, A], [30, 1, 5]),
    ([A, B, A], [30, 5]),
])


def ledgers(router, tokens):
    """Every balance and reserve, for "nothing changed" comparisons."""
    state = {t: dict(tok.balances) for t, tok in tokens.items()}
    state["weth"] = dict(router.weth.balances)
    state["eth"] = dict(router.eth.balances)
    state["pools"] = [p.state() + (dict(p.balances),) for p in router.world.pools]
    return state


def assert_router_holds_nothing(router, tokens):
    assert router.eth.balance_of(ROUTER) == 0
    assert router.weth.balance_of(ROUTER) == 0
    assert all(tok.balance_of(ROUTER) == 0 for tok in tokens.values())
    assert all(p.balance_of(ROUTER) == 0 for p in router.world.pools)


@given(liquidity_sets, paths, amounts)
def test_exact_in_swap_on_mixed_tiers(liquidity, path_and_fees, amount_in):
    router, tokens = make_world(liquidity)
    path, tiers = path_and_fees
    t = 2_000
    token_in, token_out = router._token(path[0]), router._token(path[-1])
    token_in.mint(TRADER, amount_in)
    try:
        quoted = router.get_amounts_out(amount_in, path, tiers)
    except model.PoolError:
        quoted = None
    before = ledgers(router, tokens)
    with pytest.raises(Expired):
        router.swap_exact_tokens_for_tokens(TRADER, amount_in, 0, path, TRADER, t - 1, timestamp=t, fees=tiers)
    assert ledgers(router, tokens) == before
    snapshot = router.world.snapshot(), router.eth._save()
    in0, out0 = token_in.balance_of(TRADER), token_out.balance_of(TRADER)
    try:
        got = router.swap_exact_tokens_for_tokens(TRADER, amount_in, 0, path, TRADER, t, timestamp=t, fees=tiers)
    except model.PoolError:
        assert ledgers(router, tokens) == before  # a revert changes nothing
        return
    assert_router_holds_nothing(router, tokens)
    visits_a_pool_twice = len(set(zip(path, path[1:], tiers))) < len(tiers)
    if not visits_a_pool_twice:
        # Streaming equals the quote at the reserves before the swap; balances moved by exactly that.
        assert got == quoted
        if token_in is token_out:  # a round trip
            assert token_in.balance_of(TRADER) == in0 - amount_in + got[-1]
        else:
            assert token_in.balance_of(TRADER) == in0 - amount_in
            assert token_out.balance_of(TRADER) == out0 + got[-1]
    after = ledgers(router, tokens)
    # Replay from the same state: min-out one above the output fails and changes nothing; exactly it passes.
    router.world.restore(snapshot[0])
    router.eth._load(snapshot[1])
    with pytest.raises(InsufficientOutputAmount):
        router.swap_exact_tokens_for_tokens(TRADER, amount_in, got[-1] + 1, path, TRADER, t, timestamp=t, fees=tiers)
    assert ledgers(router, tokens) == before
    assert router.swap_exact_tokens_for_tokens(TRADER, amount_in, got[-1], path, TRADER, t, timestamp=t,
                                               fees=tiers) == got
    assert ledgers(router, tokens) == after


@given(liquidity_sets, paths, amounts)
def test_exact_out_swap_on_mixed_tiers(liquidity, path_and_fees, amount_out):
    router, tokens = make_world(liquidity)
    path, tiers = path_and_fees
    assume(path[0] != path[-1] and path[0] != WETH)
    t = 2_000
    try:
        needed = router.get_amounts_in(amount_out, path, tiers)
    except model.PoolError:
        return
    before = ledgers(router, tokens)
    with pytest.raises(ExcessiveInputAmount):
        router.swap_tokens_for_exact_tokens(TRADER, amount_out, needed[0] - 1, path, TRADER, t, timestamp=t,
                                            fees=tiers)
    assert ledgers(router, tokens) == before
    token_in, token_out = router._token(path[0]), router._token(path[-1])
    in0, out0 = token_in.balance_of(TRADER), token_out.balance_of(TRADER)
    got = router.swap_tokens_for_exact_tokens(TRADER, amount_out, needed[0], path, TRADER, t, timestamp=t, fees=tiers)
    assert got == needed
    assert token_out.balance_of(TRADER) == out0 + amount_out
    assert token_in.balance_of(TRADER) == in0 - needed[0]
    assert_router_holds_nothing(router, tokens)


@given(liquidity_sets, amounts, st.integers(1, 10**30))
def test_eth_in_and_out(liquidity, amount, value):
    router, tokens = make_world(liquidity)
    t = 2_000
    eth = router.eth
    # ETH in, exact: A <- B <- C <- WETH across tiers 30, 1, 5
    path, tiers = [WETH, C, B, A], [30, 1, 5]
    try:
        quoted = router.get_amounts_out(value, path, tiers)
        e0 = eth.balance_of(TRADER)
        got = router.swap_exact_eth_for_tokens(TRADER, value, quoted[-1], path, TRADER, t, timestamp=t, fees=tiers)
        assert got == quoted and eth.balance_of(TRADER) == e0 - value
    except model.PoolError:
        pass
    assert_router_holds_nothing(router, tokens)
    # ETH out, exact amount: pays exactly `amount` wei, no more
    path, tiers = [A, B, C, WETH], [5, 100, 30]
    try:
        needed = router.get_amounts_in(amount, path, tiers)
    except model.PoolError:
        return
    e0 = eth.balance_of(TRADER)
    router.swap_tokens_for_exact_eth(TRADER, amount, needed[0], path, TRADER, t, timestamp=t, fees=tiers)
    assert eth.balance_of(TRADER) == e0 + amount
    assert_router_holds_nothing(router, tokens)
    # ETH for exact tokens with change: the unspent ETH comes back
    path = [WETH, C]
    try:
        needed = router.get_amounts_in(amount, path)
    except model.PoolError:
        return
    e0 = eth.balance_of(TRADER)
    router.swap_eth_for_exact_tokens(TRADER, needed[0] + 12345, amount, path, TRADER, t, timestamp=t)
    assert eth.balance_of(TRADER) == e0 - needed[0]
    try:
        short = router.get_amounts_in(amount, path)[0] - 1
    except model.PoolError:
        short = None
    if short is not None:
        with pytest.raises(ExcessiveInputAmount):
            router.swap_eth_for_exact_tokens(TRADER, short, amount, path, TRADER, t, timestamp=t)
    with pytest.raises(InvalidPath):
        router.swap_exact_eth_for_tokens(TRADER, 1, 0, [C, WETH], TRADER, t, timestamp=t)
    assert_router_holds_nothing(router, tokens)


@given(liquidity_sets, amounts, amounts, st.sampled_from([(A, B, 30), (B, A, 5), (C, B, 100), (B, C, 1)]))
def test_add_then_remove_through_the_router(liquidity, a_desired, b_desired, pair):
    router, tokens = make_world(liquidity)
    x, y, fee = pair
    t = 2_000
    pool = router.pool(x, y, fee)
    reserve_x, reserve_y = router.reserves(x, y, fee)
    try:
        want = optimal_add_amounts(a_desired, b_desired, 0, 0, reserve_x, reserve_y)
    except model.PoolError:
        return
    before = ledgers(router, tokens)
    with pytest.raises(Expired):
        router.add_liquidity(TRADER, x, y, a_desired, b_desired, 0, 0, TRADER, t - 1, timestamp=t, fee=fee)
    assert ledgers(router, tokens) == before
    try:
        got = router.add_liquidity(TRADER, x, y, a_desired, b_desired, *want, TRADER, t, timestamp=t, fee=fee)
    except (model.errors.InsufficientLiquidityMinted, model.errors.Overflow):
        assert ledgers(router, tokens) == before
        return
    assert got[:2] == want
    assert_router_holds_nothing(router, tokens)
    # Remove it all again: the amounts are the pro-rata share of the balances, rounded down.
    liquidity_held = pool.balance_of(TRADER)
    before = ledgers(router, tokens)
    try:
        expected = removal_amounts(liquidity_held, tokens[x].balance_of(pool.address),
                                   tokens[y].balance_of(pool.address), pool.total_supply)
    except model.errors.InsufficientLiquidityBurned:
        with pytest.raises(model.errors.InsufficientLiquidityBurned):
            router.remove_liquidity(TRADER, x, y, liquidity_held, 0, 0, TRADER, t, timestamp=t, fee=fee)
        assert ledgers(router, tokens) == before
        return
    with pytest.raises(InsufficientAAmount):
        router.remove_liquidity(TRADER, x, y, liquidity_held, expected[0] + 1, 0, TRADER, t, timestamp=t, fee=fee)
    with pytest.raises(InsufficientBAmount):
        router.remove_liquidity(TRADER, x, y, liquidity_held, 0, expected[1] + 1, TRADER, t, timestamp=t, fee=fee)
    assert ledgers(router, tokens) == before
    assert router.remove_liquidity(TRADER, x, y, liquidity_held, *expected, TRADER, t, timestamp=t, fee=fee) == expected
    assert pool.balance_of(TRADER) == 0
    assert_router_holds_nothing(router, tokens)


def test_add_creates_a_missing_pool_and_respects_tiers():
    router, tokens = make_world([(10**18, 10**18)] * 5)
    t = 2_000
    assert router.pool(A, C, 5) is None
    assert router.add_liquidity(TRADER, C, A, 4 * 10**18, 10**18, 0, 0, TRADER, t, timestamp=t, fee=5)[:2] == (
        4 * 10**18, 10**18)
    assert router.pool(A, C, 5).fee_bps == 5
    before = ledgers(router, tokens)
    with pytest.raises(model.errors.FeeTierNotEnabled):
        router.add_liquidity(TRADER, A, C, 10**18, 10**18, 0, 0, TRADER, t, timestamp=t, fee=7)
    with pytest.raises(model.errors.IdenticalAddresses):
        router.add_liquidity(TRADER, A, A, 10**18, 10**18, 0, 0, TRADER, t, timestamp=t)
    assert ledgers(router, tokens) == before
    # A pool that is missing reads as empty on the swap side.
    with pytest.raises(model.errors.InsufficientLiquidity):
        router.swap_exact_tokens_for_tokens(TRADER, 10**18, 0, [A, C], TRADER, t, timestamp=t, fees=[100])
    assert ledgers(router, tokens) == before


def test_remove_liquidity_eth_pays_eth_and_leaves_nothing():
    router, tokens = make_world([(10**20, 3 * 10**20)] * 5)
    t = 2_000
    pool = router.pool(C, WETH, 30)
    held = pool.balance_of(LP) // 3
    expected = removal_amounts(held, tokens[C].balance_of(pool.address), router.weth.balance_of(pool.address),
                               pool.total_supply)
    e0, c0 = router.eth.balance_of(LP), tokens[C].balance_of(LP)
    assert router.remove_liquidity_eth(LP, C, held, *expected, LP, t, timestamp=t) == expected
    assert router.eth.balance_of(LP) == e0 + expected[1]
    assert tokens[C].balance_of(LP) == c0 + expected[0]
    assert_router_holds_nothing(router, tokens)
