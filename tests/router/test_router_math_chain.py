"""The router's pure math on chain (in-process EVM) against the model, revert for revert: getAmountOut, quote
and getAmountIn, whose checked arithmetic RouterLibrary partly writes by hand (one combined overflow test
instead of the compiler's helpers). Inputs reach past every overflow edge and past the 10000 bps fee."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import python_model as model
from chain import Artifacts
from chain.backend import Reverted
from chain.revm import RevmChain
from python_model import router as mr

MAX = 2**256 - 1


# Magnitudes around each edge: small, 112-bit reserves, the ~2**130-2**256 inputs that overflow a product.
word = st.one_of(
    st.integers(0, 10),
    st.integers(0, 2**112),
    st.integers(2**120, 2**160),
    st.integers(2**240, MAX),
    st.sampled_from([MAX, MAX // 10000, MAX // 10000 + 1, MAX // 9970, MAX // 9970 + 1, 2**128, 2**128 - 1]),
)
fee = st.one_of(st.integers(0, 10_001), st.sampled_from([0, 1, 30, 9_999, 10_000, 10_001, 2**16 - 1]))


def _model(fn, *args):
    try:
        return ("ok", fn(*args))
    except model.errors.Panic as exc:
        return ("Panic", exc.code)
    except model.PoolError as exc:
        return (type(exc).__name__, None)


def _chain(router, sig, *args):
    try:
        return ("ok", router.call(sig, *args))
    except Reverted as exc:
        return (exc.name, exc.args_[0] if exc.name == "Panic" else None)


@settings(max_examples=600)
@given(word, word, word, fee)
def test_get_amount_out_matches_the_model(amount_in, reserve_in, reserve_out, f):
    expected = _model(mr.get_amount_out, amount_in, reserve_in, reserve_out, f)
    got = _chain(router_fixture(), "getAmountOut(uint256,uint256,uint256,uint16)", amount_in, reserve_in, reserve_out, f)
    assert got == expected


@settings(max_examples=400)
@given(word, word, word)
def test_quote_matches_the_model(amount_a, reserve_a, reserve_b):
    assert _chain(router_fixture(), "quote", amount_a, reserve_a, reserve_b) == _model(
        mr.quote, amount_a, reserve_a, reserve_b
    )


@settings(max_examples=400)
@given(word, word, word, fee)
def test_get_amount_in_matches_the_model(amount_out, reserve_in, reserve_out, f):
    expected = _model(mr.get_amount_in, amount_out, reserve_in, reserve_out, f)
    got = _chain(router_fixture(), "getAmountIn(uint256,uint256,uint256,uint16)", amount_out, reserve_in, reserve_out, f)
    assert got == expected


_ROUTER = []


def router_fixture():
    """One router for every example (hypothesis and function-scoped fixtures do not mix)."""
    if not _ROUTER:
        c = RevmChain(Artifacts())
        weth = c.deploy("WETH9")
        factory = c.deploy("Factory")
        _ROUTER.append(c.deploy("Router", factory.address, weth.address))
    return _ROUTER[0]
