"""A whole model world (factory, pools, token ledgers) with cheap snapshot / restore.

Two ways to go back in time, both exact:

* ``snap = world.snapshot()`` ... ``world.restore(snap)`` -- in place.  Every object keeps its
  identity, so references a test holds (``pool = world.pool(a, b, 30)``) stay valid.  Pools and
  tokens registered after the snapshot disappear from the registries.  A snapshot can be restored
  any number of times (pair it with the chain's snapshot id).
* ``other = world.copy()`` (or ``copy.deepcopy`` of a World, Factory, Pool, Token or any container
  of them) -- an independent world.  Shared objects stay shared in the copy: two pools on the same
  token point at one copied Token ledger.
"""

from copy import deepcopy


class World:
    """``factory`` (with its pools) and ``tokens`` (address -> Token)."""

    __slots__ = ("factory", "tokens")

    def __init__(self, factory, tokens=()):
        self.factory = factory
        self.tokens = {}
        for token in tokens:
            self.add_token(token)

    def add_token(self, token):
        """Register a Token ledger so snapshots cover it; returns it."""
        self.tokens[token.address] = token
        return token

    def token(self, address):
        return self.tokens[address]

    def pool(self, token_a, token_b, fee):
        """Pool for the pair and tier in either order, else None (Factory.get_pool)."""
        return self.factory.get_pool(token_a, token_b, fee)

    @property
    def pools(self):
        """All pools in creation order."""
        return self.factory.all_pools

    def _objects(self):
        objects = {id(self.factory): self.factory}
        for pool in self.factory.all_pools:
            objects[id(pool)] = pool
            objects[id(pool.token0)] = pool.token0
            objects[id(pool.token1)] = pool.token1
        for token in self.tokens.values():
            objects[id(token)] = token
        return objects.values()

    def snapshot(self):
        """Opaque saved state of every ledger in the world (for ``restore``)."""
        return (dict(self.tokens), [(obj, obj._save()) for obj in self._objects()])

    def restore(self, snapshot):
        """Put every ledger back to ``snapshot``, in place (object identities are preserved)."""
        tokens, saved = snapshot
        self.tokens = dict(tokens)
        for obj, state in saved:
            obj._load(state)

    def copy(self):
        """Independent deep copy of the whole world."""
        return deepcopy(self)

    def __deepcopy__(self, memo):
        new = World.__new__(World)
        memo[id(self)] = new
        new.factory = deepcopy(self.factory, memo)
        new.tokens = {address: deepcopy(token, memo) for address, token in self.tokens.items()}
        return new

    def __repr__(self):
        return f"World({self.factory!r}, tokens={list(self.tokens)})"
