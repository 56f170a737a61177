"""ERC-20 ledger of a test token (contracts/test/TestERC20.sol, OpenZeppelin ERC20).

Addresses are hex strings used verbatim as dictionary keys: use one spelling everywhere (the
chain's checksummed form).  Only ordering (token0 < token1) converts them with ``int(addr, 16)``.
The ledger is canonical: an account whose balance is 0 has no entry in ``balances``.
"""

from .amm_math import UINT256_MAX
from .errors import ERC20InsufficientBalance, ERC20InvalidReceiver, ERC20InvalidSender, Panic

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def debit(balances, holder, amount):
    """Take ``amount`` (at most the balance, checked by the caller) from ``holder``; exact. A balance
    that reaches 0 leaves no entry, so ledgers stay canonical."""
    balance = balances.get(holder, 0)
    if amount == balance:
        balances.pop(holder, None)
    else:
        balances[holder] = balance - amount


def move(balances, frm, to, amount):
    """Move ``amount`` (at most frm's balance, checked by the caller) from ``frm`` to ``to``; exact."""
    if amount:
        debit(balances, frm, amount)
        balances[to] = balances.get(to, 0) + amount


class Token:
    """One ERC-20: address, decimals, ``balances`` (address -> int) and ``total_supply``."""

    __slots__ = ("address", "name", "symbol", "decimals", "balances", "total_supply")

    def __init__(self, address, decimals=18, name="", symbol=""):
        self.address = address
        self.name = name
        self.symbol = symbol
        self.decimals = decimals
        self.balances = {}
        self.total_supply = 0

    def balance_of(self, addr):
        """Balance of ``addr`` (0 when it never held the token)."""
        return self.balances.get(addr, 0)

    def mint(self, to, amount):
        """TestERC20.mint: create ``amount`` for ``to`` (exact).

        Raises ERC20InvalidReceiver (to is address(0)) or Panic (total supply over 2**256 - 1).
        """
        if amount < 0:
            raise ValueError("negative amount")
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        total_supply = self.total_supply + amount
        if total_supply > UINT256_MAX:
            raise Panic()
        self.total_supply = total_supply
        if amount:
            self.balances[to] = self.balances.get(to, 0) + amount

    def transfer(self, frm, to, amount):
        """Move ``amount`` from ``frm`` to ``to`` (exact; zero amounts and frm == to allowed).

        Raises ERC20InvalidSender / ERC20InvalidReceiver (address(0)) or ERC20InsufficientBalance.
        """
        self.check_transfer(frm, to, amount)
        move(self.balances, frm, to, amount)

    def check_transfer(self, frm, to, amount):
        """OpenZeppelin ERC20's checks, in its order; returns the sender's balance."""
        if amount < 0:
            raise ValueError("negative amount")
        if frm == ZERO_ADDRESS:
            raise ERC20InvalidSender()
        if to == ZERO_ADDRESS:
            raise ERC20InvalidReceiver()
        balance = self.balances.get(frm, 0)
        if amount > balance:
            raise ERC20InsufficientBalance()
        return balance

    # --- snapshots ---------------------------------------------------------------------------

    def copy(self):
        """Independent copy of this ledger (a token references nothing else)."""
        new = Token.__new__(Token)
        new.address = self.address
        new.name = self.name
        new.symbol = self.symbol
        new.decimals = self.decimals
        new.balances = dict(self.balances)
        new.total_supply = self.total_supply
        return new

    def __deepcopy__(self, memo):
        new = self.copy()
        memo[id(self)] = new
        return new

    def _save(self):
        """State for an in-place restore (see World.snapshot)."""
        return (dict(self.balances), self.total_supply)

    def _load(self, state):
        balances, self.total_supply = state
        self.balances = dict(balances)

    def __repr__(self):
        return f"Token({self.symbol or self.address}, supply={self.total_supply}, holders={len(self.balances)})"
