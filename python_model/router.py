"""Router model (contracts/Router.sol): path amounts across fee tiers, optimal add amounts, removal.

Two layers.

Pure math, integers only, the contract's rounding::

    hop_fees(path, fees=None)                  -> one fee per hop (30 bps when fees is None)
    get_amounts_out(amount_in, hops)           -> [in, out1, ..., outN]   outputs round DOWN
    get_amounts_in(amount_out, hops)           -> [in, ..., outN]         inputs round UP (floor + 1)
    optimal_add_amounts(a_des, b_des, a_min, b_min, reserve_a, reserve_b) -> (a, b)   rounds DOWN
    removal_amounts(liquidity, balance_a, balance_b, total_supply)         -> (a, b)   rounds DOWN

where a hop is ``(reserve_in, reserve_out, fee_bps)``.

``Router``: the contract's functions over a model world (Factory, its Pools, Token ledgers, a WETH
ledger and an ETH ledger), checking and raising in the contract's order, all-or-nothing (a call that
raises leaves every ledger as it was).  Exact-input swaps stream like the contract: each hop is priced
at its pool's reserves when the hop runs, so a path through one pool twice sees its own first visit.
Exact-output swaps price the whole path first (at the reserves before the swap), then swap.

Not modelled: allowances and permits (the caller is taken to have approved the router; the permit
variants are the plain ones once the permit succeeded).  What a token does on transfer is its ledger's
business: over the exact hostile ledgers of python_model.hostile_tokens (fee on transfer, no return
value, zero-transfer revert, blocklist, hooks that call back into the router) the router's results are
exact too, the SupportingFeeOnTransferTokens variants with their balance-difference arithmetic.
"""

from .amm_math import UINT256_MAX, burn_amount
from .amm_math import get_amount_in as _get_amount_in
from .amm_math import get_amount_out as _get_amount_out
from .amm_math import quote as _quote
from .errors import InsufficientBalance, InsufficientLiquidityBurned, Panic, PoolError, TransferFailed
from .router_errors import (
    ETHTransferFailed,
    ExcessiveInputAmount,
    Expired,
    InsufficientAAmount,
    InsufficientBAmount,
    InsufficientInputAmount,
    InsufficientLiquidity,
    InsufficientOutputAmount,
    InvalidPath,
    TransferFromFailed,
)
from .token import Token

__all__ = [
    "DEFAULT_FEE",
    "Ether",
    "Router",
    "check_deadline",
    "get_amount_in",
    "get_amount_out",
    "get_amounts_in",
    "get_amounts_out",
    "hop_fees",
    "optimal_add_amounts",
    "quote",
    "removal_amounts",
]

DEFAULT_FEE = 30  # bps: the tier of every function without a fee argument (V2's 0.3%)


# --- pure math -----------------------------------------------------------------------------------

def _checked(*values):
    """Solidity 0.8's checked arithmetic: an intermediate above 2**256 - 1 is Panic(0x11)."""
    for value in values:
        if value > UINT256_MAX:
            raise Panic(0x11)


def get_amount_out(amount_in, reserve_in, reserve_out, fee_bps):
    """RouterLibrary.getAmountOut: python_model.get_amount_out (rounds DOWN) with the contract's checked
    arithmetic around it.  Raises InsufficientInputAmount, InsufficientLiquidity, then Panic where a
    checked step fails: a fee above 10000 bps (only via the pure view) or a product past 2**256 - 1 (an
    input above ~2**130 against 112-bit reserves; no real balance gets there)."""
    if amount_in <= 0:
        raise InsufficientInputAmount()
    if reserve_in <= 0 or reserve_out <= 0:
        raise InsufficientLiquidity()
    if fee_bps > 10000:
        raise Panic(0x11)
    with_fee = amount_in * (10000 - fee_bps)
    _checked(with_fee, with_fee * reserve_out, reserve_in * 10000 + with_fee)
    return _get_amount_out(amount_in, reserve_in, reserve_out, fee_bps)


def get_amount_in(amount_out, reserve_in, reserve_out, fee_bps):
    """RouterLibrary.getAmountIn: python_model.get_amount_in (floor + 1, rounds UP) with the contract's
    checked arithmetic around it.  Raises InsufficientOutputAmount, InsufficientLiquidity, then Panic
    where a checked step fails (only for made-up reserves, or a fee of 10000 bps or more, via the view)."""
    if amount_out <= 0:
        raise InsufficientOutputAmount()
    if reserve_in <= 0 or reserve_out <= amount_out:
        raise InsufficientLiquidity()
    # The contract evaluates the numerator (checked) before the divisor: its overflow panics 0x11 first.
    _checked(reserve_in * amount_out * 10000)
    if fee_bps >= 10000:
        raise Panic(0x11 if fee_bps > 10000 else 0x12)
    _checked((reserve_out - amount_out) * (10000 - fee_bps))
    return _get_amount_in(amount_out, reserve_in, reserve_out, fee_bps)


def quote(amount_a, reserve_a, reserve_b):
    """RouterLibrary.quote: python_model.quote (rounds DOWN), then Panic if amount_a * reserve_b
    overflows (a desired amount above ~2**144 into a funded pool)."""
    amount_b = _quote(amount_a, reserve_a, reserve_b)
    _checked(amount_a * reserve_b)
    return amount_b


def check_deadline(deadline, timestamp):
    """The ``ensure(deadline)`` modifier: raises Expired when ``timestamp > deadline``."""
    if timestamp > deadline:
        raise Expired()


def hop_fees(path, fees=None):
    """The fee of each hop of ``path`` (a tuple of len(path) - 1 bps values).

    ``fees is None`` is a V2-signature call: every hop is 30 bps.  Otherwise ``fees[i]`` is the tier
    of the pool between path[i] and path[i + 1] and there must be exactly one per hop.
    Raises InvalidPath (fewer than two tokens, or len(fees) != len(path) - 1).
    """
    if fees is None:
        if len(path) < 2:
            raise InvalidPath()
        return (DEFAULT_FEE,) * (len(path) - 1)
    if len(fees) == 0 or len(fees) + 1 != len(path):
        raise InvalidPath()
    return tuple(fees)


def get_amounts_out(amount_in, hops):
    """Exact input along ``hops`` ((reserve_in, reserve_out, fee_bps) per hop): [in, out1, ..., outN].

    Each output is get_amount_out of the previous amount: rounds DOWN (against the trader) at every
    hop.  Raises InsufficientInputAmount (an amount of 0 reaches a hop) or InsufficientLiquidity
    (an empty reserve), from the first hop that fails.
    """
    amounts = [amount_in]
    for reserve_in, reserve_out, fee in hops:
        amounts.append(get_amount_out(amounts[-1], reserve_in, reserve_out, fee))
    return amounts


def get_amounts_in(amount_out, hops):
    """Exact output along ``hops``: [in, ..., outN] with outN = ``amount_out``, computed from the last hop back.

    Each input is get_amount_in of the next amount: rounds UP (floor + 1, against the trader), so
    get_amounts_out(result[0], hops)[-1] >= amount_out.  Raises InsufficientOutputAmount (amount_out
    is 0) or InsufficientLiquidity (an empty reserve, or an amount not below its reserve), from the
    last hop that fails.
    """
    amounts = [amount_out]
    for reserve_in, reserve_out, fee in reversed(list(hops)):
        amounts.append(get_amount_in(amounts[-1], reserve_in, reserve_out, fee))
    amounts.reverse()
    return amounts


def optimal_add_amounts(amount_a_desired, amount_b_desired, amount_a_min, amount_b_min, reserve_a, reserve_b):
    """What addLiquidity takes: (amount_a, amount_b).

    Into an empty pool (both reserves 0): the desired amounts.  Else B at the pool ratio for all of
    A, b = floor(a_des * rB / rA), if that fits b_des; otherwise A for all of B, floor(b_des * rA / rB).
    Rounds DOWN, so neither amount exceeds its desired amount and b/a never exceeds rB/rA in the first
    case (a/b never exceeds rA/rB in the second): the depositor never pays above the pool ratio.
    Raises InsufficientAmount (a desired amount of 0 is quoted), InsufficientLiquidity (exactly one
    reserve is 0), InsufficientBAmount / InsufficientAAmount (below a minimum).
    """
    if reserve_a == 0 and reserve_b == 0:
        return amount_a_desired, amount_b_desired
    amount_b_optimal = quote(amount_a_desired, reserve_a, reserve_b)
    if amount_b_optimal <= amount_b_desired:
        if amount_b_optimal < amount_b_min:
            raise InsufficientBAmount()
        return amount_a_desired, amount_b_optimal
    amount_a_optimal = quote(amount_b_desired, reserve_b, reserve_a)
    if amount_a_optimal < amount_a_min:
        raise InsufficientAAmount()
    return amount_a_optimal, amount_b_desired


def removal_amounts(liquidity, balance_a, balance_b, total_supply):
    """What burning ``liquidity`` LP pays: (liquidity * balance_a // S, liquidity * balance_b // S).

    The pool's token BALANCES (donations included) and its total supply AFTER the protocol-fee mint.
    Rounds DOWN (against the burner).  Raises InsufficientLiquidityBurned when either is 0.
    """
    amount_a = burn_amount(liquidity, balance_a, total_supply)
    amount_b = burn_amount(liquidity, balance_b, total_supply)
    if amount_a == 0 or amount_b == 0:
        raise InsufficientLiquidityBurned()
    return amount_a, amount_b


# --- ETH ledger ----------------------------------------------------------------------------------

class Ether:
    """Native ETH balances (address -> wei).  Moves between any two addresses, address(0) included."""

    __slots__ = ("balances",)

    def __init__(self, balances=None):
        self.balances = dict(balances or {})

    def balance_of(self, addr):
        return self.balances.get(addr, 0)

    def move(self, frm, to, amount):
        """Send ``amount`` wei.  A shortfall is not a revert but an impossible transaction: ValueError."""
        balance = self.balances.get(frm, 0)
        if amount < 0 or amount > balance:
            raise ValueError(f"{frm} cannot send {amount} wei (has {balance})")
        if amount:
            self.balances[frm] = balance - amount
            self.balances[to] = self.balances.get(to, 0) + amount

    def copy(self):
        return Ether(self.balances)

    def __deepcopy__(self, memo):
        new = self.copy()
        memo[id(self)] = new
        return new

    def _save(self):
        return dict(self.balances)

    def _load(self, state):
        self.balances = dict(state)


# --- the router ----------------------------------------------------------------------------------

def _key(address):
    return int(address, 16)


class Router:
    """contracts/Router.sol over a model ``world`` (python_model.World) at ``address``.

    ``weth`` is the WETH9 ledger (a Token; registered in the world so snapshots cover it) and ``eth``
    the native balances (an Ether).  ``pool_address(token0, token1, fee)`` gives the CREATE2 address
    of a pool that does not exist yet (the chain's ``Router.poolFor``); without it the factory model's
    placeholder is used for new pools.  ``contracts`` lists addresses that refuse plain ETH (the
    router, pools, tokens and the factory always do; WETH takes it as a deposit).

    Every method takes the caller as ``sender`` and the block time as ``timestamp``; payable ones take
    ``value`` (wei sent, moved from sender to the router before anything runs).  The tier overloads
    are the same methods with ``fee=`` (liquidity) or ``fees=`` (swaps, path views).
    """

    def __init__(self, world, weth, address, *, eth=None, pool_address=None, contracts=()):
        self.world = world
        self.weth = world.add_token(weth)
        self.address = address
        self.eth = eth if eth is not None else Ether()
        self.pool_address = pool_address
        self.contracts = set(contracts)

    @property
    def factory(self):
        return self.world.factory

    # --- views -----------------------------------------------------------------------------------

    def pool(self, token_a, token_b, fee):
        """The model Pool of two token addresses at ``fee``, or None."""
        return self.factory.get_pool(token_a, token_b, fee)

    def reserves(self, token_in, token_out, fee):
        """(reserve_in, reserve_out) of the pool; (0, 0) when it does not exist (the contract reads an
        address without code as an empty pool)."""
        pool = self.pool(token_in, token_out, fee)
        if pool is None:
            return 0, 0
        if _key(token_in) < _key(token_out):
            return pool.reserve0, pool.reserve1
        return pool.reserve1, pool.reserve0

    def hops(self, path, fees=None):
        """((reserve_in, reserve_out, fee), ...) along ``path`` at the current reserves (raises InvalidPath)."""
        tiers = hop_fees(path, fees)
        return [self.reserves(path[i], path[i + 1], tiers[i]) + (tiers[i],) for i in range(len(tiers))]

    def get_amounts_out(self, amount_in, path, fees=None):
        """getAmountsOut: each hop at its pool's current reserves."""
        return get_amounts_out(amount_in, self.hops(path, fees))

    def get_amounts_in(self, amount_out, path, fees=None):
        """getAmountsIn: each hop at its pool's current reserves, from the last back."""
        return get_amounts_in(amount_out, self.hops(path, fees))

    # --- liquidity -----------------------------------------------------------------------------

    def add_liquidity(self, sender, token_a, token_b, amount_a_desired, amount_b_desired, amount_a_min,
                      amount_b_min, to, deadline, *, timestamp, fee=DEFAULT_FEE):
        """addLiquidity: returns (amount_a, amount_b, liquidity).  Creates the pool if missing."""
        def run():
            check_deadline(deadline, timestamp)
            pool, amount_a, amount_b = self._add_liquidity(
                token_a, token_b, fee, amount_a_desired, amount_b_desired, amount_a_min, amount_b_min)
            self._transfer_from(token_a, sender, pool.address, amount_a)
            self._transfer_from(token_b, sender, pool.address, amount_b)
            return amount_a, amount_b, pool.mint(to, timestamp=timestamp)
        return self._atomic(run)

    def add_liquidity_eth(self, sender, value, token, amount_token_desired, amount_token_min, amount_eth_min,
                          to, deadline, *, timestamp, fee=DEFAULT_FEE):
        """addLiquidityETH: returns (amount_token, amount_eth, liquidity); refunds value - amount_eth."""
        def run():
            self.eth.move(sender, self.address, value)
            check_deadline(deadline, timestamp)
            pool, amount_token, amount_eth = self._add_liquidity(
                token, self.weth.address, fee, amount_token_desired, value, amount_token_min, amount_eth_min)
            self._transfer_from(token, sender, pool.address, amount_token)
            self._wrap_to(pool.address, amount_eth)
            liquidity = pool.mint(to, timestamp=timestamp)
            if value > amount_eth:
                self._send_eth(sender, value - amount_eth)
            return amount_token, amount_eth, liquidity
        return self._atomic(run)

    def remove_liquidity(self, sender, token_a, token_b, liquidity, amount_a_min, amount_b_min, to, deadline,
                         *, timestamp, fee=DEFAULT_FEE):
        """removeLiquidity (and removeLiquidityWithPermit once permitted): returns (amount_a, amount_b)."""
        def run():
            check_deadline(deadline, timestamp)
            return self._remove_liquidity(
                sender, token_a, token_b, fee, liquidity, amount_a_min, amount_b_min, to, timestamp)
        return self._atomic(run)

    def remove_liquidity_eth(self, sender, token, liquidity, amount_token_min, amount_eth_min, to, deadline,
                             *, timestamp, fee=DEFAULT_FEE):
        """removeLiquidityETH (and its permit variant): returns (amount_token, amount_eth)."""
        def run():
            check_deadline(deadline, timestamp)
            amount_token, amount_eth = self._remove_liquidity(
                sender, token, self.weth.address, fee, liquidity, amount_token_min, amount_eth_min,
                self.address, timestamp)
            self._transfer(token, to, amount_token)
            self._unwrap_to(to, amount_eth)
            return amount_token, amount_eth
        return self._atomic(run)

    def remove_liquidity_eth_supporting_fee_on_transfer_tokens(
            self, sender, token, liquidity, amount_token_min, amount_eth_min, to, deadline, *, timestamp,
            fee=DEFAULT_FEE):
        """removeLiquidityETHSupportingFeeOnTransferTokens: forwards the router's whole token balance;
        returns amount_eth."""
        def run():
            check_deadline(deadline, timestamp)
            _, amount_eth = self._remove_liquidity(
                sender, token, self.weth.address, fee, liquidity, amount_token_min, amount_eth_min,
                self.address, timestamp)
            self._transfer(token, to, self._token(token).balance_of(self.address))
            self._unwrap_to(to, amount_eth)
            return amount_eth
        return self._atomic(run)

    # --- swaps -----------------------------------------------------------------------------------

    def swap_exact_tokens_for_tokens(self, sender, amount_in, amount_out_min, path, to, deadline, *, timestamp,
                                     fees=None):
        """swapExactTokensForTokens: returns the amounts, [amount_in, out1, ..., outN]."""
        def run():
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            self._transfer_from(path[0], sender, self._pool_address(path[0], path[1], tiers[0]), amount_in)
            amounts = self._swap_exact_in(amount_in, path, tiers, to, timestamp)
            if amounts[-1] < amount_out_min:
                raise InsufficientOutputAmount()
            return amounts
        return self._atomic(run)

    def swap_tokens_for_exact_tokens(self, sender, amount_out, amount_in_max, path, to, deadline, *, timestamp,
                                     fees=None):
        """swapTokensForExactTokens: returns the amounts, [in, ..., amount_out]."""
        def run():
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            amounts = self._amounts_in(amount_out, path, tiers)
            if amounts[0] > amount_in_max:
                raise ExcessiveInputAmount()
            self._transfer_from(path[0], sender, self._pool_address(path[0], path[1], tiers[0]), amounts[0])
            self._swap(amounts, path, tiers, to, timestamp)
            return amounts
        return self._atomic(run)

    def swap_exact_eth_for_tokens(self, sender, value, amount_out_min, path, to, deadline, *, timestamp,
                                  fees=None):
        """swapExactETHForTokens: ``value`` wei in; path[0] must be WETH."""
        def run():
            self.eth.move(sender, self.address, value)
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            if path[0] != self.weth.address:
                raise InvalidPath()
            self._wrap_to(self._pool_address(path[0], path[1], tiers[0]), value)
            amounts = self._swap_exact_in(value, path, tiers, to, timestamp)
            if amounts[-1] < amount_out_min:
                raise InsufficientOutputAmount()
            return amounts
        return self._atomic(run)

    def swap_tokens_for_exact_eth(self, sender, amount_out, amount_in_max, path, to, deadline, *, timestamp,
                                  fees=None):
        """swapTokensForExactETH: ``amount_out`` wei to ``to``; the path must end with WETH."""
        def run():
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            if path[-1] != self.weth.address:
                raise InvalidPath()
            amounts = self._amounts_in(amount_out, path, tiers)
            if amounts[0] > amount_in_max:
                raise ExcessiveInputAmount()
            self._transfer_from(path[0], sender, self._pool_address(path[0], path[1], tiers[0]), amounts[0])
            self._swap(amounts, path, tiers, self.address, timestamp)
            self._unwrap_to(to, amount_out)
            return amounts
        return self._atomic(run)

    def swap_exact_tokens_for_eth(self, sender, amount_in, amount_out_min, path, to, deadline, *, timestamp,
                                  fees=None):
        """swapExactTokensForETH: the output is paid as ETH; the path must end with WETH."""
        def run():
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            if path[-1] != self.weth.address:
                raise InvalidPath()
            self._transfer_from(path[0], sender, self._pool_address(path[0], path[1], tiers[0]), amount_in)
            amounts = self._swap_exact_in(amount_in, path, tiers, self.address, timestamp)
            if amounts[-1] < amount_out_min:
                raise InsufficientOutputAmount()
            self._unwrap_to(to, amounts[-1])
            return amounts
        return self._atomic(run)

    def swap_eth_for_exact_tokens(self, sender, value, amount_out, path, to, deadline, *, timestamp, fees=None):
        """swapETHForExactTokens: pays the input from ``value`` (ExcessiveInputAmount if short), refunds the rest."""
        def run():
            self.eth.move(sender, self.address, value)
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            if path[0] != self.weth.address:
                raise InvalidPath()
            amounts = self._amounts_in(amount_out, path, tiers)
            if amounts[0] > value:
                raise ExcessiveInputAmount()
            self._wrap_to(self._pool_address(path[0], path[1], tiers[0]), amounts[0])
            self._swap(amounts, path, tiers, to, timestamp)
            if value > amounts[0]:
                self._send_eth(sender, value - amounts[0])
            return amounts
        return self._atomic(run)

    def swap_exact_tokens_for_tokens_supporting_fee_on_transfer_tokens(
            self, sender, amount_in, amount_out_min, path, to, deadline, *, timestamp, fees=None):
        """...SupportingFeeOnTransferTokens: hop inputs are pool balances above reserves; min checked on
        what ``to`` received.  Returns None, like the contract."""
        def run():
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            self._transfer_from(path[0], sender, self._pool_address(path[0], path[1], tiers[0]), amount_in)
            self._swap_fot_checked(path, tiers, to, amount_out_min, timestamp)
        return self._atomic(run)

    def swap_exact_eth_for_tokens_supporting_fee_on_transfer_tokens(
            self, sender, value, amount_out_min, path, to, deadline, *, timestamp, fees=None):
        """swapExactETHForTokensSupportingFeeOnTransferTokens."""
        def run():
            self.eth.move(sender, self.address, value)
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            if path[0] != self.weth.address:
                raise InvalidPath()
            self._wrap_to(self._pool_address(path[0], path[1], tiers[0]), value)
            self._swap_fot_checked(path, tiers, to, amount_out_min, timestamp)
        return self._atomic(run)

    def swap_exact_tokens_for_eth_supporting_fee_on_transfer_tokens(
            self, sender, amount_in, amount_out_min, path, to, deadline, *, timestamp, fees=None):
        """swapExactTokensForETHSupportingFeeOnTransferTokens: pays out the router's whole WETH as ETH."""
        def run():
            check_deadline(deadline, timestamp)
            tiers = hop_fees(path, fees)
            if path[-1] != self.weth.address:
                raise InvalidPath()
            self._transfer_from(path[0], sender, self._pool_address(path[0], path[1], tiers[0]), amount_in)
            self._swap_supporting_fee_on_transfer_tokens(path, tiers, self.address, timestamp)
            amount_out = self.weth.balance_of(self.address)
            if amount_out < amount_out_min:
                raise InsufficientOutputAmount()
            self._unwrap_to(to, amount_out)
        return self._atomic(run)

    # --- internals -------------------------------------------------------------------------------

    def _atomic(self, run):
        """Run ``run()``; if it raises, put every ledger back (a reverted transaction changes nothing)."""
        snapshot = (self.world.snapshot(), self.eth._save())
        try:
            return run()
        except BaseException:
            self.world.restore(snapshot[0])
            self.eth._load(snapshot[1])
            raise

    def _token(self, address):
        token = self.world.tokens.get(address)
        if token is None:
            token = self.world.add_token(Token(address))
        return token

    def _pool_address(self, token_a, token_b, fee):
        """The pool's address, existing or not (the contract computes it with CREATE2)."""
        pool = self.pool(token_a, token_b, fee)
        if pool is not None:
            return pool.address
        token0, token1 = (token_a, token_b) if _key(token_a) < _key(token_b) else (token_b, token_a)
        if self.pool_address is not None:
            return self.pool_address(token0, token1, fee)
        return f"missing-pool:{token0}:{token1}:{fee}"

    def _transfer_from(self, token, frm, to, amount):
        """SafeTransferLib.safeTransferFrom: any failure of the token is TransferFromFailed."""
        try:
            self._token(token).transfer(frm, to, amount)
        except PoolError:
            raise TransferFromFailed() from None

    def _transfer(self, token, to, amount):
        """SafeTransferLib.safeTransfer from the router: any failure of the token is TransferFailed."""
        try:
            self._token(token).transfer(self.address, to, amount)
        except PoolError:
            raise TransferFailed() from None

    def _wrap_to(self, pool_address, amount):
        """WETH.deposit{value: amount}() then WETH.transfer(pool, amount)."""
        self.eth.move(self.address, self.weth.address, amount)
        self.weth.mint(self.address, amount)
        self._transfer(self.weth.address, pool_address, amount)

    def _unwrap_to(self, to, amount):
        """WETH.withdraw(amount) then safeTransferETH(to, amount)."""
        weth = self.weth
        balance = weth.balance_of(self.address)
        if amount > balance:
            # Solady WETH's _burn. Reachable only when a token hook re-entered the router between a payout
            # and this unwrap and swept the router's WETH (swapExactTokensForETHSupportingFeeOnTransferTokens
            # pays out the router's whole WETH balance).
            raise InsufficientBalance()
        if amount:
            weth.balances[self.address] = balance - amount
            if not weth.balances[self.address]:
                del weth.balances[self.address]
            weth.total_supply -= amount
        self.eth.move(weth.address, self.address, amount)
        self._send_eth(to, amount)

    def _send_eth(self, to, amount):
        """safeTransferETH from the router.  Contracts without a payable fallback refuse it
        (ETHTransferFailed); WETH takes it as a deposit credited to the router."""
        refusers = self.contracts | {self.address} | set(self.world.tokens) | {p.address for p in self.world.pools}
        if self.factory.address is not None:
            refusers.add(self.factory.address)
        refusers.discard(self.weth.address)
        if to in refusers:
            raise ETHTransferFailed()
        self.eth.move(self.address, to, amount)
        if to == self.weth.address:
            self.weth.mint(self.address, amount)

    def _add_liquidity(self, token_a, token_b, fee, amount_a_desired, amount_b_desired, amount_a_min,
                       amount_b_min):
        pool = self.pool(token_a, token_b, fee)
        if pool is None:
            address = self._pool_address(token_a, token_b, fee) if self.pool_address is not None else None
            pool = self.factory.create_pool(self._token(token_a), self._token(token_b), fee, address=address)
        reserve_a, reserve_b = self.reserves(token_a, token_b, fee)
        amount_a, amount_b = optimal_add_amounts(
            amount_a_desired, amount_b_desired, amount_a_min, amount_b_min, reserve_a, reserve_b)
        return pool, amount_a, amount_b

    def _remove_liquidity(self, sender, token_a, token_b, fee, liquidity, amount_a_min, amount_b_min, to,
                          timestamp):
        pool = self.pool(token_a, token_b, fee)
        if pool is None:
            raise TransferFromFailed()  # the LP "token" at the pool's address has no code
        try:
            pool.transfer(sender, pool.address, liquidity)
        except PoolError:
            raise TransferFromFailed() from None
        amount0, amount1 = pool.burn(to, timestamp=timestamp)
        amount_a, amount_b = (amount0, amount1) if _key(token_a) < _key(token_b) else (amount1, amount0)
        if amount_a < amount_a_min:
            raise InsufficientAAmount()
        if amount_b < amount_b_min:
            raise InsufficientBAmount()
        return amount_a, amount_b

    def _swap_out(self, pool, token_in, token_out, amount_out, to, timestamp):
        if pool is None:
            raise PoolError("swap on a missing pool")  # unreachable: pricing a missing pool raised first
        if _key(token_in) < _key(token_out):
            pool.swap(0, amount_out, to, timestamp=timestamp)
        else:
            pool.swap(amount_out, 0, to, timestamp=timestamp)

    def _recipient(self, path, tiers, i, to):
        """Where hop i pays: the next hop's pool, or ``to`` after the last hop."""
        if i + 1 == len(tiers):
            return to
        return self._pool_address(path[i + 1], path[i + 2], tiers[i + 1])

    def _swap_exact_in(self, amount_in, path, tiers, to, timestamp):
        """The contract's streaming loop: price hop i at its pool's reserves now, swap, go on."""
        amounts = [amount_in]
        for i, fee in enumerate(tiers):
            token_in, token_out = path[i], path[i + 1]
            recipient = self._recipient(path, tiers, i, to)
            reserve_in, reserve_out = self.reserves(token_in, token_out, fee)
            amount_out = get_amount_out(amounts[-1], reserve_in, reserve_out, fee)
            self._swap_out(self.pool(token_in, token_out, fee), token_in, token_out, amount_out, recipient,
                           timestamp)
            amounts.append(amount_out)
        return amounts

    def _amounts_in(self, amount_out, path, tiers):
        return get_amounts_in(amount_out, [
            self.reserves(path[i], path[i + 1], fee) + (fee,) for i, fee in enumerate(tiers)])

    def _swap(self, amounts, path, tiers, to, timestamp):
        """Run precomputed amounts along the path (exact output)."""
        for i, fee in enumerate(tiers):
            token_in, token_out = path[i], path[i + 1]
            self._swap_out(self.pool(token_in, token_out, fee), token_in, token_out, amounts[i + 1],
                           self._recipient(path, tiers, i, to), timestamp)

    def _swap_supporting_fee_on_transfer_tokens(self, path, tiers, to, timestamp):
        for i, fee in enumerate(tiers):
            token_in, token_out = path[i], path[i + 1]
            recipient = self._recipient(path, tiers, i, to)
            pool = self.pool(token_in, token_out, fee)
            reserve_in, reserve_out = self.reserves(token_in, token_out, fee)
            balance = self._token(token_in).balance_of(pool.address if pool is not None
                                                       else self._pool_address(token_in, token_out, fee))
            if balance < reserve_in:
                raise Panic(0x11)  # checked subtraction; unreachable with honest ledgers
            amount_out = get_amount_out(balance - reserve_in, reserve_in, reserve_out, fee)
            self._swap_out(pool, token_in, token_out, amount_out, recipient, timestamp)

    def _swap_fot_checked(self, path, tiers, to, amount_out_min, timestamp):
        token_out = self._token(path[-1])
        balance_before = token_out.balance_of(to)
        self._swap_supporting_fee_on_transfer_tokens(path, tiers, to, timestamp)
        balance_after = token_out.balance_of(to)
        if balance_after < balance_before or balance_after - balance_before < amount_out_min:
            raise InsufficientOutputAmount()
