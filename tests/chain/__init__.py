"""The chain interface the property tests are written against, and its two backends."""

from .artifacts import Artifacts
from .backend import Chain, Contract, HarnessError, Receipt, Reverted, Snapshot

__all__ = ["Artifacts", "Chain", "Contract", "HarnessError", "Receipt", "Reverted", "Snapshot"]
