"""The audit engine: replay a pool's decoded events through the exact model, stop at the first wrong wei.

Pure Python, no chain.  Feed it the pool's Mint, Burn, Swap, Sync and LP Transfer events in (block, log
index) order -- from a saved log (:mod:`.logfile`), a node (:mod:`.rpc`) or anything else -- and it
either certifies every transition or names the first event whose numbers the model does not produce.

What the events reveal, and what is checked
-------------------------------------------
The pool's token balances are not in its events: donations and ``skim`` show only as token Transfers,
which are not audited here.  What the pool's own events pin down:

* Every ``_update`` emits ``Sync(balance0, balance1)``: right after a Sync the balances equal the new
  reserves.  A Mint, Burn or Swap emits its Sync immediately before itself (adjacent log indexes, same
  transaction); any other Sync is a bare ``sync()``.
* Swap: the balances after the swap are the Sync, so ``Sync == reserve - out + in`` for each token
  (ins include donations, as on chain), every output is below its reserve, something came in, and the
  fee-adjusted K check at the fee's scale holds (:func:`python_model.amm_math.k_holds`).  The fee the
  trader actually paid (input beyond what a fee-free pool would take) is reported per swap.
* Mint: ``Sync == reserve + amount``; the depositor's LP (the last LP Transfer from address(0) before
  the Sync) equals ``isqrt(a0*a1) - 1000`` (first mint, after a 1000 LP lock to address(0)) or
  ``min(a_i * S / r_i)`` with S counted after the protocol-fee mint.
* Burn: the LP burned (Transfer pool -> address(0)) equals the LP the pool held (tracked from every LP
  Transfer); the balances before the payout are ``Sync + amount`` (``Sync`` when paying the pool
  itself) and each amount equals ``L * balance / S``.
* Protocol fee: an LP Transfer from address(0) before the depositor's (mint) or before the burn is the
  mint to ``feeTo``; it must equal ``S * (rootK - rootKLast) / (5 rootK + rootKLast)``.  ``feeTo`` is
  factory state and not in the pool's events, so the engine keeps every ``kLast`` still possible
  (0 if the fee was off at the last mint/burn, ``r0*r1`` after it if on) and requires each observed fee
  mint to match one of them.  A missing fee mint is indistinguishable from the fee being off.
* Bare Sync: reserves cannot go down (a standard token's balance only leaves the pool through the pool).
* Structure: no LP minted or burned outside a Mint or Burn; no Mint/Burn/Swap without its Sync.

Divergences name the event carrying the wrong number: a reserve on the Sync, an LP amount on the LP
Transfer, an amount or an output on the Mint/Burn/Swap itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..amm_math import (
    MINIMUM_LIQUIDITY,
    burn_amount,
    initial_liquidity,
    k_holds,
    proportional_liquidity,
    protocol_fee_liquidity,
)

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
POOL_EVENTS = ("Mint", "Burn", "Swap", "Sync", "Transfer")


class Event:
    """One decoded log: where it is, which event, its arguments (V2 names, integers as ``int``).

    ``args`` keys: Mint(sender, amount0, amount1), Burn(sender, amount0, amount1, to), Swap(sender,
    amount0In, amount1In, amount0Out, amount1Out, to), Sync(reserve0, reserve1), Transfer(from, to,
    value); farm events with IFarm's names.  ``line`` is the line of a saved log it came from (0
    otherwise).  Anything with these
    attributes can be fed to the engine (the log reader decodes straight into its own struct).
    """

    __slots__ = ("block", "tx_hash", "log_index", "address", "event", "args", "line", "timestamp")

    def __init__(self, block, tx_hash, log_index, address, event, args, line=0, timestamp=None):
        self.block = block
        self.tx_hash = tx_hash
        self.log_index = log_index
        self.address = address
        self.event = event
        self.args = args
        self.line = line
        self.timestamp = timestamp  # the block's timestamp: needed by the farm audit only

    def to_dict(self):
        out = {
            "block": self.block, "tx_hash": self.tx_hash, "log_index": self.log_index,
            "address": self.address, "event": self.event, "args": dict(self.args),
        }
        if self.timestamp is not None:
            out["timestamp"] = self.timestamp
        return out

    def __repr__(self):
        return f"Event({self.event} block={self.block} log={self.log_index} {self.args})"


@dataclass
class PoolState:
    """What the replay starts from (and ends with): the pool's stored state as of ``block``.

    ``pool_lp`` is the LP the pool holds itself (what the next burn burns).  ``k_last`` None means
    unknown (then the first protocol-fee mint is accepted unchecked and pins it down).
    """

    reserve0: int = 0
    reserve1: int = 0
    total_supply: int = 0
    pool_lp: int = 0
    k_last: int | None = 0
    block: int | None = None

    def to_dict(self):
        return {
            "block": self.block, "reserve0": self.reserve0, "reserve1": self.reserve1,
            "total_supply": self.total_supply, "pool_lp": self.pool_lp, "k_last": self.k_last,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            reserve0=int(data["reserve0"]), reserve1=int(data["reserve1"]),
            total_supply=int(data["total_supply"]), pool_lp=int(data.get("pool_lp", 0)),
            k_last=None if data.get("k_last") is None else int(data["k_last"]),
            block=data.get("block"),
        )


@dataclass(frozen=True)
class Divergence:
    """The first place the chain's numbers differ from the model's.

    ``expected`` is the model's value (or a description such as ``"revert K"``); ``relation`` says how
    ``actual`` had to relate to it (``==`` or a bound such as ``<=``).
    """

    block: int
    tx_hash: str
    log_index: int
    line: int
    event: str
    field: str
    expected: object
    actual: object
    relation: str = "=="
    note: str = ""

    def describe(self):
        where = f"block {self.block}, tx {self.tx_hash}, log index {self.log_index}"
        if self.line:
            where += f" (line {self.line})"
        rel = "" if self.relation == "==" else f"{self.relation} "
        text = f"divergence at {where}: {self.event} {self.field}: expected {rel}{self.expected}, actual {self.actual}"
        return f"{text} ({self.note})" if self.note else text

    def to_dict(self):
        return {
            "block": self.block, "tx_hash": self.tx_hash, "log_index": self.log_index, "line": self.line,
            "event": self.event, "field": self.field, "expected": self.expected, "actual": self.actual,
            "relation": self.relation, "note": self.note,
        }


class LogError(Exception):
    """The input is not a well-formed event stream (order, unknown event, missing field, corrupt file)."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class SwapFee:
    """The fee a swap actually paid, in its input token: input beyond what a fee-free pool would need.

    For a one-sided input ``fee = floor((b_in * b_out - r0 * r1) / b_out)`` (b = balances after) and
    ``fee_bps`` is ``fee / amount_in`` in basis points (string, two decimals, rounded down).  A swap
    paid in both tokens (a flash swap repaid in both) has no single-token fee: ``token`` is None.
    """

    block: int
    tx_hash: str
    log_index: int
    token: int | None
    amount_in: int
    fee: int | None
    fee_bps: str | None

    def to_dict(self):
        return {
            "block": self.block, "tx_hash": self.tx_hash, "log_index": self.log_index, "token": self.token,
            "amount_in": self.amount_in, "fee": self.fee, "fee_bps": self.fee_bps,
        }


@dataclass
class Verdict:
    """Result of an audit.  ``consistent`` when no divergence was found."""

    pool: str
    fee_bps: int
    events: int  # events checked
    replayed: int  # events fed (checked plus replayed unchecked before ``check_from``)
    first_block: int | None
    through_block: int | None
    divergences: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    state: PoolState | None = None
    farm_state: dict | None = None  # a farm audit's final totals (then ``state`` is None)

    @property
    def consistent(self):
        return not self.divergences

    @property
    def divergence(self):
        return self.divergences[0] if self.divergences else None

    def summary(self):
        if self.consistent:
            through = "the start" if self.through_block is None else f"block {self.through_block}"
            return f"consistent through {through} ({self.events} events)"
        return self.divergences[0].describe()

    def to_dict(self):
        return {
            "status": "consistent" if self.consistent else "divergence",
            "kind": "farm" if self.farm_state is not None else "pool",
            "pool": self.pool,
            "fee_bps": self.fee_bps,
            "events": self.events,
            "replayed": self.replayed,
            "first_block": self.first_block,
            "through_block": self.through_block,
            "divergence": self.divergence.to_dict() if self.divergence else None,
            "divergences": [d.to_dict() for d in self.divergences[1:]],
            "stats": dict(self.stats),
            "state": self.state.to_dict() if self.state else self.farm_state,
        }


class _Stop(Exception):
    """Raised inside a handler once enough divergences are collected."""


def record_divergence(divergences: list, limit: int, ev, field_name, expected, actual, relation="==", note=""):
    """Appends the divergence of `ev`'s `field_name`; stops the replay (`_Stop`) once `limit` are recorded."""
    divergences.append(Divergence(
        ev.block, ev.tx_hash, ev.log_index, getattr(ev, "line", 0), ev.event, field_name,
        expected, actual, relation, note,
    ))
    if len(divergences) >= limit:
        raise _Stop()


def fee_paid(r0, r1, s0, s1, in0, in1):
    """(token, fee) for a swap from reserves (r0, r1) to balances (s0, s1): token None if both came in."""
    if in1 == 0:
        return 0, (s0 * s1 - r0 * r1) // s1
    if in0 == 0:
        return 1, (s0 * s1 - r0 * r1) // s0
    return None, None


def _bps(fee, amount_in):
    q = fee * 1_000_000 // amount_in
    return f"{q // 100}.{q % 100:02d}"


class PoolAuditor:
    """Replays one pool's events; ``feed`` them in order, then ``finish``.

    ``fee_bps``: the pool's swap fee (30 for a Uniswap V2 pair).  ``start``: the state before the first
    event (default: a fresh pool).  ``check_from``: events in earlier blocks are replayed without being
    checked (their numbers are adopted), for starting mid-history from a log that begins earlier.
    ``max_divergences``: stop after this many (after a divergence the chain's numbers are adopted and
    the replay continues, so later ones are independent findings).  ``on_swap(SwapFee)`` is called for
    every checked swap.
    """

    def __init__(self, pool, fee_bps, start=None, *, check_from=None, max_divergences=1, on_swap=None):
        if not 0 <= fee_bps < 10000:
            raise ValueError(f"fee_bps must be in [0, 10000), got {fee_bps}")
        start = start or PoolState()
        self.pool = pool.lower()
        self.fee_bps = fee_bps
        self.r0 = start.reserve0
        self.r1 = start.reserve1
        self.supply = start.total_supply
        self.pool_lp = start.pool_lp
        self._k = (start.k_last,)  # every kLast still possible (None: unknown)
        self.check_from = check_from
        self.max_divergences = max_divergences
        self.on_swap = on_swap
        self.divergences = []
        self.trusting = False
        # position and per-transaction pending events
        self._block = -1
        self._tx = None
        self._log = -1
        self._sync = None  # a Sync waiting to see whether a Mint/Burn/Swap follows it
        self._minted = []  # LP Transfers from address(0) in the current operation
        self._burned = None  # the LP Transfer pool -> address(0) of the current burn
        self._address = None  # the spelling of the pool address seen last (skips .lower())
        self.events = 0
        self.replayed = 0
        self.first_block = None
        self.last_block = None
        self._reset_counters()
        self._handlers = {
            "Swap": self._on_swap, "Sync": self._on_sync, "Transfer": self._on_transfer,
            "Mint": self._on_mint, "Burn": self._on_burn,
        }

    def _reset_counters(self):
        self.swaps = self.mints = self.burns = self.syncs = self.transfers = 0
        self.fee_mints = 0
        self.fee_lp = 0
        self.fee_to = None
        self.fees = [0, 0]
        self.two_sided = 0

    # --- driving ------------------------------------------------------------------------------------

    def feed(self, ev):
        """Replay one event.  Raises LogError for a malformed stream and _Stop when enough divergences."""
        if ev.tx_hash != self._tx or ev.block != self._block:
            block = ev.block
            if block < self._block or (block == self._block and ev.log_index <= self._log):
                raise LogError(ev.line, f"event out of order: block {block} log {ev.log_index} after "
                                        f"block {self._block} log {self._log}")
            self._end_tx()
            if block != self._block:
                if self.trusting and block >= self.check_from:
                    self._reset_counters()  # statistics cover the checked events only
                self.trusting = self.check_from is not None and block < self.check_from
                if self.first_block is None and not self.trusting:
                    self.first_block = block
                self._block = block
            self._tx = ev.tx_hash
        elif ev.log_index <= self._log:
            raise LogError(ev.line, f"event out of order: log {ev.log_index} after log {self._log} in block {self._block}")
        self._log = ev.log_index
        address = ev.address
        if address != self._address:
            if address.lower() != self.pool:
                raise LogError(ev.line, f"event from {address}, not from the audited pool {self.pool}")
            self._address = address
        handler = self._handlers.get(ev.event)
        if handler is None:
            raise LogError(ev.line, f"unknown event {ev.event!r} (expected one of {', '.join(POOL_EVENTS)})")
        self.replayed += 1
        if not self.trusting:
            self.events += 1
            self.last_block = ev.block
        try:
            handler(ev)
        except (KeyError, TypeError, AttributeError) as exc:
            raise LogError(ev.line, f"malformed {ev.event} event: {type(exc).__name__} {exc}") from None

    def finish(self, end=None, through_block=None, *, stopped=False):
        """Close the last transaction; compare with ``end`` (a PoolState read from the chain) if given.

        ``stopped``: the replay ended at a divergence (nothing pending is checked any more)."""
        if not stopped:
            try:
                self._end_tx()
                if end is not None:
                    self._check_end(end)
            except _Stop:
                pass
        stats = {
            "swaps": self.swaps, "mints": self.mints, "burns": self.burns, "syncs": self.syncs,
            "lp_transfers": self.transfers, "protocol_fee_mints": self.fee_mints,
            "protocol_fee_lp": self.fee_lp, "fee_to": self.fee_to,
            "fees_paid0": self.fees[0], "fees_paid1": self.fees[1], "two_sided_swaps": self.two_sided,
        }
        k = self._k
        state = PoolState(self.r0, self.r1, self.supply, self.pool_lp, k[0] if len(k) == 1 else None,
                          self.last_block)
        through = through_block if through_block is not None else self.last_block
        return Verdict(self.pool, self.fee_bps, self.events, self.replayed, self.first_block, through,
                       list(self.divergences), stats, state)

    # --- divergences --------------------------------------------------------------------------------

    def _bad(self, ev, field_name, expected, actual, relation="==", note=""):
        if not self.trusting:
            record_divergence(self.divergences, self.max_divergences, ev, field_name, expected, actual, relation, note)

    def _end_tx(self):
        if self._sync is not None:
            self._bare_sync(self._sync)
        if self._minted:
            minted, self._minted = self._minted, []
            for ev in minted:
                self.supply += ev.args["value"]
                if ev.args["to"].lower() == self.pool:
                    self.pool_lp += ev.args["value"]
            self._bad(minted[0], "outcome", "no LP minted outside mint/burn", "Transfer from address(0)",
                      note="an LP mint not followed by a Mint or Burn in its transaction")
        if self._burned is not None:
            ev, self._burned = self._burned, None
            self.supply -= ev.args["value"]
            self.pool_lp -= ev.args["value"]
            self._bad(ev, "outcome", "no LP burned outside burn", "Transfer to address(0)",
                      note="an LP burn not followed by a Burn in its transaction")

    def _check_end(self, end):
        here = Event(end.block if end.block is not None else self.last_block, "end state", 0, self.pool,
                     "state", {})
        for name, mine, theirs in (
            ("reserve0", self.r0, end.reserve0), ("reserve1", self.r1, end.reserve1),
            ("totalSupply", self.supply, end.total_supply), ("balanceOf(pool)", self.pool_lp, end.pool_lp),
        ):
            if mine != theirs:
                self._bad(here, name, mine, theirs, note="state read from the chain after the last event")
        if end.k_last is not None and None not in self._k and end.k_last not in self._k:
            self._bad(here, "kLast", " or ".join(str(k) for k in self._k), end.k_last, "in",
                      note="state read from the chain after the last event")

    # --- the transitions ----------------------------------------------------------------------------

    def _take_sync(self, ev):
        """The Sync emitted by this Mint/Burn/Swap (right before it), or None after reporting its absence."""
        sync = self._sync
        if sync is not None:
            self._sync = None
            if sync.log_index + 1 == ev.log_index and sync.tx_hash == ev.tx_hash:
                return sync
            self._bare_sync(sync)
        self._bad(ev, "Sync", "a Sync right before it", "none", note="every mint, burn and swap emits Sync first")
        return None

    def _on_swap(self, ev):
        sync = self._take_sync(ev)
        if self._minted or self._burned is not None:
            self._end_tx()
        a = ev.args
        in0 = a["amount0In"]
        in1 = a["amount1In"]
        out0 = a["amount0Out"]
        out1 = a["amount1Out"]
        r0 = self.r0
        r1 = self.r1
        self.swaps += 1
        if sync is None:
            # adopt what the swap says (reserves move by in - out)
            self.r0 = r0 - out0 + in0
            self.r1 = r1 - out1 + in1
            return
        s = sync.args
        s0 = s["reserve0"]
        s1 = s["reserve1"]
        if out0 >= r0 or out1 >= r1 or not (out0 or out1) or not (in0 or in1):
            self._swap_reverts(ev, r0, r1, in0, in1, out0, out1)
        if s0 != r0 - out0 + in0:
            self._bad(sync, "reserve0", r0 - out0 + in0, s0, note="reserve0 - amount0Out + amount0In of the Swap after it")
        if s1 != r1 - out1 + in1:
            self._bad(sync, "reserve1", r1 - out1 + in1, s1, note="reserve1 - amount1Out + amount1In of the Swap after it")
        if not k_holds(s0, s1, in0, in1, r0, r1, self.fee_bps):
            self._k_fails(ev, s0, s1, r0, r1, in0, in1, out0, out1)
        elif in1 == 0 and s1:
            fee = (s0 * s1 - r0 * r1) // s1
            self.fees[0] += fee
            if self.on_swap is not None and not self.trusting:
                self.on_swap(SwapFee(ev.block, ev.tx_hash, ev.log_index, 0, in0, fee, _bps(fee, in0)))
        elif in0 == 0 and s0:
            fee = (s0 * s1 - r0 * r1) // s0
            self.fees[1] += fee
            if self.on_swap is not None and not self.trusting:
                self.on_swap(SwapFee(ev.block, ev.tx_hash, ev.log_index, 1, in1, fee, _bps(fee, in1)))
        elif in0 and in1:
            self.two_sided += 1
            if self.on_swap is not None and not self.trusting:
                self.on_swap(SwapFee(ev.block, ev.tx_hash, ev.log_index, None, in0 + in1, None, None))
        self.r0 = s0
        self.r1 = s1

    def _swap_reverts(self, ev, r0, r1, in0, in1, out0, out1):
        if not (out0 or out1):
            self._bad(ev, "outcome", "revert InsufficientOutputAmount", "Swap with no output")
        elif out0 >= r0 or out1 >= r1:
            which, out, r = ("amount0Out", out0, r0) if out0 >= r0 else ("amount1Out", out1, r1)
            self._bad(ev, which, r, out, "<", note="revert InsufficientLiquidity: an output must stay below its reserve")
        else:
            self._bad(ev, "outcome", "revert InsufficientInputAmount", "Swap with no input")

    def _k_fails(self, ev, s0, s1, r0, r1, in0, in1, out0, out1):
        """Report a failed K check as the largest output the fee formula allows (one output) or K itself."""
        f = self.fee_bps
        k = r0 * r1 * 100_000_000
        adj0 = s0 * 10000 - in0 * f
        adj1 = s1 * 10000 - in1 * f
        if out0 == 0 or out1 == 0:
            if out1:  # need adj1 >= ceil(k / adj0): the largest out1 that keeps it
                need = -(-k // adj0) if adj0 > 0 else None
                best = None if need is None else r1 + in1 - -(-(need + in1 * f) // 10000)
                field_name, actual = "amount1Out", out1
            else:
                need = -(-k // adj1) if adj1 > 0 else None
                best = None if need is None else r0 + in0 - -(-(need + in0 * f) // 10000)
                field_name, actual = "amount0Out", out0
            if best is not None:
                self._bad(ev, field_name, max(best, 0), actual, "<=",
                          note=f"largest output the {f} bps fee formula allows for these inputs (revert K)")
                return
        self._bad(ev, "K", k, adj0 * adj1, "<=",
                  note=f"(b0*10000 - in0*{f}) * (b1*10000 - in1*{f}) must reach r0*r1*10000**2 (revert K)")

    def _on_sync(self, ev):
        if self._sync is not None:
            self._bare_sync(self._sync)
        ev.args["reserve0"], ev.args["reserve1"]  # a malformed Sync is reported at its own line
        self._sync = ev

    def _bare_sync(self, sync):
        """A sync(): the reserves become the balances, which cannot have dropped below them."""
        self._sync = None
        self.syncs += 1
        s = sync.args
        s0 = s["reserve0"]
        s1 = s["reserve1"]
        if s0 < self.r0:
            self._bad(sync, "reserve0", self.r0, s0, ">=", note="a bare sync cannot lower a reserve")
        if s1 < self.r1:
            self._bad(sync, "reserve1", self.r1, s1, ">=", note="a bare sync cannot lower a reserve")
        self.r0 = s0
        self.r1 = s1

    def _on_transfer(self, ev):
        if self._sync is not None:
            self._bare_sync(self._sync)
        a = ev.args
        frm = a["from"]
        value = a["value"]
        if frm == ZERO_ADDRESS:
            a["to"].lower()  # a malformed mint is reported at its own line
            self._minted.append(ev)
            return
        frm = frm.lower()
        to = a["to"].lower()
        pool = self.pool
        if frm == pool and to == ZERO_ADDRESS:
            if self._burned is not None:
                self._end_tx()
            self._burned = ev
            return
        self.transfers += 1
        if to == pool:
            self.pool_lp += value
        if frm == pool:
            self.pool_lp -= value

    def _fee_mint(self, fee_ev, r0, r1, supply):
        """Check the protocol-fee mint (``fee_ev`` or None) against every kLast still possible.

        Returns the possible fee switch positions during this operation: (True,), (False,) or both.
        """
        cands = self._k
        if fee_ev is None:
            on = any(k is None or protocol_fee_liquidity(supply, r0, r1, k) == 0 for k in cands)
            return (False, True) if on else (False,)
        fee = fee_ev.args["value"]
        self.fee_mints += 1
        self.fee_lp += fee
        self.fee_to = fee_ev.args["to"]
        if not any(k is None or (k and protocol_fee_liquidity(supply, r0, r1, k) == fee) for k in cands):
            k = max(cands)
            expected = protocol_fee_liquidity(supply, r0, r1, k) if k else 0
            note = (f"1/6 of the sqrt(k) growth since kLast={k}, or no mint at all if the fee is off" if k else
                    "kLast is 0 (the fee was off at the last mint or burn): no protocol fee is due")
            self._bad(fee_ev, "value", expected, fee, note="protocol-fee LP: " + note)
        return (True,)

    def _set_k(self, positions, s0, s1):
        product = s0 * s1
        self._k = tuple({product if on else 0 for on in positions})

    def _split_mints(self, ev, minted, first):
        """(fee mint or None, lock mint or None, depositor mint) from the LP mints of a Mint."""
        n = len(minted)
        if first:
            if n == 2:
                return None, minted[0], minted[1]
            if n == 3:  # a fee mint cannot happen on an empty pool, but report it where it is
                return minted[0], minted[1], minted[2]
        elif n in (1, 2):
            return (minted[0] if n == 2 else None), None, minted[-1]
        expected = "2 (MINIMUM_LIQUIDITY lock, depositor)" if first else "1 or 2 (protocol fee, depositor)"
        self._bad(ev, "LP mints", expected, n)
        return None

    def _on_mint(self, ev):
        sync = self._take_sync(ev)
        minted, self._minted = self._minted, []
        if self._burned is not None:
            self._bad(self._burned, "outcome", "no LP burned in a mint", "Transfer to address(0)")
            self._burned = None
        self.mints += 1
        a = ev.args
        a0 = a["amount0"]
        a1 = a["amount1"]
        r0, r1, supply = self.r0, self.r1, self.supply
        if sync is None:
            s0, s1 = r0 + a0, r1 + a1
        else:
            s0 = sync.args["reserve0"]
            s1 = sync.args["reserve1"]
            if s0 != r0 + a0:
                self._bad(sync, "reserve0", r0 + a0, s0, note="reserve0 + amount0 of the Mint after it")
            if s1 != r1 + a1:
                self._bad(sync, "reserve1", r1 + a1, s1, note="reserve1 + amount1 of the Mint after it")
        first = supply == 0
        parts = self._split_mints(ev, minted, first) if minted else None
        if parts is None:
            if not minted:
                self._bad(ev, "LP mints", "a mint to the depositor", "none")
            positions = (False, True)
        else:
            fee_ev, lock_ev, user_ev = parts
            positions = self._fee_mint(fee_ev, r0, r1, supply)
            supply_after_fee = supply + (fee_ev.args["value"] if fee_ev is not None else 0)
            if lock_ev is not None:
                lock = lock_ev.args
                if lock["to"] != ZERO_ADDRESS:
                    self._bad(lock_ev, "to", ZERO_ADDRESS, lock["to"], note="the first mint locks MINIMUM_LIQUIDITY at address(0)")
                if lock["value"] != MINIMUM_LIQUIDITY:
                    self._bad(lock_ev, "value", MINIMUM_LIQUIDITY, lock["value"], note="MINIMUM_LIQUIDITY")
            if first:
                expected = initial_liquidity(a0, a1)
            elif r0 == 0 or r1 == 0:
                expected = None
            else:
                expected = proportional_liquidity(a0, a1, r0, r1, supply_after_fee)
            actual = user_ev.args["value"]
            if expected is None:
                self._bad(ev, "outcome", "revert (a reserve is 0: division by zero)", "Mint")
            elif expected <= 0:
                self._bad(ev, "outcome", "revert InsufficientLiquidityMinted", "Mint",
                          note=f"the model mints {expected} LP for amounts ({a0}, {a1})")
            elif actual != expected:
                formula = "isqrt(amount0*amount1) - 1000" if first else "min(amount_i * totalSupply / reserve_i)"
                self._bad(user_ev, "value", expected, actual, note=f"LP minted to the depositor: {formula}")
        pool = self.pool
        for m in minted:
            value = m.args["value"]
            self.supply += value
            if m.args["to"].lower() == pool:
                self.pool_lp += value
        self.r0 = s0
        self.r1 = s1
        self._set_k(positions, s0, s1)

    def _on_burn(self, ev):
        sync = self._take_sync(ev)
        minted, self._minted = self._minted, []
        burned, self._burned = self._burned, None
        self.burns += 1
        a = ev.args
        a0 = a["amount0"]
        a1 = a["amount1"]
        r0, r1, supply = self.r0, self.r1, self.supply
        to_pool = a["to"].lower() == self.pool
        if sync is None:
            s0, s1 = (r0, r1) if to_pool else (r0 - a0, r1 - a1)
        else:
            s0 = sync.args["reserve0"]
            s1 = sync.args["reserve1"]
        # the pool's balances before paying out
        b0, b1 = (s0, s1) if to_pool else (s0 + a0, s1 + a1)
        if len(minted) > 1:
            self._bad(minted[1], "outcome", "at most one LP mint (protocol fee) in a burn", f"{len(minted)} mints")
        fee_ev = minted[0] if minted else None
        positions = self._fee_mint(fee_ev, r0, r1, supply)
        for m in minted:
            self.supply += m.args["value"]
        total = self.supply
        if burned is None:
            self._bad(ev, "LP burned", "a Transfer from the pool to address(0)", "none")
            liquidity = 0
        else:
            liquidity = burned.args["value"]
            if liquidity != self.pool_lp:
                self._bad(burned, "value", self.pool_lp, liquidity, note="LP burned = the LP the pool holds")
        if sync is not None and b0 < r0:
            self._bad(sync, "reserve0", r0 - a0, s0, ">=",
                      note="reserve0 - amount0 of the Burn after it: the balance cannot have been below the reserve")
        if sync is not None and b1 < r1:
            self._bad(sync, "reserve1", r1 - a1, s1, ">=",
                      note="reserve1 - amount1 of the Burn after it: the balance cannot have been below the reserve")
        if total == 0:
            self._bad(ev, "outcome", "revert FullMulDivFailed (no LP exists)", "Burn")
        else:
            e0 = burn_amount(liquidity, b0, total)
            e1 = burn_amount(liquidity, b1, total)
            if e0 == 0 or e1 == 0:
                self._bad(ev, "outcome", "revert InsufficientLiquidityBurned", "Burn",
                          note=f"the model pays ({e0}, {e1}) for {liquidity} LP")
            if a0 != e0:
                self._bad(ev, "amount0", e0, a0, note=f"liquidity * balance0 / totalSupply with balance0={b0}")
            if a1 != e1:
                self._bad(ev, "amount1", e1, a1, note=f"liquidity * balance1 / totalSupply with balance1={b1}")
        self.supply -= liquidity
        self.pool_lp -= liquidity
        self.r0 = s0
        self.r1 = s1
        self._set_k(positions, s0, s1)


def audit_events(events, pool, fee_bps, start=None, *, end=None, through_block=None, check_from=None,
                 max_divergences=1, on_swap=None):
    """Replay ``events`` (an iterable, consumed lazily) and return the Verdict.  Raises LogError."""
    auditor = PoolAuditor(pool, fee_bps, start, check_from=check_from, max_divergences=max_divergences,
                          on_swap=on_swap)
    feed = auditor.feed
    try:
        for ev in events:
            feed(ev)
    except _Stop:
        return auditor.finish(stopped=True)
    return auditor.finish(end, through_block)
