"""The LP report behind `ape run report` (scripts/report.py): for every position of an account (pool LP
held in the wallet and staked in the farm) what was deposited, what it is worth now, what holding the
tokens instead would be worth, the impermanent loss, the fees and farm rewards earned, and the APRs -- as
rich tables and PNG plots in reports/.

    ape run report --network ethereum:local:foundry --address 0x...
    ape run report --network http://127.0.0.1:8545 --account ALIAS      (TEST::0 for a test account)

Importable: ``build_report(addresses, ...)`` (``from scripts._report import build_report``, also re-exported
by scripts/report.py) runs the same report inside another script, e.g. at the end of the demo.

Where the numbers come from
---------------------------
* Contract addresses: the deploy manifest ``deployments/<chain-id>.json`` (``--manifest`` overrides).
* History: the pools' Transfer/Mint/Burn/Sync logs and the farm's logs (eth_getLogs), replayed in
  order: LP supply from mints and burns, reserves from Sync, the account's lots (one per Mint to it or
  LP transfer in, with the Mint's amounts as the HODL basis), removals (LP sent to the pool to burn or
  to anyone else) realise their share of fees and IL at that moment, and the farm pool's accumulator
  (python_model.farm.accrue) gives the account's rewards at every moment.
* Now: eth_call at the head block -- reserves, balances, kLast and feeTo give the exact burn amounts
  (python_model.analytics.burn_amounts); the replay is checked against these reads.
* Values are in the pool's token1 at the pool's mid price (reserve1/reserve0).  Rewards are priced in
  token1 through the manifest's pools (mid prices along the shortest path); without a path reward APRs
  are n/a.  All arithmetic is exact (python_model.analytics); floats appear only in tables and plots.

Bad input (no manifest, an unknown alias, not an address, no positions) ends with one line and exit 1.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import is_address, keccak, to_checksum_address

from python_model import analytics as A
from python_model.farm import ACC_PRECISION, PoolInfo, UserInfo, accrual, accrue

ROOT = Path(__file__).resolve().parents[1]
ZERO = "0x0000000000000000000000000000000000000000"
LOG_STEP = 50_000  # blocks per eth_getLogs request


class ReportError(Exception):
    """Bad input or an unusable chain: the message is the one line the user sees."""


# --- JSON-RPC: calls and logs ---------------------------------------------------------------------

def _selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def _topic(signature: str) -> str:
    return "0x" + keccak(text=signature).hex()


@dataclass(frozen=True)
class EventSpec:
    name: str
    signature: str
    fields: tuple  # (name, abi type, indexed)

    @property
    def topic(self) -> str:
        return _topic(self.signature)

    def decode(self, log: dict) -> dict:
        topics = log["topics"][1:]
        out, i = {}, 0
        data_fields = [(n, t) for n, t, ix in self.fields if not ix]
        for name, kind, indexed in self.fields:
            if indexed:
                word = bytes.fromhex(topics[i][2:])
                out[name] = to_checksum_address(word[12:]) if kind == "address" else int.from_bytes(word, "big")
                i += 1
        values = abi_decode([t for _, t in data_fields], bytes.fromhex(log["data"][2:]))
        out.update(zip((n for n, _ in data_fields), values))
        return out


def _event(signature: str, *names_indexed) -> EventSpec:
    types = signature[signature.index("(") + 1 : -1].split(",")
    fields = tuple((n, t, ix) for (n, ix), t in zip(names_indexed, types))
    return EventSpec(signature[: signature.index("(")], signature, fields)


POOL_EVENTS = [
    _event("Transfer(address,address,uint256)", ("from", True), ("to", True), ("amount", False)),
    _event("Mint(address,uint256,uint256)", ("sender", True), ("amount0", False), ("amount1", False)),
    _event("Burn(address,uint256,uint256,address)",
           ("sender", True), ("amount0", False), ("amount1", False), ("to", True)),
    _event("Sync(uint112,uint112)", ("reserve0", False), ("reserve1", False)),
]
FARM_EVENTS = [
    _event("PoolAdded(uint256,address,uint256)", ("pid", True), ("lpToken", True), ("allocPoint", False)),
    _event("AllocPointSet(uint256,uint256)", ("pid", True), ("allocPoint", False)),
    _event("ScheduleUpdated(uint256,uint256,uint256)",
           ("ratePerPoint", False), ("periodEnd", False), ("carried", False)),
    _event("Deposit(address,uint256,uint256)", ("user", True), ("pid", True), ("amount", False)),
    _event("Withdraw(address,uint256,uint256)", ("user", True), ("pid", True), ("amount", False)),
    _event("EmergencyWithdraw(address,uint256,uint256,uint256)",
           ("user", True), ("pid", True), ("amount", False), ("owed", False)),
    _event("Harvest(address,uint256,uint256)", ("user", True), ("pid", True), ("amount", False)),
]


@dataclass(frozen=True)
class Log:
    """One decoded log, ordered by (block, index)."""

    block: int
    index: int
    tx: str
    timestamp: int
    address: str
    name: str
    args: dict


class Rpc:
    """The few JSON-RPC reads the report needs, over ``request(method, params) -> result``."""

    def __init__(self, request):
        self.request = request
        self._timestamps: dict[int, int] = {}
        self.head = int(request("eth_blockNumber", []), 16)
        self.head_timestamp = self.timestamp(self.head)

    def chain_id(self) -> int:
        return int(self.request("eth_chainId", []), 16)

    def code(self, address: str) -> bytes:
        return bytes.fromhex(self.request("eth_getCode", [address, hex(self.head)])[2:])

    def call(self, to: str, signature: str, args=(), returns=("uint256",)):
        """eth_call of ``signature`` at the head block; one value or a tuple."""
        types = signature[signature.index("(") + 1 : -1]
        data = _selector(signature) + (abi_encode(types.split(","), list(args)) if types else b"")
        raw = self.request("eth_call", [{"to": to, "data": "0x" + data.hex()}, hex(self.head)])
        out = bytes.fromhex(raw[2:])
        if not out:
            raise ReportError(f"{signature} returned nothing at {to}: not the contract the manifest says")
        values = abi_decode(list(returns), out)
        values = [to_checksum_address(v) if t == "address" else v for v, t in zip(values, returns)]
        return values[0] if len(values) == 1 else tuple(values)

    def timestamp(self, block: int) -> int:
        if block not in self._timestamps:
            header = self.request("eth_getBlockByNumber", [hex(block), False])
            self._timestamps[block] = int(header["timestamp"], 16)
        return self._timestamps[block]

    def logs(self, address: str, specs, start: int = 0) -> list[Log]:
        by_topic = {spec.topic: spec for spec in specs}
        out = []
        for lo in range(start, self.head + 1, LOG_STEP):
            hi = min(self.head, lo + LOG_STEP - 1)
            query = {"address": address, "fromBlock": hex(lo), "toBlock": hex(hi), "topics": [list(by_topic)]}
            for raw in self.request("eth_getLogs", [query]):
                spec = by_topic[raw["topics"][0]]
                block = int(raw["blockNumber"], 16)
                if raw.get("blockTimestamp"):
                    self._timestamps.setdefault(block, int(raw["blockTimestamp"], 16))
                out.append(Log(block, int(raw["logIndex"], 16), raw["transactionHash"], self.timestamp(block),
                               to_checksum_address(raw["address"]), spec.name, spec.decode(raw)))
        return out


def ape_request():
    """``request(method, params)`` over the connected Ape provider."""
    from ape import chain

    return chain.provider.make_request


# --- the manifest ---------------------------------------------------------------------------------

@dataclass
class Manifest:
    path: Path
    chain_id: int
    contracts: dict  # name -> address

    @property
    def pools(self) -> dict:
        """'Pool:<SYMA>/<SYMB>/<fee>' entries: name -> address."""
        return {name: address for name, address in self.contracts.items() if name.startswith("Pool:")}


def load_manifest(chain_id: int, path: Path | None = None, deployments: Path | None = None) -> Manifest:
    """``path``, else ``deployments``/<chain_id>.json (deployments/ by default); ReportError if unusable."""
    path = Path(path) if path else Path(deployments or ROOT / "deployments") / f"{chain_id}.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ReportError(f"no deploy manifest at {path} (chain {chain_id}): run `ape run deploy` first") from None
    except (OSError, ValueError) as exc:
        raise ReportError(f"unreadable deploy manifest {path}: {exc}") from None
    try:
        contracts = {name: to_checksum_address(entry["address"]) for name, entry in data["contracts"].items()}
        manifest_chain = int(data.get("chain_id", chain_id))
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"deploy manifest {path} is malformed ({exc!r})") from None
    if manifest_chain != chain_id:
        raise ReportError(f"deploy manifest {path} is for chain {manifest_chain}, connected to chain {chain_id}")
    return Manifest(path, chain_id, contracts)


# --- replaying a position ----------------------------------------------------------------------------

@dataclass
class Sample:
    """The position at one moment (values in raw token1 at that moment's pool price)."""

    timestamp: int
    reserve0: int
    reserve1: int
    supply: int
    fees: Fraction  # realised + unrealised fees earned so far
    il: Fraction  # realised + unrealised impermanent loss so far (<= 0)
    rewards: int  # reward wei earned so far (paid + pending)


@dataclass
class History:
    """A position rebuilt from the logs."""

    lots: list = field(default_factory=list)
    held: int = 0  # LP in the wallet and staked
    staked: int = 0
    supply: int = 0
    reserve0: int = 0
    reserve1: int = 0
    deposits: list = field(default_factory=list)  # (timestamp, amount0, amount1, liquidity, price after)
    removals: list = field(default_factory=list)  # (timestamp, liquidity, kind, amount0, amount1)
    realised_fees: Fraction = Fraction(0)
    realised_il: Fraction = Fraction(0)
    syncs: list = field(default_factory=list)  # (timestamp, reserve0, reserve1)
    samples: list = field(default_factory=list)
    farm: "FarmReplay | None" = None


class FarmReplay:
    """One farm pool and one staker, replayed from the farm's logs with the model's accumulator."""

    def __init__(self, pid: int, user: str):
        self.pid, self.user = pid, user
        self.info: PoolInfo | None = None
        self.rate = self.period_end = 0
        self.user_info = UserInfo()
        self.paid = 0

    def _settle(self, timestamp: int) -> None:
        if self.info is not None:
            self.info, _ = accrue(self.info, self.rate, self.period_end, timestamp)

    def apply(self, log: Log) -> None:
        self._settle(log.timestamp)  # the contract settles before any change (path-independent)
        a = log.args
        if log.name == "ScheduleUpdated":
            self.rate, self.period_end = a["ratePerPoint"], a["periodEnd"]
            return
        if a.get("pid") != self.pid:
            return
        if log.name == "PoolAdded":
            self.info = PoolInfo(a["lpToken"], a["allocPoint"], log.timestamp, 0, 0, 0)
        elif self.info is None:
            return  # logs before the pool's PoolAdded are missing: the pending check will say so
        elif log.name == "AllocPointSet":
            self.info = self.info._replace(alloc_point=a["allocPoint"])
        elif log.name in ("Deposit", "Withdraw", "EmergencyWithdraw"):
            sign = 1 if log.name == "Deposit" else -1
            self.info = self.info._replace(total_staked=self.info.total_staked + sign * a["amount"])
            if a["user"] == self.user:
                amount, debt = self.user_info
                debt = (debt + sign * a["amount"] * self.info.acc_reward_per_share) % 2**256
                self.user_info = UserInfo(amount + sign * a["amount"], debt)
        elif log.name == "Harvest" and a["user"] == self.user:
            amount, debt = self.user_info
            self.user_info = UserInfo(amount, (debt + a["amount"] * ACC_PRECISION) % 2**256)
            self.paid += a["amount"]

    def pending(self, timestamp: int) -> int:
        """pendingReward at ``timestamp`` (rounded down, as the contract)."""
        if self.info is None:
            return 0
        info, _ = accrue(self.info, self.rate, self.period_end, timestamp)
        return accrual(self.user_info, info.acc_reward_per_share) // ACC_PRECISION

    def earned(self, timestamp: int) -> int:
        return self.paid + self.pending(timestamp)


def replay(pool: str, user: str, pool_logs, farm: str | None = None, farm_logs=(), pid: int | None = None,
           until: int | None = None, points: int = 120) -> History:
    """Rebuild ``user``'s position in ``pool`` from the pool's (and the farm's) logs, in chain order.

    LP minted to the user is first booked at what it stands for (a pro-rata lot); when the tx's Mint event
    follows and that mint was the tx's last one from address(0) -- the depositor's, after any protocol
    fee -- the lot is re-booked at the pool state after the mint with the Mint's amounts as its basis.
    Samples are taken after every Sync and farm event while the position holds LP, and at ``points``
    evenly spaced moments from the first LP received to ``until`` (rewards accrue between events).
    """
    h = History()
    if farm is not None and pid is not None:
        h.farm = FarmReplay(pid, user)
    logs = sorted(list(pool_logs) + list(farm_logs), key=lambda log: (log.block, log.index))
    received = [log.timestamp for log in logs
                if log.address == pool and log.name == "Transfer" and log.args["to"] == user]
    grid = deque()
    if received and until is not None and until > received[0]:
        grid.extend(received[0] + (until - received[0]) * i // points for i in range(1, points))
    last_mint = None  # (tx, recipient, liquidity, index of its provisional lot)
    burned: dict[str, int] = {}  # tx -> LP the pool burned
    sent_to_pool = 0  # LP the user sent to the pool, waiting for a burn
    for log in logs:
        while grid and grid[0] < log.timestamp:
            moment = grid.popleft()
            if h.lots:
                h.samples.append(_sample(h, moment))
        a = log.args
        if log.address != pool:
            if h.farm is not None:
                h.farm.apply(log)
                if h.lots:
                    h.samples.append(_sample(h, log.timestamp))
            continue
        if log.name == "Transfer":
            frm, to, amount = a["from"], a["to"], a["amount"]
            if frm == ZERO:
                h.supply += amount  # a mint (MINIMUM_LIQUIDITY goes to address(0) itself)
                last_mint = (log.tx, to, amount, len(h.lots) if to == user else None)
            elif to == ZERO:
                h.supply -= amount
                if frm == pool:
                    burned[log.tx] = burned.get(log.tx, 0) + amount
            if frm == to or amount == 0:
                continue
            if farm is not None and {frm, to} == {user, farm}:
                h.staked += amount if to == farm else -amount
            elif to == user:
                h.lots.append(A.lot_at(amount, h.reserve0, h.reserve1, h.supply, log.timestamp))
                h.held += amount
            elif frm == user:
                _remove(h, amount, log.timestamp, "burn" if to == pool else "transfer")
                if to == pool:
                    sent_to_pool += amount
        elif log.name == "Sync":
            h.reserve0, h.reserve1 = a["reserve0"], a["reserve1"]
            h.syncs.append((log.timestamp, h.reserve0, h.reserve1))
        elif log.name == "Mint" and last_mint and last_mint[0] == log.tx and last_mint[3] is not None:
            _, _, liquidity, index = last_mint
            amounts = (a["amount0"], a["amount1"])
            h.lots[index] = A.lot_at(liquidity, h.reserve0, h.reserve1, h.supply, log.timestamp, amounts)
            h.deposits.append((log.timestamp, *amounts, liquidity, A.pool_price(h.reserve0, h.reserve1)))
            last_mint = None
            h.samples.append(_sample(h, log.timestamp))
        elif log.name == "Burn" and sent_to_pool and burned.get(log.tx):
            mine = min(sent_to_pool, burned[log.tx])
            sent_to_pool -= mine
            share = Fraction(mine, burned.pop(log.tx))
            h.removals.append((log.timestamp, mine, "burned", a["amount0"] * share, a["amount1"] * share))
        if log.name == "Sync" and h.lots and not (last_mint and last_mint[0] == log.tx and last_mint[3] is not None):
            h.samples.append(_sample(h, log.timestamp))  # (a Sync inside the user's mint waits for the Mint)
    while grid and h.lots:
        h.samples.append(_sample(h, grid.popleft()))
    return h


def _remove(h: History, amount: int, timestamp: int, kind: str) -> None:
    """``amount`` LP leave the position: they realise their share of its fees and IL now."""
    if h.lots and h.reserve0 and h.supply:
        part = Fraction(amount, h.held)
        split = A.attribute(h.held, h.reserve0, h.reserve1, h.supply, h.lots)
        h.realised_fees += part * split.fees
        h.realised_il += part * split.il
        h.lots = A.scale_lots(h.lots, h.held - amount, h.held) if amount < h.held else []
    h.held -= amount
    if kind == "transfer":
        amount0, amount1 = A.pro_rata_amounts(amount, h.reserve0, h.reserve1, h.supply) if h.supply else (0, 0)
        h.removals.append((timestamp, amount, kind, amount0, amount1))


def _sample(h: History, timestamp: int, supply: int | None = None) -> Sample:
    split = A.attribute(h.held, h.reserve0, h.reserve1, supply or h.supply, h.lots)
    rewards = h.farm.earned(timestamp) if h.farm else 0
    return Sample(timestamp, h.reserve0, h.reserve1, supply or h.supply,
                  h.realised_fees + split.fees, h.realised_il + split.il, rewards)


# --- one position now ---------------------------------------------------------------------------------

@dataclass
class Position:
    name: str  # the manifest's name, e.g. Pool:T6/T18/30
    pool: str
    symbols: tuple
    decimals: tuple
    fee_bps: int
    wallet: int
    staked: int
    liquidity: int
    supply: int  # effective: after the pending protocol fee
    reserves: tuple
    burn: tuple  # exact tokens a burn of the whole position pays now
    value: Fraction  # the burn amounts at the pool price
    split: A.Attribution
    price: Fraction
    entry: Fraction | None
    closed_form_il: Fraction | None
    deposited: tuple  # all-time deposits (amount0, amount1)
    deposited_value: Fraction  # at the prices of the day
    basis: tuple
    fees_realised: Fraction
    fees_total: Fraction
    fee_tokens: tuple
    window: int
    fee_apr: Fraction | None
    fee_apy: Fraction | None
    reward_symbol: str | None
    reward_decimals: int
    rewards_paid: int
    rewards_pending: int
    reward_price: Fraction | None
    reward_apr: Fraction | None
    history: History
    warnings: list

    @property
    def slug(self) -> str:
        return self.name.replace("Pool:", "").replace("/", "-")


@dataclass
class Report:
    positions: dict  # address -> [Position]
    files: list


def _token_meta(rpc: Rpc, address: str, cache: dict) -> tuple:
    if address not in cache:
        try:
            symbol = rpc.call(address, "symbol()", returns=("string",))
        except Exception:  # noqa: BLE001 - a token without a string symbol: show its address
            symbol = address[:8]
        cache[address] = (symbol, rpc.call(address, "decimals()", returns=("uint8",)))
    return cache[address]


def _price_graph(rpc: Rpc, manifest: Manifest) -> dict:
    """token -> {other token: price of token in other (mid price, the deepest pool per pair)}."""
    best: dict = {}
    for address in manifest.pools.values():
        t0 = rpc.call(address, "token0()", returns=("address",))
        t1 = rpc.call(address, "token1()", returns=("address",))
        r0, r1, _ = rpc.call(address, "getReserves()", returns=("uint112", "uint112", "uint32"))
        if r0 and r1 and r0 * r1 > best.get((t0, t1), (0, 0))[0]:
            best[(t0, t1)] = (r0 * r1, Fraction(r1, r0))
    graph: dict = {}
    for (t0, t1), (_, price) in best.items():
        graph.setdefault(t0, {})[t1] = price
        graph.setdefault(t1, {})[t0] = 1 / price
    return graph


def convert_price(graph: dict, base: str, quote: str) -> Fraction | None:
    """Raw ``quote`` per raw ``base`` along the fewest pool hops (exact product of mid prices), or None."""
    if base == quote:
        return Fraction(1)
    seen, todo = {base: Fraction(1)}, deque([base])
    while todo:
        token = todo.popleft()
        for other, price in graph.get(token, {}).items():
            if other not in seen:
                seen[other] = seen[token] * price
                if other == quote:
                    return seen[other]
                todo.append(other)
    return None


def _price_reward(rpc: Rpc, manifest: Manifest, ctx: dict, reward_price: str) -> None:
    """Puts a given reward price ("0.25 dUSD" or "0.25:dUSD") into the price graph, replacing any path."""
    amount, _, symbol = reward_price.replace(":", " ").strip().partition(" ")
    try:
        price = Fraction(amount)
    except (ValueError, ZeroDivisionError):
        raise ReportError(f"--reward-price {reward_price!r}: give it as AMOUNT SYMBOL, e.g. '0.25 dUSD'") from None
    tokens = {t for pool in manifest.pools.values() for t in (rpc.call(pool, "token0()", returns=("address",)),
                                                               rpc.call(pool, "token1()", returns=("address",)))}
    by_symbol = {_token_meta(rpc, t, ctx["tokens"])[0]: t for t in tokens}
    if symbol.strip() not in by_symbol:
        known = ", ".join(sorted(by_symbol))
        raise ReportError(f"--reward-price {reward_price!r}: no pool token with symbol {symbol.strip()!r} ({known})")
    quote = by_symbol[symbol.strip()]
    reward = ctx["reward_token"]
    raw = price * 10 ** _token_meta(rpc, quote, ctx["tokens"])[1] / 10 ** _token_meta(rpc, reward, ctx["tokens"])[1]
    graph = ctx["graph"]
    graph[reward] = {quote: raw}  # the given price wins over any pool path
    graph.setdefault(quote, {})[reward] = 1 / raw


def analyse_position(rpc: Rpc, manifest: Manifest, name: str, pool: str, user: str, ctx: dict) -> Position | None:
    """The position of ``user`` in ``pool`` now, or None when it holds no LP there."""
    farm, tokens = ctx["farm"], ctx["tokens"]
    wallet = rpc.call(pool, "balanceOf(address)", (user,))
    pid = staked = None
    if farm:
        exists, found = rpc.call(farm, "poolIdOf(address)", (pool,), ("bool", "uint256"))
        if exists:
            pid = found
            staked, _ = rpc.call(farm, "userInfo(uint256,address)", (pid, user), ("uint256", "uint256"))
    staked = staked or 0
    if wallet + staked == 0:
        return None
    warnings = []
    t0 = rpc.call(pool, "token0()", returns=("address",))
    t1 = rpc.call(pool, "token1()", returns=("address",))
    (s0, d0), (s1, d1) = _token_meta(rpc, t0, tokens), _token_meta(rpc, t1, tokens)
    fee_bps = rpc.call(pool, "fee()", returns=("uint16",))
    r0, r1, _ = rpc.call(pool, "getReserves()", returns=("uint112", "uint112", "uint32"))
    total_supply = rpc.call(pool, "totalSupply()")
    k_last = rpc.call(pool, "kLast()")
    factory = rpc.call(pool, "factory()", returns=("address",))
    fee_on = rpc.call(factory, "feeTo()", returns=("address",)) != ZERO
    balance0 = rpc.call(t0, "balanceOf(address)", (pool,))
    balance1 = rpc.call(t1, "balanceOf(address)", (pool,))
    supply = A.effective_supply(total_supply, r0, r1, k_last, fee_on)
    liquidity = wallet + staked
    burn = A.burn_amounts(liquidity, balance0, balance1, total_supply, r0, r1, k_last, fee_on)
    price = A.pool_price(r0, r1)
    now = rpc.head_timestamp

    start = ctx["starts"].get(name, 0)
    farm_logs = ctx["farm_logs"] if pid is not None else ()
    if pool not in ctx["pool_logs"]:
        ctx["pool_logs"][pool] = rpc.logs(pool, POOL_EVENTS, start)
    h = replay(pool, user, ctx["pool_logs"][pool], farm, farm_logs, pid, until=now)
    if (h.reserve0, h.reserve1, h.supply) != (r0, r1, total_supply):
        warnings.append("the pool's logs do not rebuild its current state: history before the manifest's block"
                        " is missing")
    if h.held != liquidity:
        warnings.append(f"the logs account for {h.held} LP of the {liquidity} held: the basis covers the logged"
                        " part only")
        if h.held > 0:
            h.lots = A.scale_lots(h.lots, liquidity, h.held)
        else:
            h.lots = [A.lot_at(liquidity, r0, r1, total_supply, now)]
        h.held = liquidity
    h.reserve0, h.reserve1, h.supply = r0, r1, total_supply
    h.samples.append(_sample(h, now, supply))

    split = A.attribute(liquidity, r0, r1, supply, h.lots)
    basis0, basis1 = A.basis(h.lots)
    entry = A.entry_price(h.lots) if basis0 > 0 else None
    closed_form = A.impermanent_loss(price / entry) if entry else None
    window = now - _weighted_entry(h.lots, price)
    fee_apr = fee_apy = None
    if window > 0 and split.no_fee > 0:
        fee_apr = A.fee_apr(split.fees, split.no_fee, window)
        fee_apy = A.apr_to_apy(fee_apr, 365)

    reward_symbol, reward_decimals, paid, pending, reward_price, reward_apr = None, 0, 0, 0, None, None
    if pid is not None:
        reward = ctx["reward_token"]
        reward_symbol, reward_decimals = _token_meta(rpc, reward, tokens)
        pending = rpc.call(farm, "pendingReward(uint256,address)", (pid, user))
        paid = h.farm.paid
        if h.farm.pending(now) != pending:
            warnings.append(f"replayed pending reward {h.farm.pending(now)} differs from the farm's {pending}")
        reward_price = convert_price(ctx["graph"], reward, t1)
        total_staked = rpc.call(farm, "totalStaked(uint256)", (pid,))
        rate = rpc.call(farm, "poolRewardRate(uint256)", (pid,))
        if reward_price is not None and total_staked:
            reward_apr = A.reward_apr(rate, reward_price, A.position_value(total_staked, r0, r1, supply))
    deposited = (sum(d[1] for d in h.deposits), sum(d[2] for d in h.deposits))
    deposited_value = sum((A.hodl_value(a0, a1, at) for _, a0, a1, _, at in h.deposits), Fraction(0))
    return Position(
        name, pool, (s0, s1), (d0, d1), fee_bps, wallet, staked, liquidity, supply, (r0, r1), burn,
        A.hodl_value(*burn, price), split, price, entry, closed_form, deposited, deposited_value,
        (basis0, basis1), h.realised_fees, h.realised_fees + split.fees, A.fee_amounts(split.fees, price), window,
        fee_apr, fee_apy, reward_symbol, reward_decimals, paid, pending, reward_price, reward_apr, h, warnings,
    )


def _weighted_entry(lots, price) -> int:
    """Entry time of the lots weighted by their no-fee value now (one lot: its own time); rounds down."""
    weights = [(A.no_fee_value([lot], price), lot.timestamp) for lot in lots]
    total = sum(w for w, _ in weights)
    if not total:
        return lots[0].timestamp if lots else 0
    return int(sum(w * t for w, t in weights) / total)


# --- building the report ------------------------------------------------------------------------------

def resolve_address(address: str | None = None, alias: str | None = None) -> str:
    """The account to report on, from ``--address`` or ``--account``; ReportError on bad input."""
    if (address is None) == (alias is None):
        raise ReportError("give exactly one of --account ALIAS or --address ADDR")
    if address is not None:
        if not is_address(address):
            raise ReportError(f"not an address: {address!r}")
        return to_checksum_address(address)
    from ape import accounts

    try:
        if alias.upper().startswith("TEST::"):
            return accounts.test_accounts[int(alias[6:])].address
        return accounts.load(alias).address
    except (KeyError, IndexError, ValueError):
        raise ReportError(f"unknown account alias {alias!r} (`ape accounts list` shows the known ones)") from None


def build_report(addresses, manifest: Path | str | None = None, out_dir: Path | str | None = None,
                 request=None, console=None, plots: bool = True, deployments: Path | str | None = None,
                 reward_price: str | None = None) -> Report:
    """Analyse, print and plot the positions of ``addresses`` (one address or several).

    ``request(method, params)`` defaults to the connected Ape provider; ``manifest`` to
    <deployments>/<chain-id>.json (deployments/ by default); ``out_dir`` to reports/.  Raises ReportError
    when no address holds a position (or on bad input); an address without positions among several gets
    a line and is skipped.  ``reward_price`` ("0.25 dUSD": one whole reward token is worth 0.25 of the pool
    token with that symbol) prices the rewards where no pool does.  Returns the Report (positions per
    address, plot files written).
    """
    from rich.console import Console

    console = console or Console()
    addresses = [addresses] if isinstance(addresses, str) else list(addresses)
    if not addresses:
        raise ReportError("no address to report on")
    for address in addresses:
        if not is_address(address):
            raise ReportError(f"not an address: {address!r}")
    addresses = [to_checksum_address(a) for a in addresses]
    rpc = Rpc(request or ape_request())
    m = load_manifest(rpc.chain_id(), manifest, deployments)
    if not m.pools:
        raise ReportError(f"deploy manifest {m.path} lists no pools")
    for name, address in m.pools.items():
        if not rpc.code(address):
            raise ReportError(f"no contract at {name} {address} on chain {m.chain_id}: the manifest {m.path} is stale")
    starts = _starts(m.path)
    farm = m.contracts.get("Farm")
    ctx = {"farm": farm, "tokens": {}, "starts": starts, "graph": _price_graph(rpc, m), "pool_logs": {},
           "reward_token": rpc.call(farm, "rewardToken()", returns=("address",)) if farm else None,
           "farm_logs": rpc.logs(farm, FARM_EVENTS, starts.get("Farm", 0)) if farm else []}
    if reward_price is not None and ctx["reward_token"]:
        _price_reward(rpc, m, ctx, reward_price)
    out_dir = Path(out_dir) if out_dir else ROOT / "reports"
    report, plotted = Report({}, []), set()
    for user in addresses:
        positions = [p for name, pool in m.pools.items() if (p := analyse_position(rpc, m, name, pool, user, ctx))]
        if not positions:
            if len(addresses) == 1:
                raise ReportError(f"no positions for {user}: it holds no LP of the {len(m.pools)} pools in "
                                  f"{m.path.name} (wallet or farm)")
            console.print(f"[yellow]{user}: no positions[/]")
            continue
        report.positions[user] = positions
        print_positions(console, user, positions, rpc.head, rpc.head_timestamp)
        if plots:
            report.files += write_plots(out_dir, user, positions, plotted)
    if not report.positions:
        raise ReportError(f"no positions for any of {len(addresses)} addresses in the pools of {m.path.name}")
    report.files = list(dict.fromkeys(report.files))  # a pool's plot is shared by its LPs
    if report.files:
        console.print("plots: " + ", ".join(str(f) for f in report.files))
    return report


def _starts(path: Path) -> dict:
    """First block worth scanning per manifest entry (its deployment block; 0 when not recorded)."""
    data = json.loads(Path(path).read_text())
    return {name: int(entry.get("block") or 0) for name, entry in data["contracts"].items()}


# --- output: tables -------------------------------------------------------------------------------------

def _num(value) -> str:
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) >= 1e15 or abs(value) < 1e-6:
        return f"{value:.6e}"
    places = max(0, 6 - len(str(int(abs(value)))))
    return f"{value:,.{places}f}"


def _tokens(amount, decimals: int) -> str:
    return _num(Fraction(amount) / 10**decimals)


def _pct(ratio) -> str:
    return "n/a" if ratio is None else f"{float(ratio) * 100:+.4f}%"


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _value(value, p: Position) -> str:
    """A value in the position's token1."""
    return f"{_tokens(value, p.decimals[1])} {p.symbols[1]}"


def _pair(amount0, amount1, p: Position) -> str:
    return f"{_tokens(amount0, p.decimals[0])} {p.symbols[0]} + {_tokens(amount1, p.decimals[1])} {p.symbols[1]}"


def _rewards(wei: int, p: Position) -> tuple[str, str]:
    """Reward wei as tokens and as a value in token1 (n/a without a price path)."""
    tokens = f"{_tokens(wei, p.reward_decimals)} {p.reward_symbol}"
    return tokens, _value(wei * p.reward_price, p) if p.reward_price is not None else "n/a (no price path)"


def position_table(p: Position):
    """One rich table: a row per quantity, its tokens and its value in token1."""
    from rich.table import Table

    (s0, s1), (d0, d1) = p.symbols, p.decimals
    human = Fraction(10**d0, 10**d1)  # raw price -> token1 per whole token0
    table = Table(title=f"{p.name} ({p.fee_bps} bps) {p.pool}", title_justify="left")
    table.add_column("", style="bold")
    table.add_column("tokens", justify="right")
    table.add_column(f"value in {s1}", justify="right")
    table.add_row("LP wei (wallet + staked)", f"{p.wallet:,} + {p.staked:,}",
                  f"share {float(Fraction(p.liquidity, p.supply)) * 100:.4f}%")
    table.add_row("pool price", f"{_num(p.price * human)} {s1}/{s0}",
                  "entry " + (_num(p.entry * human) if p.entry else "n/a"))
    table.add_row("deposited (all time)", _pair(*p.deposited, p), _value(p.deposited_value, p))
    table.add_row("current value (burn now)", _pair(*p.burn, p), _value(p.value, p))
    table.add_row("HODL value (basis held)", _pair(*p.basis, p), _value(p.split.hodl, p))
    table.add_row("value without fees", "", _value(p.split.no_fee, p))
    table.add_row("impermanent loss", f"{_pct(p.split.il_ratio)} (closed form {_pct(p.closed_form_il)})",
                  _value(p.split.il, p))
    table.add_row("fees earned (unrealised)", _pair(*p.fee_tokens, p), _value(p.split.fees, p))
    if p.fees_realised:
        table.add_row("fees realised on removals", "", _value(p.fees_realised, p))
    table.add_row("PnL vs HODL (value - HODL)", "", _value(p.value - p.split.hodl, p))
    if p.reward_symbol is not None:
        table.add_row("rewards paid", *_rewards(p.rewards_paid, p))
        table.add_row("rewards pending", *_rewards(p.rewards_pending, p))
    table.add_row("fee APR / APY (daily)", f"{_pct(p.fee_apr)} / {_pct(p.fee_apy)}",
                  f"over {p.window / 86400:,.2f} days")
    if p.reward_symbol is not None:
        table.add_row("farm reward APR", _pct(p.reward_apr), "pool-wide, at the reward's mid price")
        if p.fee_apr is not None and p.reward_apr is not None:
            table.add_row("fee + reward APR", _pct(p.fee_apr + p.reward_apr), "")
    return table


def print_positions(console, user: str, positions, head: int, head_ts: int) -> None:
    console.rule(f"LP report for {user} at block {head} ({_when(head_ts)})")
    for p in positions:
        console.print(position_table(p))
        for warning in p.warnings:
            console.print(f"[yellow]warning: {warning}[/]")


# --- output: plots -----------------------------------------------------------------------------------

def _dates(timestamps):
    return [datetime.fromtimestamp(t, tz=timezone.utc) for t in timestamps]


def write_plots(out_dir: Path, user: str, positions, plotted: set | None = None) -> list[Path]:
    """IL curve (positions marked), fees + rewards against IL over time, pool price and reserves (once per
    pool: ``plotted`` holds the pools already drawn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    tag = user[:10].lower()
    files = []

    def curve(ratios):
        return [float(A.impermanent_loss(Fraction(r), 64)) * 100 for r in ratios]

    marks = [(float(p.price / p.entry), float(p.split.il_ratio) * 100, p.name) for p in positions if p.entry]
    low = min([r for r, _, _ in marks] + [1.0]) / 1.05
    high = max([r for r, _, _ in marks] + [1.0]) * 1.05
    fig, (wide, zoom) = plt.subplots(1, 2, figsize=(12, 5))
    wide_ratios = [10 ** (i / 50) for i in range(-70, 71)]
    zoom_ratios = [low + (high - low) * i / 100 for i in range(101)]
    for ax, ratios, title in ((wide, wide_ratios, "r from 1/25 to 25"), (zoom, zoom_ratios, "around the positions")):
        ax.plot(ratios, curve(ratios), label="2√r/(1+r) − 1 (closed form)")
        for r, il, name in marks:
            ax.scatter([r], [il], zorder=3, label=f"{name}: r={r:.4g}, IL={il:.4f}%")
        ax.set_xlabel("price ratio r = P_now / P_entry")
        ax.set_ylabel("impermanent loss (%)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    wide.set_xscale("log")
    zoom.legend(fontsize=8)
    fig.suptitle(f"Impermanent loss against holding, positions of {user[:10]}…")
    files.append(_save(fig, out_dir / f"il-curve-{tag}.png"))

    for p in positions:
        samples, d1 = p.history.samples, p.decimals[1]
        scale = Fraction(1, 10**d1)
        when = _dates([s.timestamp for s in samples])
        fees = [float(s.fees * scale) for s in samples]
        il = [float(s.il * scale) for s in samples]
        panels = [("fees", fees)]
        if p.reward_symbol is not None and p.reward_price is not None:
            rewards = [float(s.rewards * p.reward_price * scale) for s in samples]
            panels.append(("fees + rewards (at today's reward price)", [f + r for f, r in zip(fees, rewards)]))
        fig, axes = plt.subplots(len(panels), 1, figsize=(9, 3.6 * len(panels) + 0.8), sharex=True, squeeze=False)
        for ax, (label, earned) in zip(axes[:, 0], panels):
            ax.plot(when, earned, label=label, drawstyle="steps-post")
            ax.plot(when, il, label="impermanent loss", drawstyle="steps-post")
            ax.plot(when, [e + i for e, i in zip(earned, il)], label="net vs HODL", linestyle="--",
                    drawstyle="steps-post")
            ax.axhline(0, color="grey", linewidth=0.8)
            ax.set_ylabel(f"value ({p.symbols[1]})")
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8, loc="upper left")
        axes[0, 0].set_title(f"{p.name}: earnings against impermanent loss ({user[:10]}…)")
        fig.autofmt_xdate()
        files.append(_save(fig, out_dir / f"pnl-{tag}-{p.slug}.png"))

        if plotted is not None:
            if p.pool in plotted:
                continue
            plotted.add(p.pool)
        syncs = p.history.syncs
        (s0, s1), (d0, d1) = p.symbols, p.decimals
        when = _dates([t for t, _, _ in syncs])
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
        top.plot(when, [float(Fraction(r1 * 10**d0, r0 * 10**d1)) for _, r0, r1 in syncs], drawstyle="steps-post")
        top.set_ylabel(f"price ({s1} per {s0})")
        top.set_title(f"{p.name}: price and reserves (Sync events)")
        top.grid(True, alpha=0.3)
        bottom.plot(when, [r0 / 10**d0 for _, r0, _ in syncs], label=f"reserve {s0}", drawstyle="steps-post")
        twin = bottom.twinx()
        twin.plot(when, [r1 / 10**d1 for _, _, r1 in syncs], label=f"reserve {s1}", color="tab:orange",
                  drawstyle="steps-post")
        bottom.set_ylabel(s0)
        twin.set_ylabel(s1)
        bottom.grid(True, alpha=0.3)
        handles = bottom.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
        bottom.legend(handles, [h.get_label() for h in handles], fontsize=8, loc="upper left")
        fig.autofmt_xdate()
        files.append(_save(fig, out_dir / f"pool-{p.slug}.png"))
    return files


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
