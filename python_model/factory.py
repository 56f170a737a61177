"""Factory model (contracts/Factory.sol): fee tiers, the protocol-fee switch and the pool registry."""

from copy import deepcopy

from .errors import (
    FeeTierAlreadyEnabled,
    FeeTierNotEnabled,
    IdenticalAddresses,
    InvalidFee,
    PoolExists,
    Unauthorized,
    ZeroAddress,
)
from .pool import Pool
from .token import ZERO_ADDRESS, Token

DEFAULT_FEE_TIERS = (1, 5, 30, 100)


def sort_tokens(token_a, token_b):
    """(token0, token1) with token0 the smaller address as an integer (exact ordering, no rounding)."""
    if int(token_a.address, 16) < int(token_b.address, 16):
        return token_a, token_b
    return token_b, token_a


def _ledger(address, tokens):
    token = tokens.get(address) if tokens else None
    return token if token is not None else Token(address)


def _address_of(token_or_address):
    return getattr(token_or_address, "address", token_or_address)


class Factory:
    """owner, fee_to (None = protocol fee off), fee_tiers (enabled bps), pools keyed (token0, token1, fee).

    ``all_pools`` lists pools in creation order (allPools(i)).  Pools reference their factory (for
    feeTo) and their two Token ledgers.
    """

    __slots__ = ("address", "owner", "fee_to", "fee_tiers", "pools", "all_pools")

    def __init__(self, owner, address=None, fee_tiers=DEFAULT_FEE_TIERS):
        self.address = address
        self.owner = owner
        self.fee_to = None
        self.fee_tiers = set(fee_tiers)
        self.pools = {}
        self.all_pools = []

    # --- views -------------------------------------------------------------------------------

    def fee_tier_enabled(self, fee):
        return fee in self.fee_tiers

    def get_pool(self, token_a, token_b, fee):
        """Pool for the pair and tier in either token order (Token objects or addresses), else None."""
        a, b = _address_of(token_a), _address_of(token_b)
        if int(a, 16) > int(b, 16):
            a, b = b, a
        return self.pools.get((a, b, fee))

    def all_pools_length(self):
        return len(self.all_pools)

    # --- owner functions ---------------------------------------------------------------------

    def set_fee_to(self, fee_to, *, sender):
        """onlyOwner: set the protocol-fee recipient; None or address(0) switches the fee off."""
        if sender != self.owner:
            raise Unauthorized()
        self.fee_to = None if fee_to == ZERO_ADDRESS else fee_to

    def enable_fee_tier(self, fee, *, sender):
        """onlyOwner: enable ``fee`` bps.  Raises Unauthorized, InvalidFee, FeeTierAlreadyEnabled (in that order)."""
        if sender != self.owner:
            raise Unauthorized()
        if fee <= 0 or fee >= 10000:
            raise InvalidFee()
        if fee in self.fee_tiers:
            raise FeeTierAlreadyEnabled()
        self.fee_tiers.add(fee)

    # --- pool creation -----------------------------------------------------------------------

    def create_pool(self, token_a, token_b, fee, address=None, tokens=None):
        """Create the pool for two tokens and a tier; returns the model Pool.

        token_a / token_b are Token ledgers, or addresses looked up in ``tokens`` (address -> Token);
        an address missing there gets a fresh empty ledger (the contract accepts any address).
        ``address`` should be the pool address the chain returned (CREATE2 is not modelled); by
        default a placeholder derived from the pool index is used.
        Raises IdenticalAddresses, ZeroAddress, FeeTierNotEnabled, PoolExists (in that order).
        """
        if isinstance(token_a, str):
            token_a = _ledger(token_a, tokens)
        if isinstance(token_b, str):
            token_b = _ledger(token_b, tokens)
        if int(token_a.address, 16) == int(token_b.address, 16):
            raise IdenticalAddresses()
        token0, token1 = sort_tokens(token_a, token_b)
        if int(token0.address, 16) == 0:
            raise ZeroAddress()
        if fee not in self.fee_tiers:
            raise FeeTierNotEnabled()
        key = (token0.address, token1.address, fee)
        if key in self.pools:
            raise PoolExists()
        if address is None:
            address = "0x%040x" % ((0x7D << 152) | (len(self.all_pools) + 1))
        pool = Pool(address, self, token0, token1, fee)
        self.pools[key] = pool
        self.all_pools.append(pool)
        return pool

    # --- snapshots ---------------------------------------------------------------------------

    def __deepcopy__(self, memo):
        new = type(self).__new__(type(self))  # a subclass (HostileFactory) stays one
        memo[id(self)] = new  # before the pools: they point back here
        new.address = self.address
        new.owner = self.owner
        new.fee_to = self.fee_to
        new.fee_tiers = set(self.fee_tiers)
        new.pools = {key: deepcopy(pool, memo) for key, pool in self.pools.items()}
        new.all_pools = [deepcopy(pool, memo) for pool in self.all_pools]
        return new

    def _save(self):
        """State for an in-place restore (see World.snapshot); pools are saved separately."""
        return (self.owner, self.fee_to, frozenset(self.fee_tiers), dict(self.pools), tuple(self.all_pools))

    def _load(self, state):
        self.owner, self.fee_to, fee_tiers, pools, all_pools = state
        self.fee_tiers = set(fee_tiers)
        self.pools = dict(pools)
        self.all_pools = list(all_pools)

    def __repr__(self):
        return f"Factory(owner={self.owner}, fee_to={self.fee_to}, tiers={sorted(self.fee_tiers)}, pools={len(self.all_pools)})"
