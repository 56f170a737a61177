"""Scenario: the pool state machine over hostile tokens, model == chain after every step, on both backends.

Each example picks one pool of tests/hostile_world.py (a hostile token with a normal partner, or two
hostile tokens; every fee tier) and runs the rules of tests/test_pool_machine.PoolMachine (liquidity,
swaps, flash swaps, re-entry from a flash callee, donations, skim, sync, LP moves, protocol fee, time)
plus the tokens' own behaviour: the owner changes a fee, rebases, blocks and unblocks, burns from any
holder (the pool included); holders register an ERC-777-style hook, and the hook is armed to call back
into the pool (sync, skim, mint, burn, swap), its failure either bubbling (reverting the transfer) or
swallowed. Swaps and burns may pay another actor or the hook contract instead of the caller.

The exact ledgers (python_model/hostile_tokens.py) and the HostilePool model predict every outcome; the
chain must agree on every revert name and on the whole state after every step.

Properties (assertion messages) and where they apply
-----------------------------------------------------
chain_equals_model
    Reserves, oracle, kLast, LP supply and balances, both tokens' balances and total supplies for every
    holder, and the tokens' own state (fee, shares, blocklist, hooks, hook counters): chain == model.
outcomes_agree
    Every operation succeeds on both or reverts on both with the same error name.
honest_lp_value_never_decreases
    The LPs' holdings per LP share, sqrt(min(reserve0, balance0) * min(reserve1, balance1)) / supply,
    never decrease across a step, the protocol fee's LP counted as it is minted. Not checked across a
    step where the token itself takes from or gives to every holder (rebase, burnFrom): that is the
    token's own rule.
lp_burn_pays_pro_rata, lp_receives_share_minus_token_fee
    A burn pays floor(liquidity * balance / supply) of each token (computed here, independently) and the
    recipient's balance rises by exactly what the token delivers for that amount.
lp_exit_refused_only_by_token
    A burn that would pay both tokens reverts only with TransferFailed, and only when the token's own
    rule refuses the payout (a blocked pool or recipient, a recipient hook that reverts).
trader_gets_quote_minus_token_fee
    A swap's recipient receives exactly what the token delivers for the requested output.
swap_quote_accepted_unless_token_refuses, swap_output_is_maximal, swap_input_is_minimal
    The model's quote passes unless the output token refuses the payout; one wei more output fails; the
    minimal input passes and one wei less fails (input counted as what arrived at the pool).
reentrancy_locked_during_payout
    Every hook call made while the pool pays out (inside swap or burn) fails: nothing re-enters.
reserves_equal_balances_after_update
    After a successful mint, burn, swap or sync the reserves equal the balances.
reserves_backed_by_balances
    reserve <= balance, unless the token itself has taken from the pool since the last update.

Token x property (Y: checked exactly; n/a: why not)
-----------------------------------------------------
=========================  =====  =====  =====  =====  ======  ======  ======
property                   fot18  fee6   reb18  hook8  noret6  zero18  block6
=========================  =====  =====  =====  =====  ======  ======  ======
chain_equals_model         Y      Y      Y      Y      Y       Y       Y
honest_lp_value (1)        Y      Y      Y      Y      Y       Y       Y
lp_burn_pays_pro_rata      Y      Y      Y      Y      Y       Y       Y
lp_receives_share (2)      Y      Y      Y      Y      Y       Y       Y
lp_exit_refused_only (3)   Y      Y      Y      Y      Y       Y       Y
trader_gets_quote (2)      Y      Y      Y      Y      Y       Y       Y
quote_accepted (3)         Y      Y      Y      Y      Y       Y       Y
output_is_maximal          Y      Y      n/a 4  Y      Y       Y       Y
input_is_minimal (5)       Y      Y      in 4   Y      Y       Y       Y
reentrancy_locked (6)      -      -      -      Y      -       -       -
reserves_equal_after_upd.  Y      Y      Y      Y      Y       Y       Y
reserves_backed (7)        Y      Y      Y      Y      Y       Y       Y
=========================  =====  =====  =====  =====  ======  ======  ======

(1) skipped across the token's own rebase (reb18) and burnFrom (block6) steps only.
(2) "what the token delivers": amount - floor(amount * fee / 10000) for fot18/fee6, the share rounding
    for reb18 (at most the amount), the amount itself for the others.
(3) the token refuses: block6 when the pool or the recipient is blocked; hook8 when the recipient's
    hook is armed to bubble (its call into the locked pool fails). zero18 never refuses a payout: the
    pool pays a zero amount only from skim, which then reverts TransferFailed (V2 behaves the same).
(4) as the output token, reb18 debits the pool at most the amount it sends, sometimes less, so one wei
    more than the quote can pass (the pool is not harmed: it checks K on the balances it reads back, and
    honest_lp_value still holds); "in": checked when reb18 is the input token only.
(5) the trader grosses the input up so the pool receives the minimal input (fee and rebasing tokens);
    with fee = 100% nothing arrives and the case is skipped.
(6) the hook is the only token that can call back; for the others there is nothing to count.
(7) rebase down and burnFrom(pool) leave reserve > balance until the next sync/burn/swap; mint and
    skim then revert Panic(0x11), as the model says.
noret6's hostility is its ABI alone (transfer returns nothing): every row holds because the pool pays out
through SafeTransferLib, which accepts an empty return; a pool decoding a bool would revert every payout.

Worked examples (test_token_rule_example, both backends) of consequences that are the tokens' own
rules, not pool bugs: rebase_gain_goes_to_whoever_skims, blocked_pool_freezes_every_lp_until_unblocked,
zero_revert_token_blocks_one_sided_skim.
"""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule, run_state_machine_as_test

import python_model as model
from conftest import count_step, machine_settings
from hostile_world import PAIRS, HostileWorld, deploy_hostile_world
from properties import agree
from python_model import hostile_tokens as hostile
from test_pool_machine import PoolMachine, amounts, fractions_bps, outcome
from worlds import ZERO

UINT112_MAX = model.UINT112_MAX
REENTRIES = ("off", "sync", "skim", "mint", "burn", "swap01", "swap10")


def credit(ledger, frm, to, amount):
    """What `to` receives when `frm` transfers `amount` of `ledger` (the token's own rule)."""
    if isinstance(ledger, hostile.HostileToken):
        return ledger.preview(frm, to, amount)[1]
    return amount


def gross_up(ledger, frm, to, net):
    """The smallest transfer that credits `to` at least `net`, or None when no amount can (fee 100%)."""
    if net <= 0:
        return 0
    if isinstance(ledger, hostile.FeeToken):
        fee = ledger.fee_bps
        if fee >= 10_000:
            return None
        gross = -(-net * 10_000 // (10_000 - fee))
        while credit(ledger, frm, to, gross) < net:
            gross += 1
        while gross > 0 and credit(ledger, frm, to, gross - 1) >= net:
            gross -= 1
        return gross
    if isinstance(ledger, hostile.RebasingToken):
        supply, shares = ledger.total_supply, ledger.total_shares
        if supply == 0 or shares == 0:
            return None
        held = ledger.shares.get(to, 0)
        base = held * supply // shares
        shares_needed = -(-(net + base) * shares // supply) - held  # smallest share count crediting >= net
        gross = -(-shares_needed * supply // shares)  # smallest amount moving that many shares
        assert credit(ledger, frm, to, gross) >= net
        return gross
    return net


class HostilePoolMachine(PoolMachine):
    world: HostileWorld  # set by the test that runs the machine
    choices: list  # the pools an example may pick (one hostile pair, every fee tier)

    # --- setup ----------------------------------------------------------------------------------------
    @initialize(
        index=st.integers(0, 2**16),
        near_wrap=st.booleans(),
        seed=st.one_of(st.none(), *[st.tuples(st.integers(0, 2), st.integers(0, 9), st.integers(0, 9))] * 3),
    )
    def choose_pool(self, index, near_wrap, seed):
        """Pick the pool; read its whole state and both tokens' own state in one call per step. Three times
        in four start with a first deposit of 10**e whole tokens of each side (`seed`): trades need depth."""
        w = self.world
        self.pool = self.choices[index % len(self.choices)]
        self.mp = next(p for p in self.m.pools if p.address == self.pool.address)
        addresses = (self.mp.token0.address, self.mp.token1.address)
        self.t0, self.t1 = (w.chain.at(w.kind_of[a].contract, a) for a in addresses)
        if near_wrap:
            self.chain.now = max(self.chain.now, 2**32 - 600)
        self.hook, self.m_hook = w.hook, w.model_hook
        holders = w.actors + [self.pool.address, w.borrower.address, w.fee_recipient, ZERO, self.hook.address]
        self.holders = holders
        calls = [(self.pool, "getReserves", ())]
        calls += [(self.pool, f, ()) for f in ("price0CumulativeLast", "price1CumulativeLast", "kLast", "totalSupply")]
        calls += [(self.pool, "balanceOf", (h,)) for h in holders]
        calls += [(t, "balanceOf", (h,)) for t in (self.t0, self.t1) for h in holders]
        self.extras = []  # (label, (contract, function, args), model reader)
        for token, ledger in ((self.t0, self.mp.token0), (self.t1, self.mp.token1)):
            self.extras.append(("totalSupply", (token, "totalSupply", ()), lambda l=ledger: l.total_supply))
            self.extras += self.token_views(token, ledger)
        calls += [call for _, call, _ in self.extras]
        self.reader = self.chain.reader(calls)
        self.mark = None  # the last step's LP holdings, for honest_lp_value_never_decreases
        self.token_acted = False  # a rebase or burnFrom ran in this step
        self.shortfall = [False, False]  # the token itself took from the pool since its last update
        if seed is not None:
            lp, e0, e1 = seed
            d0, d1 = self.mp.token0.decimals, self.mp.token1.decimals
            self.add_liquidity(lp, 10 ** (d0 + e0), 10 ** (d1 + e1))

    def token_views(self, token, ledger):
        """The token's own state to compare after every step: (label, chain call, model reader)."""
        views = []
        if isinstance(ledger, hostile.FeeToken) and ledger.owner is not None:
            views.append(("feeBps", (token, "feeBps", ()), lambda: ledger.fee_bps))
        if isinstance(ledger, hostile.RebasingToken):
            views.append(("totalShares", (token, "totalShares", ()), lambda: ledger.total_shares))
            views += [
                ("sharesOf", (token, "sharesOf", (h,)), lambda h=h: ledger.shares.get(h, 0)) for h in self.holders
            ]
        if isinstance(ledger, hostile.BlocklistToken):
            views += [("blocked", (token, "blocked", (h,)), lambda h=h: h in ledger.blocked) for h in self.holders]
        if isinstance(ledger, hostile.HookToken):
            views += [
                ("hookOf", (token, "hookOf", (h,)), lambda h=h: getattr(ledger.hook_of.get(h), "address", ZERO))
                for h in self.holders
            ]
            views.append(("hook.attempts", (self.hook, "attempts", ()), lambda: self.m_hook.attempts))
            views.append(("hook.failures", (self.hook, "failures", ()), lambda: self.m_hook.failures))
        return views

    # --- helpers ---------------------------------------------------------------------------------------
    def side(self, cls, owned=False):
        """(chain token, ledger) of the chosen pool's first token that is a `cls`, else None."""
        for token, ledger in ((self.t0, self.mp.token0), (self.t1, self.mp.token1)):
            if isinstance(ledger, cls) and (not owned or getattr(ledger, "owner", None) is not None):
                return token, ledger
        return None

    def recipient(self, who, choice):
        """0: the caller, 1: another actor, 2: the hook contract (an attacker that may call back)."""
        actors = self.world.actors
        if choice == 0:
            return who
        if choice == 1:
            return actors[(actors.index(who) + 1) % len(actors)]
        return self.hook.address

    def refuses(self, ledger, to):
        """Whether the token's own rule makes the pool's payout of a non-zero amount to `to` revert."""
        pool = self.pool.address
        if isinstance(ledger, hostile.BlocklistToken):
            return pool in ledger.blocked or to in ledger.blocked
        if isinstance(ledger, hostile.HookToken):
            hook = ledger.hook_of.get(to)
            return hook is not None and hook.action is not None and hook.bubble
        return False

    def oversized(self):
        """A pool balance beyond uint112 (only reachable through rebases): _update reverts Overflow."""
        pool = self.pool.address
        return max(self.mp.token0.balance_of(pool), self.mp.token1.balance_of(pool)) > UINT112_MAX

    def settled(self):
        """After a successful mint, burn, swap or sync."""
        pool = self.pool.address
        balances = (self.mp.token0.balance_of(pool), self.mp.token1.balance_of(pool))
        assert (self.mp.reserve0, self.mp.reserve1) == balances, "reserves_equal_balances_after_update"

    def hook_counts(self):
        return self.m_hook.attempts, self.m_hook.failures

    def check_locked_during_payout(self, counts_before):
        attempts, failures = self.hook_counts()
        assert attempts - counts_before[0] == failures - counts_before[1], "reentrancy_locked_during_payout"

    def after_token_action(self):
        """The token itself moved value (rebase, burnFrom): LP value is not compared across this step."""
        self.token_acted = True
        pool = self.pool.address
        for i, ledger, reserve in ((0, self.mp.token0, self.mp.reserve0), (1, self.mp.token1, self.mp.reserve1)):
            if ledger.balance_of(pool) < reserve:
                self.shortfall[i] = True

    # --- liquidity ---------------------------------------------------------------------------------------
    @rule(lp=st.integers(0, 2), amount0=amounts, amount1=amounts)
    def add_liquidity(self, lp, amount0, amount1):
        """Send both tokens (a sender hook may call the pool first), then mint for what the pool holds."""
        who = self.world.lps[lp]
        self.transfer(True, who, self.pool.address, amount0)
        self.transfer(False, who, self.pool.address, amount1)
        in0, in1 = self.pending(True), self.pending(False)
        liquidity, receipt, _ = agree(
            lambda: self.mp.mint(who, timestamp=self.chain.now),
            lambda: self.pool.transact("mint", who, sender=who),
        )
        if receipt:
            assert receipt.return_value == liquidity, "mint_matches_model"
            mint_events = receipt.events("Mint", self.pool.address)
            assert mint_events == [{"sender": who, "amount0": in0, "amount1": in1}], "events_match_model"
            self.check_sync(receipt)
            self.settled()

    @rule(lp=st.integers(0, 2), share=fractions_bps, recipient=st.integers(0, 2))
    def remove_liquidity(self, lp, share, recipient):
        """Burn a share of an LP's tokens, paying the LP, another actor or the hook contract."""
        w, mp = self.world, self.mp
        who = w.lps[lp]
        to = self.recipient(who, recipient)
        liquidity = mp.balance_of(who) * share // 10_000
        outcome(
            lambda: mp.transfer(who, self.pool.address, liquidity),
            lambda: self.pool.transact("transfer", self.pool.address, liquidity, sender=who),
        )
        pool = self.pool.address
        ledgers = (mp.token0, mp.token1)
        balances = [t.balance_of(pool) for t in ledgers]
        _, fee_liquidity = mp._mint_fee(mp.reserve0, mp.reserve1)
        supply = mp.total_supply + fee_liquidity
        burned = mp.balance_of(pool)
        expected = tuple(burned * b // supply for b in balances) if supply else None
        credits = [credit(t, pool, to, a) for t, a in zip(ledgers, expected)] if expected and min(expected) else None
        before = [t.balance_of(to) for t in ledgers]
        counts = self.hook_counts()
        amounts_out, receipt, error = agree(
            lambda: mp.burn(to, timestamp=self.chain.now),
            lambda: self.pool.transact("burn", to, sender=who),
        )
        if receipt:
            assert tuple(amounts_out) == expected == receipt.return_value, "lp_burn_pays_pro_rata"
            received = [t.balance_of(to) - b for t, b in zip(ledgers, before)]
            assert received == credits, "lp_receives_share_minus_token_fee"
            (burn,) = receipt.events("Burn", pool)
            assert (burn["amount0"], burn["amount1"], burn["to"]) == (*expected, to), "events_match_model"
            self.check_sync(receipt)
            self.settled()
            self.check_locked_during_payout(counts)
        elif credits is not None and not self.oversized():
            refused = any(self.refuses(t, to) for t in ledgers)
            assert error == "TransferFailed" and refused, f"lp_exit_refused_only_by_token: {error}"

    # --- swaps ---------------------------------------------------------------------------------------------
    def swap_to(self, who, zero_for_one, amount_out, to):
        outs = (0, amount_out) if zero_for_one else (amount_out, 0)
        return agree(
            lambda: self.mp.swap(*outs, to, timestamp=self.chain.now),
            lambda: self.pool.transact("swap", *outs, to, b"", sender=who),
        )

    @rule(
        trader=st.integers(0, 1),
        zero_for_one=st.booleans(),
        amount_in=amounts,
        over=st.sampled_from([0, 1]),
        recipient=st.integers(0, 2),
    )
    def swap_exact_in(self, trader, zero_for_one, amount_in, over, recipient):
        """Pay in, then ask for the model's quote (or one wei more), sent to the trader or elsewhere."""
        who = self.world.traders[trader]
        to = self.recipient(who, recipient)
        self.transfer(zero_for_one, who, self.pool.address, amount_in)
        r_in, r_out = self.reserves(zero_for_one)  # after the transfer: a sender hook may have called the pool
        clean_out_side = self.pending(not zero_for_one) == 0
        try:
            quote = model.get_amount_out(self.pending(zero_for_one), r_in, r_out, self.mp.fee_bps)
        except model.ModelError:
            quote = 0
        amount_out = quote + over
        _, out_ledger = self.token_pair(not zero_for_one)
        refused = self.refuses(out_ledger, to)
        expected_credit = credit(out_ledger, self.pool.address, to, amount_out)
        before = out_ledger.balance_of(to)
        counts = self.hook_counts()
        _, receipt, error = self.swap_to(who, zero_for_one, amount_out, to)
        if receipt:
            assert out_ledger.balance_of(to) - before == expected_credit, "trader_gets_quote_minus_token_fee"
            (swap,) = receipt.events("Swap", self.pool.address)
            assert swap["amount1Out" if zero_for_one else "amount0Out"] == amount_out, "events_match_model"
            self.check_sync(receipt)
            self.settled()
            self.check_locked_during_payout(counts)
        if quote > 0 and clean_out_side and not self.oversized():
            if not over:
                assert (receipt is None) == refused, f"swap_quote_accepted_unless_token_refuses: {error}"
                assert error in (None, "TransferFailed"), f"swap_quote_accepted_unless_token_refuses: {error}"
            elif not isinstance(out_ledger, hostile.RebasingToken):
                assert receipt is None, "swap_output_is_maximal: one wei more than the quote was paid"

    @rule(
        trader=st.integers(0, 1),
        zero_for_one=st.booleans(),
        amount_out=amounts,
        under=st.sampled_from([0, 1, 2]),
        recipient=st.integers(0, 2),
    )
    def swap_exact_out(self, trader, zero_for_one, amount_out, under, recipient):
        """Pay in what makes the pool receive the model's minimal input (less 0, 1 or 2 wei), then swap."""
        who = self.world.traders[trader]
        to = self.recipient(who, recipient)
        pool = self.pool.address
        r_in, r_out = self.reserves(zero_for_one)
        amount_out = max(1, min(amount_out, r_out - 1))
        try:
            need = model.get_amount_in(amount_out, r_in, r_out, self.mp.fee_bps)
        except model.ModelError:
            need = 1
        _, in_ledger = self.token_pair(zero_for_one)
        _, out_ledger = self.token_pair(not zero_for_one)
        gross = gross_up(in_ledger, who, pool, max(need - under, 0))
        if gross is None or gross > in_ledger.balance_of(who):
            return
        clean = self.pending(True) == 0 and self.pending(False) == 0
        held = in_ledger.balance_of(pool)
        self.transfer(zero_for_one, who, pool, gross)
        arrived = in_ledger.balance_of(pool) - held
        unchanged = self.reserves(zero_for_one) == (r_in, r_out)  # a sender hook may have called the pool
        refused = self.refuses(out_ledger, to)
        counts = self.hook_counts()
        _, receipt, _ = self.swap_to(who, zero_for_one, amount_out, to)
        if receipt:
            self.settled()
            self.check_locked_during_payout(counts)
        exact_out = not isinstance(out_ledger, hostile.RebasingToken)
        checkable = clean and unchanged and exact_out and not refused and not self.oversized()
        if checkable and r_in > 0 and r_out > amount_out:
            fee = self.mp.fee_bps
            exact = (r_in * amount_out * 10_000) % ((r_out - amount_out) * (10_000 - fee)) == 0
            minimal = need - 1 if exact else need
            assert (receipt is not None) == (arrived >= minimal), "swap_input_is_minimal"

    @rule(actor=st.integers(0, 4))
    def sync(self, actor):
        who = self.world.actors[actor]
        _, receipt = outcome(
            lambda: self.mp.sync(timestamp=self.chain.now), lambda: self.pool.transact("sync", sender=who)
        )
        if receipt:
            self.check_sync(receipt)
            self.settled()

    # --- the tokens' own rules ----------------------------------------------------------------------------
    def owner_or_actor(self, by_owner):
        return self.world.owner if by_owner else self.world.actors[0]

    # Owner-only calls come from the owner three times in four (the rest must revert).
    OWNER_MOSTLY = st.sampled_from([True, True, True, False])

    @precondition(lambda self: self.side(hostile.FeeToken, owned=True) is not None)
    @rule(fee=st.sampled_from([0, 1, 30, 100, 1_000, 9_999, 10_000, 10_001]), by_owner=OWNER_MOSTLY)
    def set_token_fee(self, fee, by_owner):
        """The fee token's owner changes the fee (USDT-style switch); anyone else is refused."""
        token, ledger = self.side(hostile.FeeToken, owned=True)
        sender = self.owner_or_actor(by_owner)
        agree(lambda: ledger.set_fee(fee, sender=sender), lambda: token.transact("setFee", fee, sender=sender))

    @precondition(lambda self: self.side(hostile.RebasingToken) is not None)
    @rule(change_bps=st.one_of(st.integers(-3_000, 3_000), st.just(-10_000)), by_owner=OWNER_MOSTLY)
    def rebase(self, change_bps, by_owner):
        """The owner rescales every balance (the pool's included) without a transfer."""
        token, ledger = self.side(hostile.RebasingToken)
        sender = self.owner_or_actor(by_owner)
        supply = ledger.total_supply * (10_000 + change_bps) // 10_000
        _, receipt, _ = agree(
            lambda: ledger.rebase(supply, sender=sender), lambda: token.transact("rebase", supply, sender=sender)
        )
        if receipt:
            self.after_token_action()

    def blockable(self):
        w = self.world
        return w.actors + [self.pool.address, self.hook.address, w.borrower.address]

    @precondition(lambda self: self.side(hostile.BlocklistToken) is not None)
    @rule(who=st.integers(0, 7), block=st.booleans(), by_owner=OWNER_MOSTLY)
    def block_account(self, who, block, by_owner):
        """The owner blocks or unblocks an actor, the pool, the hook contract or the flash borrower."""
        token, ledger = self.side(hostile.BlocklistToken)
        account = self.blockable()[who]
        sender = self.owner_or_actor(by_owner)
        if block:
            agree(
                lambda: ledger.block_account(account, sender=sender),
                lambda: token.transact("blockAccount", account, sender=sender),
            )
        else:
            agree(
                lambda: ledger.unblock_account(account, sender=sender),
                lambda: token.transact("unblockAccount", account, sender=sender),
            )

    @precondition(lambda self: self.side(hostile.BlocklistToken) is not None)
    @rule(who=st.integers(0, 7), share=st.integers(0, 10_001), by_owner=OWNER_MOSTLY)
    def burn_from_holder(self, who, share, by_owner):
        """The owner destroys part of a holder's balance (the pool's too) without a transfer."""
        token, ledger = self.side(hostile.BlocklistToken)
        holder = self.blockable()[who]
        amount = ledger.balance_of(holder) * share // 10_000 + (1 if share > 10_000 else 0)  # 10001: one wei too many
        sender = self.owner_or_actor(by_owner)
        _, receipt, _ = agree(
            lambda: ledger.burn_from(holder, amount, sender=sender),
            lambda: token.transact("burnFrom", holder, amount, sender=sender),
        )
        if receipt:
            self.after_token_action()

    @precondition(lambda self: self.side(hostile.HookToken) is not None)
    @rule(reentry=st.sampled_from(REENTRIES), bubble=st.booleans())
    def arm_hook(self, reentry, bubble):
        """Arm the hook contract to call the pool from every later hook call ("off": disarm)."""
        hook = self.hook.address
        mp, fn = self.mp, self.pool.type.function
        chain_call = {
            "off": (ZERO, b""),
            "sync": (self.pool.address, fn("sync").calldata(())),
            "skim": (self.pool.address, fn("skim").calldata((hook,))),
            "mint": (self.pool.address, fn("mint").calldata((hook,))),
            "burn": (self.pool.address, fn("burn").calldata((hook,))),
            "swap01": (self.pool.address, fn("swap").calldata((0, 1, hook, b""))),
            "swap10": (self.pool.address, fn("swap").calldata((1, 0, hook, b""))),
        }[reentry]
        action = {
            "off": None,
            "sync": lambda: mp.sync(timestamp=self.chain.now),
            "skim": lambda: mp.skim(hook),
            "mint": lambda: mp.mint(hook, timestamp=self.chain.now),
            "burn": lambda: mp.burn(hook, timestamp=self.chain.now),
            "swap01": lambda: mp.swap(0, 1, hook, timestamp=self.chain.now),
            "swap10": lambda: mp.swap(1, 0, hook, timestamp=self.chain.now),
        }[reentry]
        self.m_hook.arm(action, bubble)
        self.hook.transact("arm", *chain_call, bubble, sender=self.world.owner)

    @precondition(lambda self: self.side(hostile.HookToken) is not None)
    @rule(actor=st.integers(0, 4), on=st.booleans())
    def register_hook(self, actor, on):
        """A holder registers the hook contract as its ERC-777-style hook (or removes it)."""
        token, ledger = self.side(hostile.HookToken)
        who = self.world.actors[actor]
        ledger.set_hook(who, self.m_hook if on else None)
        token.transact("setHook", self.hook.address if on else ZERO, sender=who)

    # --- properties ----------------------------------------------------------------------------------------------
    @invariant()
    def chain_equals_model(self):
        """Reserves, oracle, kLast, LP supply and balances, both tokens for every holder, the tokens' total
        supplies and own state (fee, shares, blocklist, hooks, hook counters): chain == model."""
        count_step(self.chain.name)
        if self.pool is None:
            return
        values = iter(self.reader.read())
        mp = self.mp
        chain_state = {
            "reserves": next(values),
            "price0CumulativeLast": next(values)[0],
            "price1CumulativeLast": next(values)[0],
            "kLast": next(values)[0],
            "totalSupply": next(values)[0],
            "lp": [next(values)[0] for _ in self.holders],
            "token0": [next(values)[0] for _ in self.holders],
            "token1": [next(values)[0] for _ in self.holders],
            "tokens": [(label, next(values)[0]) for label, _, _ in self.extras],
        }
        model_state = {
            "reserves": (mp.reserve0, mp.reserve1, mp.block_timestamp_last),
            "price0CumulativeLast": mp.price0_cumulative_last,
            "price1CumulativeLast": mp.price1_cumulative_last,
            "kLast": mp.k_last,
            "totalSupply": mp.total_supply,
            "lp": [mp.balance_of(h) for h in self.holders],
            "token0": [mp.token0.balance_of(h) for h in self.holders],
            "token1": [mp.token1.balance_of(h) for h in self.holders],
            "tokens": [(label, read()) for label, _, read in self.extras],
        }
        assert chain_state == model_state, "chain_equals_model"

    @invariant()
    def reserves_backed_by_balances(self):
        """reserve <= balance, unless the token itself took from the pool since the pool's last update."""
        if self.pool is None:
            return
        pool = self.pool.address
        for i, ledger, reserve in ((0, self.mp.token0, self.mp.reserve0), (1, self.mp.token1, self.mp.reserve1)):
            if reserve <= ledger.balance_of(pool):
                self.shortfall[i] = False
            else:
                assert self.shortfall[i], "reserves_backed_by_balances: the pool lost tokens by its own doing"

    @invariant()
    def honest_lp_value_never_decreases(self):
        """sqrt(h0 * h1) / supply, h = min(reserve, balance), never decreases but by the token's own rule."""
        if self.pool is None:
            return
        mp, pool = self.mp, self.pool.address
        mark = (
            min(mp.reserve0, mp.token0.balance_of(pool)),
            min(mp.reserve1, mp.token1.balance_of(pool)),
            mp.total_supply,
            mp.balance_of(self.world.fee_recipient),
        )
        previous, self.mark = self.mark, mark
        acted, self.token_acted = self.token_acted, False
        if previous is None or acted or previous[2] == 0:
            return
        h0, h1, supply, fee_lp = mark
        p0, p1, p_supply, p_fee_lp = previous
        supply_before = p_supply + (fee_lp - p_fee_lp)  # the protocol fee's LP, minted inside the step
        assert h0 * h1 * supply_before**2 >= p0 * p1 * supply**2, "honest_lp_value_never_decreases"


# Share of the profile's state-machine examples each pair gets, per backend (see conftest.machine_settings).
SCALE = {"revm": 0.5, "anvil": 0.75}


@pytest.mark.parametrize("pair", ["/".join(p) for p in PAIRS])
def test_hostile_pool_machine(chain, pair, timed_backend):
    """One hostile pair (its pools at every fee tier) per test, so a failure names the token."""
    w = deploy_hostile_world(chain, pairs=[tuple(pair.split("/"))])
    timed_backend["backend"] = w.chain.name
    HostilePoolMachine.world = w
    HostilePoolMachine.choices = w.pools
    scale = SCALE[w.chain.name] / len(PAIRS)
    run_state_machine_as_test(HostilePoolMachine, settings=machine_settings(w.chain.name, scale=scale))


# --- documented consequences of the tokens' own rules, as worked examples on both backends -------------------
class Both:
    """One pool of the hostile world, driven on the chain and in the model side by side (`outcome`)."""

    def __init__(self, world: HostileWorld, pair: str, fee: int = 30):
        self.w, self.m = world, world.start()
        self.pool = next(p for p in world.pools if "/".join(world.pair_of[p.address]) == pair and p.call("fee") == fee)
        self.mp = next(p for p in self.m.pools if p.address == self.pool.address)
        self.tokens = {}
        for ledger in (self.mp.token0, self.mp.token1):
            kind = world.kind_of[ledger.address]
            self.tokens[kind.key] = (world.chain.at(kind.contract, ledger.address), ledger)

    def owner_call(self, key, fn, model_fn, *args):
        """An owner-only token function: `fn` on the chain, `model_fn` on the ledger."""
        token, ledger = self.tokens[key]
        owner = self.w.owner
        return outcome(
            lambda: getattr(ledger, model_fn)(*args, sender=owner), lambda: token.transact(fn, *args, sender=owner)
        )

    def send(self, key, frm, to, amount):
        token, ledger = self.tokens[key]
        return outcome(
            lambda: ledger.transfer(frm, to, amount), lambda: token.transact("transfer", to, amount, sender=frm)
        )

    def pool_call(self, fn, *args, sender):
        now = self.w.chain.now
        model_fn = {
            "mint": lambda: self.mp.mint(*args, timestamp=now),
            "burn": lambda: self.mp.burn(*args, timestamp=now),
            "skim": lambda: self.mp.skim(*args),
            "sync": lambda: self.mp.sync(timestamp=now),
        }[fn]
        return agree(model_fn, lambda: self.pool.transact(fn, *args, sender=sender))

    def deposit(self, lp, amounts):
        for key, amount in amounts.items():
            self.send(key, lp, self.pool.address, amount)
        return self.pool_call("mint", lp, sender=lp)

    def balance(self, key, holder):
        token, ledger = self.tokens[key]
        value = ledger.balance_of(holder)
        assert token.call("balanceOf", holder) == value, "chain_equals_model"
        return value


def rebase_gain_goes_to_whoever_skims(world):
    """A positive rebase raises the pool's balance above its reserve. Until someone syncs, that gain is
    excess like a donation: anyone may skim it, and an LP who burns first is paid on the balance (so
    burners share it pro rata). Integrators must sync right after a rebase or wrap rebasing tokens."""
    s = Both(world, "reb18/n6")
    lp, outsider = s.w.lps[0], s.w.traders[1]
    _, _, error = s.deposit(lp, {"reb18": 10**24, "n6": 10**12})
    assert error is None
    _, ledger = s.tokens["reb18"]
    s.owner_call("reb18", "rebase", "rebase", ledger.total_supply * 11 // 10)
    pool = s.pool.address
    gain = s.balance("reb18", pool) - (s.mp.reserve0 if s.mp.token0 is ledger else s.mp.reserve1)
    assert gain > 0
    before = s.balance("reb18", outsider)
    _, _, error = s.pool_call("skim", outsider, sender=outsider)
    assert error is None
    assert s.balance("reb18", outsider) - before >= gain - 1, "the outsider took the LPs' rebase gain"


def blocked_pool_freezes_every_lp_until_unblocked(world):
    """Blocking the pool address stops every payout of that token, so no LP can burn (their share of the
    other token is stuck too); unblocking restores the exact pro-rata exit. The pool loses nothing."""
    s = Both(world, "block6/n18")
    lp = s.w.lps[0]
    s.deposit(lp, {"block6": 10**12, "n18": 10**24})
    pool = s.pool.address
    s.owner_call("block6", "blockAccount", "block_account", pool)
    liquidity = s.mp.balance_of(lp)
    outcome(lambda: s.mp.transfer(lp, pool, liquidity), lambda: s.pool.transact("transfer", pool, liquidity, sender=lp))
    _, _, error = s.pool_call("burn", lp, sender=lp)
    assert error == "TransferFailed", "lp_exit_refused_only_by_token"
    s.owner_call("block6", "unblockAccount", "unblock_account", pool)
    supply, balances = s.mp.total_supply, {k: s.balance(k, pool) for k in s.tokens}
    before = {k: s.balance(k, lp) for k in s.tokens}
    _, _, error = s.pool_call("burn", lp, sender=lp)
    assert error is None
    for key in s.tokens:
        assert s.balance(key, lp) - before[key] == liquidity * balances[key] // supply, "lp_burn_pays_pro_rata"


def zero_revert_token_blocks_one_sided_skim(world):
    """skim sends both excesses, zero included (as Uniswap V2), so with a token that reverts on a zero
    transfer, skimming only the other token's excess reverts TransferFailed until one wei of it is there."""
    s = Both(world, "zero18/n8")
    lp, outsider = s.w.lps[0], s.w.traders[0]
    s.deposit(lp, {"zero18": 10**24, "n8": 10**14})
    s.send("n8", lp, s.pool.address, 10**8)  # a donation of the normal token only
    _, _, error = s.pool_call("skim", outsider, sender=outsider)
    assert error == "TransferFailed"
    s.send("zero18", lp, s.pool.address, 1)
    _, _, error = s.pool_call("skim", outsider, sender=outsider)
    assert error is None


EXAMPLES = {
    f.__name__: f
    for f in (
        rebase_gain_goes_to_whoever_skims,
        blocked_pool_freezes_every_lp_until_unblocked,
        zero_revert_token_blocks_one_sided_skim,
    )
}


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_token_rule_example(chain, example):
    pair = {
        "rebase_gain_goes_to_whoever_skims": ("reb18", "n6"),
        "blocked_pool_freezes_every_lp_until_unblocked": ("block6", "n18"),
        "zero_revert_token_blocks_one_sided_skim": ("zero18", "n8"),
    }[example]
    EXAMPLES[example](deploy_hostile_world(chain, pairs=[pair]))
