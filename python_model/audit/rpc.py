"""Fetching a pool's events and state from a node over JSON-RPC, then auditing them.

Chain-library free: everything goes through ``request(method, params) -> result`` (Ape's
``chain.provider.make_request``, or :class:`HttpRpc` for a bare URL), which raises on an RPC error.

* ``eth_getLogs`` in block-range chunks for the pool's Mint, Burn, Swap, Sync and Transfer topics.  A
  refused range (too many results, range too large, timeout...) is halved and retried; after a run of
  successes the range grows back.  A single block that keeps failing is retried with back-off, then
  reported (:class:`FetchError`).
* The state before ``from_block`` (reserves, LP supply, the pool's own LP, kLast) is read with
  ``eth_call`` at block ``from_block - 1``.  A node without that history (a pruned node, Anvil with
  ``--prune-history``) cannot answer: the events since the pool's creation are then replayed unchecked
  up to ``from_block`` instead.
* The state at ``to_block`` is read when the node can serve it, and compared with the replay's.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from .engine import Event, PoolAuditor, PoolState, _Stop
from .logfile import LogWriter

# name -> (topic0, [(argument, ABI type, indexed)]): the V2 pair's events and the Farm's (IFarm)
EVENTS = {
    "Transfer": ("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                 [("from", "address", True), ("to", "address", True), ("value", "uint256", False)]),
    "Sync": ("0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1",
             [("reserve0", "uint112", False), ("reserve1", "uint112", False)]),
    "Swap": ("0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822",
             [("sender", "address", True), ("amount0In", "uint256", False), ("amount1In", "uint256", False),
              ("amount0Out", "uint256", False), ("amount1Out", "uint256", False), ("to", "address", True)]),
    "Mint": ("0x4c209b5fc8ad50758f13e2e1088ba56a560dff690a1c6fef26394f4c03821c4f",
             [("sender", "address", True), ("amount0", "uint256", False), ("amount1", "uint256", False)]),
    "Burn": ("0xdccd412f0b1252819cb1fd330b93224ca42612892bb3f4f789976e6d81936496",
             [("sender", "address", True), ("amount0", "uint256", False), ("amount1", "uint256", False),
              ("to", "address", True)]),
    "PoolAdded": ("0x6c5d0ef1d0199b6de41ecbce95f59643be4d723ca363faf92d756e61e82fb13e",
                  [("pid", "uint256", True), ("lpToken", "address", True), ("allocPoint", "uint256", False)]),
    "AllocPointSet": ("0x2f871b845d874d8a6d7f6081ebc4101fbb5725b2639d42191f54cb80f7d0a975",
                      [("pid", "uint256", True), ("allocPoint", "uint256", False)]),
    "FunderSet": ("0xb359425b21ae201080b58e8988d1592683ba13e1f376aecf63195d42b7a172f8",
                  [("funder", "address", True), ("authorised", "bool", False)]),
    "Funded": ("0xcd909ec339185c4598a4096e174308fbdf136d117f230960f873a2f2e81f63af",
               [("funder", "address", True), ("received", "uint256", False), ("duration", "uint256", False)]),
    "ScheduleUpdated": ("0x4445165560cf3e67802ebec1c76caa3daf590cfe7d01099a8fc20303be6f46db",
                        [("ratePerPoint", "uint256", False), ("periodEnd", "uint256", False),
                         ("carried", "uint256", False)]),
    "RewardsCarried": ("0xa68df47df4b6f8e9ca8e689eb47ac62499e4f39dd1f051557a668c09319b4f05",
                       [("pid", "uint256", True), ("amount", "uint256", False)]),
    "Deposit": ("0x90890809c654f11d6e72a28fa60149770a0d11ec6c92319d6ceb2bb0a4ea1a15",
                [("user", "address", True), ("pid", "uint256", True), ("amount", "uint256", False)]),
    "Withdraw": ("0xf279e6a1f5e320cca91135676d9cb6e44ca8a08c0b88342bcdb1144f6511b568",
                 [("user", "address", True), ("pid", "uint256", True), ("amount", "uint256", False)]),
    "EmergencyWithdraw": ("0x2369db1bafee945aee5630782f4a170682e3f8188d8dc247a4c73eb8c9e692d2",
                          [("user", "address", True), ("pid", "uint256", True), ("amount", "uint256", False),
                           ("owed", "uint256", False)]),
    "Harvest": ("0x71bab65ced2e5750775a0613be067df48ef06cf92a496ebf7663ae0660924954",
                [("user", "address", True), ("pid", "uint256", True), ("amount", "uint256", False)]),
}
POOL_EVENT_NAMES = ("Mint", "Burn", "Swap", "Sync", "Transfer")
FARM_EVENT_NAMES = ("PoolAdded", "AllocPointSet", "FunderSet", "Funded", "ScheduleUpdated", "RewardsCarried",
                    "Deposit", "Withdraw", "EmergencyWithdraw", "Harvest")
TOPICS = {EVENTS[name][0]: name for name in POOL_EVENT_NAMES}
FARM_TOPICS = {EVENTS[name][0]: name for name in FARM_EVENT_NAMES}

SELECTORS = {
    "fee": "0xddca3f43",
    "token0": "0x0dfe1681",
    "token1": "0xd21220a7",
    "getReserves": "0x0902f1ac",
    "totalSupply": "0x18160ddd",
    "balanceOf": "0x70a08231",
    "kLast": "0x7464fc3d",
}
FARM_SELECTORS = {
    "rewardToken": "0xf7c618c1",
    "totalFunded": "0xad044f49",
    "totalPaid": "0xe7b0f666",
    "carried": "0x5518e7f8",
    "ratePerPoint": "0xa3436ae9",
    "periodEnd": "0x506ec095",
    "totalAllocPoint": "0x17caf6f1",
    "poolLength": "0x081e3eda",
}


class FetchError(RuntimeError):
    """The node could not give what the audit needs."""


class RpcError(RuntimeError):
    """An error answer to a JSON-RPC request."""


class HttpRpc:
    """``request(method, params)`` over HTTP JSON-RPC (stdlib only)."""

    def __init__(self, uri, timeout=60):
        self.uri = uri
        self.timeout = timeout
        self._ids = itertools.count(1)

    def __call__(self, method, params):
        body = json.dumps({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}).encode()
        req = urllib.request.Request(self.uri, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                reply = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            raise RpcError(f"{method}: HTTP {exc.code}") from None
        if "error" in reply:
            error = reply["error"]
            raise RpcError(error.get("message", str(error)) if isinstance(error, dict) else str(error))
        return reply["result"]


def _address(topic):
    return "0x" + topic[-40:]


def decode_log(raw, topics=None):
    """An engine Event from a raw JSON-RPC log; None for an event not in ``topics`` (default: the pool's)."""
    names = TOPICS if topics is None else topics
    log_topics = raw["topics"]
    name = names.get(log_topics[0].lower()) if log_topics else None
    if name is None:
        return None
    fields = EVENTS[name][1]
    n_topics = 1 + sum(1 for f in fields if f[2])
    n_words = len(fields) + 1 - n_topics
    data = raw["data"]
    if len(log_topics) != n_topics or len(data) != 2 + 64 * n_words:
        raise FetchError(f"log {raw.get('logIndex')} of block {raw.get('blockNumber')}: a {name} of unexpected shape")
    args = {}
    t = w = 0
    for arg, kind, indexed in fields:
        if indexed:
            t += 1
            word = log_topics[t]
        else:
            word = data[2 + 64 * w: 66 + 64 * w]
            w += 1
        if kind == "address":
            args[arg] = _address(word)
        elif kind == "bool":
            args[arg] = int(word, 16) != 0
        else:
            args[arg] = int(word, 16)
    timestamp = raw.get("blockTimestamp")
    return Event(int(raw["blockNumber"], 16), raw["transactionHash"], int(raw["logIndex"], 16),
                 raw["address"].lower(), name, args, 0, int(timestamp, 16) if timestamp else None)


def fetch_logs(get_logs, from_block, to_block, *, chunk=2000, max_chunk=100_000, retries=4, backoff=0.5,
               sleep=time.sleep, on_range=None):
    """Raw logs of blocks ``from_block..to_block`` in order, asking ``get_logs(lo, hi)`` for chunks.

    A failing range is halved until it is one block; a failing single block is retried ``retries``
    times with exponential back-off, then FetchError.  After 4 successes in a row the range doubles
    (up to ``max_chunk``).  ``on_range(lo, hi, n_logs)`` is called after each fetched range.
    """
    lo, size, failures, streak = from_block, max(1, chunk), 0, 0
    while lo <= to_block:
        hi = min(to_block, lo + size - 1)
        try:
            logs = get_logs(lo, hi)
        except Exception as exc:  # noqa: BLE001 - nodes refuse ranges with all sorts of errors
            streak = 0
            if hi > lo:
                size = max(1, (hi - lo + 1) // 2)
                continue
            failures += 1
            if failures > retries:
                raise FetchError(f"eth_getLogs failed for block {lo} after {retries} retries: {exc}") from None
            sleep(backoff * 2 ** (failures - 1))
            continue
        failures = 0
        logs = [log for log in logs if not log.get("removed")]
        logs.sort(key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))
        yield from logs
        if on_range is not None:
            on_range(lo, hi, len(logs))
        lo = hi + 1
        streak += 1
        if streak >= 4 and size < max_chunk:
            size, streak = min(max_chunk, size * 2), 0


class Node:
    """A contract's view functions and logs through ``request``."""

    def __init__(self, request, address):
        self.request = request
        self.address = address.lower()
        self._timestamps = {}

    @property
    def pool(self):
        return self.address

    def block_number(self):
        return int(self.request("eth_blockNumber", []), 16)

    def chain_id(self):
        try:
            return int(self.request("eth_chainId", []), 16)
        except Exception:  # noqa: BLE001
            return None

    def timestamp(self, block):
        """The block's timestamp (cached for the last few blocks asked)."""
        found = self._timestamps.get(block)
        if found is None:
            header = self.request("eth_getBlockByNumber", [hex(block), False])
            if not header:
                raise FetchError(f"the node has no block {block}")
            found = int(header["timestamp"], 16)
            if len(self._timestamps) > 1024:
                self._timestamps.clear()
            self._timestamps[block] = found
        return found

    def call(self, selector, block, arg_address=None):
        data = selector + ("" if arg_address is None else arg_address.lower()[2:].rjust(64, "0"))
        out = self.request("eth_call", [{"to": self.address, "data": data}, hex(block)])
        if not isinstance(out, str) or len(out) < 66:
            raise FetchError(f"{selector} returned {out!r}")
        return out

    def word(self, selector, block, index=0, arg_address=None):
        out = self.call(selector, block, arg_address)
        return int(out[2 + 64 * index: 66 + 64 * index], 16)

    def fee(self, block):
        """fee() in bps, or None when the pool has none (a Uniswap V2 pair)."""
        try:
            return self.word(SELECTORS["fee"], block)
        except Exception:  # noqa: BLE001
            return None

    def token(self, which, block):
        try:
            return "0x" + self.call(SELECTORS.get(which) or FARM_SELECTORS[which], block)[-40:]
        except Exception:  # noqa: BLE001
            return None

    def has_code(self, block):
        return self.request("eth_getCode", [self.address, hex(block)]) not in ("0x", "0x0", None)

    def state(self, block):
        """PoolState as of the end of ``block``; raises when the node cannot serve that block's state."""
        if not self.has_code(block):
            return PoolState(block=block)
        reserves = self.call(SELECTORS["getReserves"], block)
        try:
            k_last = self.word(SELECTORS["kLast"], block)
        except Exception:  # noqa: BLE001 - a pair without kLast: unknown
            k_last = None
        return PoolState(
            reserve0=int(reserves[2:66], 16), reserve1=int(reserves[66:130], 16),
            total_supply=self.word(SELECTORS["totalSupply"], block),
            pool_lp=self.word(SELECTORS["balanceOf"], block, arg_address=self.address),
            k_last=k_last, block=block,
        )

    def farm_state(self, block):
        """The farm's totals and schedule at ``block`` (dict keyed by view name, plus ``block``)."""
        out = {name: self.word(selector, block) for name, selector in FARM_SELECTORS.items() if name != "rewardToken"}
        out["block"] = block
        return out

    def creation_block(self, latest):
        """First block with the contract's code (binary search over eth_getCode); 0 if history is unavailable."""
        try:
            if not self.has_code(latest):
                raise FetchError(f"no contract at {self.address} at block {latest}")
            lo, hi = 0, latest
            while lo < hi:
                mid = (lo + hi) // 2
                if self.has_code(mid):
                    hi = mid
                else:
                    lo = mid + 1
            return lo
        except FetchError:
            raise
        except Exception:  # noqa: BLE001 - a pruned node: scan from genesis
            return 0

    def get_logs(self, lo, hi, topics=None):
        return self.request("eth_getLogs", [{
            "address": self.address, "fromBlock": hex(lo), "toBlock": hex(hi),
            "topics": [list(TOPICS if topics is None else topics)],
        }])


@dataclass
class AuditRun:
    """What ``audit_pool`` did: the verdict, the block range, and notes on how the state was obtained."""

    verdict: object
    from_block: int
    to_block: int
    fee_bps: int
    events_fetched: int = 0
    notes: list = field(default_factory=list)


def audit_pool(request, pool, *, from_block=None, to_block=None, fee_bps=None, save_log=None, chunk=2000,
               max_chunk=100_000, max_divergences=1, on_swap=None, on_range=None, sleep=time.sleep):
    """Fetch the pool's events and audit them; returns an AuditRun.  Raises FetchError.

    ``from_block`` None: from the pool's creation.  ``to_block`` None: the latest block.  ``save_log``:
    also write every fetched event to that file (the whole range, even past a divergence).
    """
    node = Node(request, pool)
    latest = node.block_number()
    to = latest if to_block is None else to_block
    if to > latest:
        raise FetchError(f"--to-block {to} is beyond the latest block {latest}")
    notes = []
    if not node.has_code(latest):
        raise FetchError(f"no contract at {pool} (block {latest})")
    fee = fee_bps
    if fee is None:
        fee = node.fee(latest)
        if fee is None:
            raise FetchError("the pool has no fee(): pass --fee-bps (30 for a Uniswap V2 pair)")
    start, check_from, scan_from = None, None, from_block
    if from_block is None:
        scan_from = node.creation_block(latest)
    elif from_block > 0:
        try:
            start = node.state(from_block - 1)
        except Exception as exc:  # noqa: BLE001 - no history at that block
            scan_from = node.creation_block(latest)
            check_from = from_block
            start = None
            notes.append(f"the node has no state at block {from_block - 1} ({_first_line(exc)}); events from "
                         f"block {scan_from} are replayed unchecked up to block {from_block}")
    if to < scan_from:
        raise FetchError(f"block range {scan_from}..{to} is empty")
    try:
        end = node.state(to)
    except Exception as exc:  # noqa: BLE001
        end = None
        notes.append(f"the node has no state at block {to} ({_first_line(exc)}): final state not compared")
    auditor = PoolAuditor(pool, fee, start, check_from=check_from, max_divergences=max_divergences,
                          on_swap=on_swap)
    writer = None
    if save_log:
        writer = LogWriter(save_log, pool=node.address, fee_bps=fee, from_block=scan_from, to_block=to,
                           start=start, chain_id=node.chain_id(), token0=node.token("token0", to),
                           token1=node.token("token1", to))
    run = AuditRun(None, scan_from if check_from is None else check_from, to, fee, notes=notes)
    stopped = False
    try:
        for raw in fetch_logs(node.get_logs, scan_from, to, chunk=chunk, max_chunk=max_chunk, sleep=sleep,
                              on_range=on_range):
            ev = decode_log(raw)
            if ev is None or ev.address != node.address:
                continue
            run.events_fetched += 1
            if writer is not None:
                writer.write(ev)
            if not stopped:
                try:
                    auditor.feed(ev)
                except _Stop:
                    stopped = True
                    if writer is None:
                        break
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        writer.close(end)
    run.verdict = auditor.finish(stopped=True) if stopped else auditor.finish(end, to)
    return run


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]


def audit_farm(request, farm, *, to_block=None, save_log=None, chunk=2000, max_chunk=100_000, max_divergences=1,
               on_range=None, sleep=time.sleep):
    """Fetch a Farm's events (with block timestamps) from its creation and audit them; returns an AuditRun."""
    from .farm import audit_farm_events

    node = Node(request, farm)
    latest = node.block_number()
    to = latest if to_block is None else to_block
    if to > latest:
        raise FetchError(f"--to-block {to} is beyond the latest block {latest}")
    if not node.has_code(latest):
        raise FetchError(f"no contract at {farm} (block {latest})")
    reward = node.token("rewardToken", latest)
    if reward is None:
        raise FetchError(f"{farm} has no rewardToken(): not a Farm")
    notes = []
    scan_from = node.creation_block(latest)
    try:
        end = node.farm_state(to)
    except Exception as exc:  # noqa: BLE001
        end = None
        notes.append(f"the node has no state at block {to} ({_first_line(exc)}): final totals not compared")
    writer = None
    if save_log:
        writer = LogWriter(save_log, pool=None, farm=node.address, reward_token=reward, fee_bps=None,
                           from_block=scan_from, to_block=to, chain_id=node.chain_id())
    run = AuditRun(None, scan_from, to, None, notes=notes)

    def events():
        for raw in fetch_logs(lambda lo, hi: node.get_logs(lo, hi, FARM_TOPICS), scan_from, to, chunk=chunk,
                              max_chunk=max_chunk, sleep=sleep, on_range=on_range):
            ev = decode_log(raw, FARM_TOPICS)
            if ev is None or ev.address != node.address:
                continue
            if ev.timestamp is None:
                ev.timestamp = node.timestamp(ev.block)
            run.events_fetched += 1
            if writer is not None:
                writer.write(ev)
            yield ev

    try:
        stream = events()
        run.verdict = audit_farm_events(stream, node.address, reward, end=end, through_block=to,
                                        max_divergences=max_divergences)
        if writer is not None:
            for _ in stream:  # the whole range goes to the log, even past a divergence
                pass
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        writer.close(end)
    return run
