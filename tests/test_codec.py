"""The harness's own ABI encoder (tests/chain/artifacts.py) against eth_abi: byte-identical calldata for
every parameter list shape the fast path takes, and eth_abi's answer for the rest."""

from __future__ import annotations

from eth_abi import encode as abi_encode
from hypothesis import given
from hypothesis import strategies as st

from chain.artifacts import Codec, checksum

addresses = st.binary(min_size=20, max_size=20).map(lambda b: checksum(b))
WORD_VALUES = {
    "uint256": st.integers(0, 2**256 - 1),
    "uint112": st.integers(0, 2**112 - 1),
    "uint16": st.integers(0, 2**16 - 1),
    "int256": st.integers(-(2**255), 2**255 - 1),
    "address": addresses,
    "bool": st.booleans(),
    "bytes32": st.binary(min_size=32, max_size=32),
}
VALUES = {
    **WORD_VALUES,
    "bytes": st.binary(max_size=100),
    "string": st.text(max_size=40),
    **{f"{t}[]": st.lists(v, max_size=6) for t, v in WORD_VALUES.items()},
    "(uint256,address)[]": st.lists(st.tuples(WORD_VALUES["uint256"], addresses), max_size=3),
}


@st.composite
def parameter_lists(draw):
    types = draw(st.lists(st.sampled_from(sorted(VALUES)), max_size=7))
    return types, [draw(VALUES[t]) for t in types]


@given(parameter_lists())
def test_codec_encodes_as_eth_abi(case):
    types, values = case
    codec = Codec([{"type": t} if not t.startswith("(") else _tuple_param(t) for t in types])
    assert codec.encode(values) == abi_encode(codec.types, values)


def test_fast_path_covers_the_calls_the_machines_make():
    """swap(uint,uint,address,bytes) and router paths (address[], uint16[]) skip eth_abi."""
    for types in (["uint256", "uint256", "address", "bytes"], ["uint256", "address[]", "uint16[]", "address"]):
        assert Codec([{"type": t} for t in types])._parts is not None


def _tuple_param(kind: str) -> dict:
    inner = kind[1 : kind.index(")")].split(",")
    return {"type": "tuple[]", "components": [{"type": t} for t in inner]}
