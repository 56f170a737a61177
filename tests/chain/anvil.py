"""Fidelity backend: the local Anvil node that Ape's foundry provider starts (the node users deploy to).

Ape owns the node's life (start, port, accounts); transactions go to it as JSON-RPC from Anvil's unlocked
test accounts, so no time is spent signing in Python. A transaction is first run as `eth_call` at the next
block's number and timestamp: a revert is reported with its decoded error and nothing is mined; otherwise
the same transaction is mined at exactly that timestamp (`eth_sendTransactionSync`, which answers with the
receipt; `eth_sendTransaction` and a receipt query on a node without it) and its receipt must succeed. The
dry run and the timestamp go in one JSON-RPC batch: two round trips a transaction.
"""

from __future__ import annotations

import itertools
import time

import requests

from .artifacts import Artifacts
from .backend import GAS_LIMIT, Chain, HarnessError, Reverted, Snapshot


class AnvilChain(Chain):
    name = "anvil"

    def __init__(self, artifacts: Artifacts, uri: str, accounts: list[str]):
        self.artifacts = artifacts
        self.uri = uri
        self.accounts = list(accounts)
        self._http = requests.Session()
        self._ids = itertools.count(1)
        self._sync_send = True  # eth_sendTransactionSync until the node says it has none
        self.chain_id = int(self._rpc("eth_chainId", []), 16)
        latest = self._rpc("eth_getBlockByNumber", ["latest", False])
        self.block = int(latest["number"], 16)
        self.now = int(latest["timestamp"], 16) + 1
        self.lens = self.deploy("Lens")

    def _rpc(self, method: str, params: list):
        reply = self._http.post(
            self.uri, json={"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        ).json()
        return self._result(method, reply)

    def _rpc_batch(self, calls: list[tuple[str, list]]) -> list:
        """Several independent requests in one round trip (a JSON-RPC batch); results in the calls' order,
        the first failure raised as `_rpc` would."""
        requests_ = [
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params} for method, params in calls
        ]
        replies = {reply["id"]: reply for reply in self._http.post(self.uri, json=requests_).json()}
        return [self._result(method, replies[r["id"]]) for (method, _), r in zip(calls, requests_)]

    def _result(self, method: str, reply: dict):
        if "error" in reply:
            error = reply["error"]
            data = error.get("data")
            if isinstance(data, str) and data.startswith("0x"):
                payload = bytes.fromhex(data[2:])
                name, args = self.artifacts.decode_error(payload)
                raise Reverted(name, args, payload)
            if "revert" in str(error.get("message", "")):
                raise Reverted("", (), b"")
            raise HarnessError(f"{method}: {error}")
        return reply["result"]

    def _tx(self, sender, to, data, value) -> dict:
        # Gas price 0, as on the in-process backend: ETH balances move by the value sent and nothing else.
        tx = {"from": sender, "data": "0x" + data.hex(), "gas": hex(GAS_LIMIT), "gasPrice": "0x0"}
        if to is not None:
            tx["to"] = to
        if value:
            tx["value"] = hex(value)
        return tx

    def _send(self, sender, to, data, value):
        tx = self._tx(sender, to, data, value)
        overrides = {"time": hex(self.now), "number": hex(self.block + 1)}
        # The dry run and the next block's timestamp are independent: one round trip. The eth_call raises
        # Reverted and nothing is mined (a timestamp set for no block is set again by the next send).
        out, _ = self._rpc_batch([("eth_call", [tx, "latest", {}, overrides]), ("evm_setNextBlockTimestamp", [self.now])])
        if self._sync_send:
            # One round trip: Anvil mines the transaction and answers with its receipt (EIP-7966).
            try:
                receipt = self._rpc("eth_sendTransactionSync", [tx])
            except HarnessError as exc:
                if "-32601" not in str(exc):  # anything but "method not found" is a real failure
                    raise
                self._sync_send = False  # an Anvil without it: nothing was sent, send the usual way
                receipt = self._send_and_wait(tx)
        else:
            receipt = self._send_and_wait(tx)
        if receipt is None or receipt["status"] != "0x1":
            raise HarnessError(f"transaction {receipt and receipt['transactionHash']} failed on chain after its eth_call succeeded")
        self.block = int(receipt["blockNumber"], 16)
        logs = [
            (log["address"], [bytes.fromhex(t[2:]) for t in log["topics"]], bytes.fromhex(log["data"][2:]))
            for log in receipt["logs"]
        ]
        return bytes.fromhex(out[2:]), logs, int(receipt["gasUsed"], 16), receipt.get("contractAddress")

    def _send_and_wait(self, tx) -> dict | None:
        tx_hash = self._rpc("eth_sendTransaction", [tx])
        receipt = self._rpc("eth_getTransactionReceipt", [tx_hash])
        for _ in range(100):  # auto-mine has mined it; a large receipt can take a moment to appear
            if receipt is not None:
                break
            time.sleep(0.01)
            receipt = self._rpc("eth_getTransactionReceipt", [tx_hash])
        return receipt

    def _eth_call(self, to, data):
        out = self._rpc("eth_call", [{"to": to, "data": "0x" + data.hex(), "gas": hex(GAS_LIMIT)}, "latest"])
        return bytes.fromhex(out[2:])

    def eth_balance(self, address):
        return int(self._rpc("eth_getBalance", [address, "latest"]), 16)

    def snapshot(self):
        return Snapshot(self._rpc("evm_snapshot", []), self.now, self.block)

    def revert(self, snap):
        if not self._rpc("evm_revert", [snap.ref]):
            raise HarnessError(f"evm_revert({snap.ref}) refused")
        snap.ref = self._rpc("evm_snapshot", [])  # Anvil drops a snapshot once reverted to
        self.now, self.block = snap.now, snap.block
