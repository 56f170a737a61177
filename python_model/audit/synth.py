"""Synthetic pool histories: the stateful model (python_model.Pool) driven at random, with the events the
contract would emit for every operation, in the contract's order.

Used to test the audit engine against the model class it abstracts (every history must audit
consistent; a tampered one must not) and to make long logs for the replay benchmark.  Deterministic for
a seed.  Operations: mints (first and later), burns (LP sent to the pool in the same transaction, paid
to the holder or to the pool itself), exact-in and exact-out swaps, overpaid swaps, swaps paid in both
tokens, donations, skims, bare syncs, LP transfers and the protocol fee switched on and off.  Several
transactions share a block; token Transfers (not audited) leave gaps in the log indexes.
"""

from __future__ import annotations

import random

from ..amm_math import get_amount_in, get_amount_out
from ..errors import ModelError
from ..factory import Factory
from ..token import ZERO_ADDRESS, Token
from .engine import Event, PoolState

POOL = "0x7d00000000000000000000000000000000000001"
TOKEN0 = "0x1100000000000000000000000000000000000011"
TOKEN1 = "0x2200000000000000000000000000000000000022"
OWNER = "0x0000000000000000000000000000000000000a11"
FEE_TO = "0x00000000000000000000000000000000000fee70"


class SyntheticPool:
    """A model pool and its actors; ``events(n_ops)`` runs ``n_ops`` random operations, yielding events."""

    def __init__(self, seed=0, fee_bps=30, *, protocol_fee=True, scale=(10**18, 10**6)):
        self.rng = random.Random(seed)
        self.factory = Factory(owner=OWNER, fee_tiers=(fee_bps,))
        self.token0 = Token(TOKEN0)
        self.token1 = Token(TOKEN1)
        self.pool = self.factory.create_pool(self.token0, self.token1, fee_bps, address=POOL)
        self.fee_bps = fee_bps
        self.protocol_fee = protocol_fee
        self.scale = scale
        self.lps = [f"0x{0x1000 + i:040x}" for i in range(4)]
        self.traders = [f"0x{0x2000 + i:040x}" for i in range(4)]
        for who in self.lps + self.traders:
            self.token0.mint(who, 10**12 * scale[0])
            self.token1.mint(who, 10**12 * scale[1])
        self.block = 100
        self.now = 1_700_000_000
        self.log_index = 0
        self.tx_count = 0
        self.tx = None
        self.ops = 0
        self._ratio_bits = 0

    # --- bookkeeping ---------------------------------------------------------------------------------

    def state(self):
        """The model pool's state now, as the engine's PoolState."""
        p = self.pool
        return PoolState(p.reserve0, p.reserve1, p.total_supply, p.balance_of(p.address), p.k_last, self.block)

    def _new_tx(self):
        if self.rng.random() < 0.6:
            self.block += 1
            self.now += self.rng.choice((1, 12, 12, 600))
            self.log_index = 0
        self.tx_count += 1
        self.tx = f"0x{self.tx_count:064x}"

    def _log(self, name, args):
        ev = Event(self.block, self.tx, self.log_index, POOL, name, args)
        self.log_index += 1
        return ev

    def _gap(self, n=1):
        """Logs of other contracts (token Transfers) in between."""
        self.log_index += n

    def _sync(self):
        return self._log("Sync", {"reserve0": self.pool.reserve0, "reserve1": self.pool.reserve1})

    def _send(self, token, frm, amount):
        if token.balance_of(frm) < amount:  # actors never run dry: long histories stay busy
            token.mint(frm, amount)
        token.transfer(frm, POOL, amount)
        self._gap()

    # --- operations -----------------------------------------------------------------------------------

    def events(self, n_ops):
        """Run ``n_ops`` operations (reverting ones emit nothing); yields every pool event."""
        rng = self.rng
        ops = (
            (self._swap, 60), (self._mint, 10), (self._burn, 8), (self._donate, 4), (self._sync_op, 3),
            (self._skim, 2), (self._lp_transfer, 4), (self._switch_fee, 2), (self._two_sided, 2),
        )
        funcs = [f for f, _ in ops]
        weights = [w for _, w in ops]
        pool = self.pool
        for _ in range(n_ops):
            self._new_tx()
            if pool.total_supply == 0:
                op = self._mint
            else:
                op = rng.choices(funcs, weights)[0]
                if op == self._mint and (pool.reserve0 >> 96 or pool.reserve1 >> 96):
                    op = self._burn  # deposits and fees compound: keep the reserves well inside uint112
            try:
                yield from op()
            except ModelError:
                pass  # the transaction reverted; tokens already sent stay in the pool (a donation)
            self.ops += 1

    def _amount(self, reserve, lo=-7, hi=-0.5):
        """A positive amount, log-uniform between 10**lo and 10**hi of ``reserve``."""
        return max(1, int(reserve * 10 ** self.rng.uniform(lo, hi)))

    def _mint(self):
        rng, pool = self.rng, self.pool
        lp = rng.choice(self.lps)
        if pool.total_supply == 0:
            a0 = rng.randint(10**3, 10**7) * self.scale[0]
            a1 = rng.randint(10**3, 10**7) * self.scale[1]
        else:
            a0 = self._amount(pool.reserve0, -6, -1)
            a1 = a0 * pool.reserve1 // pool.reserve0 + (rng.randint(0, 3) if rng.random() < 0.3 else 0)
            if rng.random() < 0.1:  # unbalanced deposit (the excess stays in the pool)
                a1 = a1 * rng.randint(990, 1010) // 1000
            a1 = max(a1, 1)
        self._send(self.token0, lp, a0)
        self._send(self.token1, lp, a1)
        supply, fee_before = pool.total_supply, pool.balance_of(FEE_TO)
        r0, r1 = pool.reserve0, pool.reserve1
        liquidity = pool.mint(lp, timestamp=self.now)
        if supply == 0:
            self._ratio_bits = pool.reserve0.bit_length() - pool.reserve1.bit_length()
        out = []
        fee = pool.balance_of(FEE_TO) - fee_before
        if fee:
            out.append(self._log("Transfer", {"from": ZERO_ADDRESS, "to": FEE_TO, "value": fee}))
        if supply == 0:
            out.append(self._log("Transfer", {"from": ZERO_ADDRESS, "to": ZERO_ADDRESS, "value": 1000}))
        out.append(self._log("Transfer", {"from": ZERO_ADDRESS, "to": lp, "value": liquidity}))
        out.append(self._sync())
        out.append(self._log("Mint", {"sender": lp, "amount0": pool.reserve0 - r0, "amount1": pool.reserve1 - r1}))
        return out

    def _burn(self):
        rng, pool = self.rng, self.pool
        holders = [h for h in self.lps + self.traders if pool.balance_of(h)]
        if not holders:
            return []
        lp = rng.choice(holders)
        pct = rng.choice((1, 5, 50, 100))
        share = pool.balance_of(lp) * pct // 100
        out = []
        if share:
            pool.transfer(lp, POOL, share)
            out.append(self._log("Transfer", {"from": lp, "to": POOL, "value": share}))
        to = POOL if pct == 1 and rng.random() < 0.1 else lp  # paid to the pool itself: a donation
        fee_before = pool.balance_of(FEE_TO)
        liquidity = pool.balance_of(POOL)
        try:
            amount0, amount1 = pool.burn(to, timestamp=self.now)
        except ModelError:
            return out  # the burn reverted; the LP sent stays in the pool
        fee = pool.balance_of(FEE_TO) - fee_before
        if fee:
            out.append(self._log("Transfer", {"from": ZERO_ADDRESS, "to": FEE_TO, "value": fee}))
        out.append(self._log("Transfer", {"from": POOL, "to": ZERO_ADDRESS, "value": liquidity}))
        self._gap(2)
        out.append(self._sync())
        out.append(self._log("Burn", {"sender": lp, "amount0": amount0, "amount1": amount1, "to": to}))
        return out

    def _swap(self):
        rng, pool = self.rng, self.pool
        trader = rng.choice(self.traders)
        # mean-reverting price (log2 of r0/r1 pulled back towards its first value): long histories stay in range
        tilt = (pool.reserve0.bit_length() - pool.reserve1.bit_length() - self._ratio_bits) / 40
        zero_for_one = rng.random() < 0.5 - max(-0.4, min(0.4, tilt))
        r_in, r_out = (pool.reserve0, pool.reserve1) if zero_for_one else (pool.reserve1, pool.reserve0)
        token_in = self.token0 if zero_for_one else self.token1
        kind = rng.random()
        if kind < 0.7:  # exact in
            amount_in = self._amount(r_in, -7, -1.5)
            out = get_amount_out(amount_in, r_in, r_out, self.fee_bps)
            if out == 0:
                return []
        else:  # exact out, sometimes overpaid
            out = self._amount(r_out, -7, -1.5)
            if out >= r_out:
                return []
            amount_in = get_amount_in(out, r_in, r_out, self.fee_bps)
            if kind > 0.95:
                amount_in += rng.randint(1, 10**6)
        self._send(token_in, trader, amount_in)
        outs = (0, out) if zero_for_one else (out, 0)
        ins = pool.swap(*outs, trader, timestamp=self.now)
        self._gap()
        return [self._sync(), self._log("Swap", {
            "sender": trader, "amount0In": ins[0], "amount1In": ins[1],
            "amount0Out": outs[0], "amount1Out": outs[1], "to": trader,
        })]

    def _two_sided(self):
        """A swap paid partly in the output token too (as a flash swap repaid in both tokens)."""
        rng, pool = self.rng, self.pool
        trader = rng.choice(self.traders)
        extra1 = self._amount(pool.reserve1, -9, -6)
        amount_in = self._amount(pool.reserve0, -7, -1.5)
        out = get_amount_out(amount_in, pool.reserve0, pool.reserve1, self.fee_bps)
        if out == 0:
            return []
        self._send(self.token0, trader, amount_in)
        self._send(self.token1, trader, extra1)
        ins = pool.swap(0, out, trader, timestamp=self.now)
        self._gap()
        return [self._sync(), self._log("Swap", {
            "sender": trader, "amount0In": ins[0], "amount1In": ins[1], "amount0Out": 0, "amount1Out": out,
            "to": trader,
        })]

    def _donate(self):
        rng, pool = self.rng, self.pool
        who = rng.choice(self.traders)
        if rng.random() < 0.5:
            self._send(self.token0, who, self._amount(pool.reserve0 or 10**18, -9, -3))
        else:
            self._send(self.token1, who, self._amount(pool.reserve1 or 10**6, -9, -3))
        return []

    def _sync_op(self):
        self.pool.sync(timestamp=self.now)
        return [self._sync()]

    def _skim(self):
        self.pool.skim(self.rng.choice(self.traders))
        self._gap(2)
        return []

    def _lp_transfer(self):
        rng, pool = self.rng, self.pool
        holders = [h for h in self.lps if pool.balance_of(h)]
        if not holders:
            return []
        frm = rng.choice(holders)
        to = rng.choice(self.lps + self.traders)
        value = pool.balance_of(frm) // rng.choice((1, 2, 10))
        pool.transfer(frm, to, value)
        return [self._log("Transfer", {"from": frm, "to": to, "value": value})]

    def _switch_fee(self):
        if self.protocol_fee:
            on = self.factory.fee_to is None
            self.factory.set_fee_to(FEE_TO if on else None, sender=OWNER)
        return []


def synthetic_events(n_ops, *, seed=0, fee_bps=30, protocol_fee=True):
    """(events list, final PoolState) of a fresh synthetic history."""
    synth = SyntheticPool(seed, fee_bps, protocol_fee=protocol_fee)
    events = list(synth.events(n_ops))
    return events, synth.state()
