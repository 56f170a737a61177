"""The property every differential rule starts with: the model and the chain agree on an operation's
outcome (both succeed, or both revert with the same error name)."""

from __future__ import annotations

import python_model as model
from chain import Reverted


def agree(model_op, chain_op):
    """Run one operation on the model, then on the chain. Both succeed or both revert with the same error
    name; anything else fails the property `outcomes_agree`. Returns (model result, chain receipt, error
    name): the first two are None on a revert, the name is None on success."""
    try:
        expected, model_error = model_op(), None
    except model.ModelError as exc:
        expected, model_error = None, type(exc).__name__
    try:
        receipt, chain_error = chain_op(), None
    except Reverted as exc:
        receipt, chain_error = None, exc.name
    assert model_error == chain_error, f"outcomes_agree: model {said(model_error)}, chain {said(chain_error)}"
    return expected, receipt, chain_error


def said(error):
    """An outcome for a message: 'ok', the error name, or 'empty revert' (a revert without data)."""
    if error is None:
        return "ok"
    return error or "empty revert"
