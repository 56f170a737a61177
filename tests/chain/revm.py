"""In-process backend: the Ape-compiled bytecode run by revm (the EVM inside Anvil) through `pyrevm`.

Breadth: thousands of property-test steps a second, with snapshot/revert, block time and revert data.
"""

from __future__ import annotations

import re

from pyrevm import EVM, BlockEnv, CfgEnv, Env

from .artifacts import Artifacts
from .backend import GAS_LIMIT, Chain, HarnessError, Reverted, Snapshot

_REVERT = re.compile(r"Revert \{ gas_used: \d+, output: 0x([0-9a-fA-F]*) \}")
START_TIME = 1_800_000_000
CHAIN_ID = 31337
ETHER = 10**18


class RevmChain(Chain):
    """A fresh in-process chain at hardfork Osaka (Anvil 1.7.1 runs Osaka rules) with `n_accounts` funded accounts."""

    name = "revm"

    def __init__(self, artifacts: Artifacts, n_accounts: int = 10, balance: int = 10**9 * ETHER):
        self.artifacts = artifacts
        # Anvil's chain id, so signatures (EIP-712 permits) are the same on both backends.
        self.chain_id = CHAIN_ID
        self.evm = EVM(env=Env(cfg=CfgEnv(chain_id=CHAIN_ID)), spec_id="OSAKA", gas_limit=GAS_LIMIT)
        self.accounts = [f"0x{0x1000 + i:040x}" for i in range(n_accounts)]
        for acct in self.accounts:
            self.evm.set_balance(acct, balance)
        self.now = START_TIME
        self.block = 1
        self.lens = self.deploy("Lens")

    def _begin(self):
        self.block += 1
        self.evm.set_block_env(BlockEnv(number=self.block, timestamp=self.now, gas_limit=GAS_LIMIT))
        # Transient storage lives for one transaction; pyrevm keeps it until told.
        self.evm.reset_transient_storage()

    def _send(self, sender, to, data, value):
        self._begin()
        try:
            if to is None:
                created = self.evm.deploy(sender, data, value=value or None, gas=GAS_LIMIT)
                out = b""
            else:
                created = None
                out = self.evm.message_call(sender, to, data, value=value or None, gas=GAS_LIMIT)
        except RuntimeError as exc:
            self.block -= 1  # a reverted call mines nothing here: keep block numbers as Anvil's
            raise self._reverted(exc) from None
        result = self.evm.result
        logs = [(log.address, *log.data) for log in result.logs]  # log.data: (topics, data), built per access
        return bytes(out), logs, result.gas_used, created

    def _eth_call(self, to, data):
        try:
            return bytes(self.evm.message_call(self.accounts[0], to, data, is_static=True, gas=GAS_LIMIT))
        except RuntimeError as exc:
            raise self._reverted(exc) from None

    def _reverted(self, exc: RuntimeError) -> Exception:
        match = _REVERT.search(str(exc))
        if not match:
            return HarnessError(f"revm halted: {exc}")
        data = bytes.fromhex(match.group(1))
        name, args = self.artifacts.decode_error(data)
        return Reverted(name, args, data)

    def eth_balance(self, address):
        return self.evm.get_balance(address)

    def snapshot(self):
        return Snapshot(self.evm.snapshot(), self.now, self.block)

    def revert(self, snap):
        self.evm.revert(snap.ref)
        snap.ref = self.evm.snapshot()
        self.now, self.block = snap.now, snap.block
