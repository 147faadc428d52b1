"""Named signals sent after a case changed, inside the caller's transaction (blinker).

Subscribers (notifications, the scheduler's due rows) write their rows in the same transaction,
so that a change and what it causes are committed or rolled back together.
"""
from blinker import Namespace

_signals = Namespace()

#: sent with ``case``, ``trigger``, ``actor``, ``from_state``, ``to_state``, ``session``
case_changed = _signals.signal("case-changed")
