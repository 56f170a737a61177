"""The fee-switch epochs (contracts/libraries/FeeSwitch.sol): every setFeeTo starts a new epoch and deploys its
marker at a CREATE2 address a pool can compute, so a pool learns of a feeTo change from one EXTCODESIZE.
That the protocol fee stays exactly V2's (feeTo as of each mint and burn) is the pool state machine's job
(`set_fee_to` rules, chain == model), and two mutants in test_mutants.py check that it would notice."""

from __future__ import annotations

import re

import pytest
from eth_utils import keccak, to_checksum_address

from chain.artifacts import ROOT
from chain.backend import Reverted

SOURCE = (ROOT / "contracts" / "libraries" / "FeeSwitch.sol").read_text()
ZERO = "0x" + "00" * 20


def _constant(name: str) -> int:
    return int(re.search(rf"{name} = (0x[0-9a-fA-F]+);", SOURCE).group(1), 16)


INIT_CODE = _constant("MARKER_INIT_CODE").to_bytes(5, "big")


def marker(factory: str, epoch: int) -> str:
    digest = keccak(b"\xff" + bytes.fromhex(factory[2:]) + epoch.to_bytes(32, "big") + keccak(INIT_CODE))
    return to_checksum_address(digest[12:])


def code(c, address: str) -> bytes:
    """The deployed code of `address`, known by its hash (revm pads the bytes it returns): b"" or b"\\x00"."""
    digest = bytes(c.evm.basic(address).code_hash)
    for candidate in (b"", b"\x00"):
        if digest == keccak(candidate):
            return candidate
    raise AssertionError(f"unexpected code at {address}")


def test_marker_constants():
    assert INIT_CODE == bytes.fromhex("60016000f3")  # PUSH1 1, PUSH1 0, RETURN: runtime code 0x00
    assert _constant("MARKER_INIT_CODE_HASH") == int.from_bytes(keccak(INIT_CODE), "big")
    assert "MAX_EPOCH = 2 ** 31 - 1;" in SOURCE


def test_set_fee_to_starts_an_epoch_and_deploys_its_marker(revm_chain):
    c = revm_chain
    owner, recipient, other = c.accounts[0], c.accounts[1], c.accounts[2]
    factory = c.deploy("Factory", sender=owner)
    assert factory.call("feeToEpoch") == 0
    assert factory.call("feeSwitch") == (ZERO, 0)
    assert code(c, marker(factory.address, 1)) == b""

    factory.transact("setFeeTo", recipient, sender=owner)
    assert factory.call("feeSwitch") == (to_checksum_address(recipient), 1)
    assert factory.call("feeTo") == to_checksum_address(recipient)
    assert code(c, marker(factory.address, 1)) == b"\x00"
    assert code(c, marker(factory.address, 2)) == b""

    factory.transact("setFeeTo", ZERO, sender=owner)  # off: still a new epoch
    assert factory.call("feeSwitch") == (ZERO, 2)
    assert code(c, marker(factory.address, 2)) == b"\x00"

    with pytest.raises(Reverted) as err:
        factory.transact("setFeeTo", other, sender=other)
    assert err.value.name == "Unauthorized"
    assert factory.call("feeSwitch") == (ZERO, 2)


def test_epochs_end_at_2_31_minus_1(revm_chain):
    c = revm_chain
    owner = c.accounts[0]
    factory = c.deploy("Factory", sender=owner)
    # feeTo and feeToEpoch share slot 0: feeTo in the low 160 bits, the epoch above it.
    c.evm.insert_account_storage(factory.address, 0, (2**31 - 2) << 160)
    factory.transact("setFeeTo", owner, sender=owner)
    assert factory.call("feeSwitch") == (to_checksum_address(owner), 2**31 - 1)
    with pytest.raises(Reverted) as err:
        factory.transact("setFeeTo", ZERO, sender=owner)
    assert err.value.name == "FeeSwitchExhausted"
