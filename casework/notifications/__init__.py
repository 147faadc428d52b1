"""Notifications: an outbox written in the caller's transaction, delivered by SMTP (issue 5).

- :func:`enqueue` renders a mail template in the recipient's language (EN fallback) and adds an
  ``outbox`` row in the caller's transaction, idempotent on its key;
- :func:`letter` renders the text of a letter sent via the candidate's account, the same way;
- :func:`decision_reasons` tells a candidate what a competition decision is and rests on, in their
  language, from its columns and basis (never its English reason);
- :func:`deliver` sends due messages by SMTP with retries and backoff (at least once, with the key
  as Message-ID so that a receiver can drop a duplicate);
- :func:`backlog` and :func:`retry_failed` are what administrators see and do.
"""
from .decisions import decision_facts, decision_reasons
from .models import OutboxMessage, OutboxStatus
from .outbox import backlog, enqueue, message_id, retry_failed
from .sender import DeliveryReport, backoff, deliver
from .templates import TemplateError, letter, render

__all__ = ["DeliveryReport", "OutboxMessage", "OutboxStatus", "TemplateError", "backlog", "backoff",
           "decision_facts", "decision_reasons", "deliver", "enqueue", "letter", "message_id", "render",
           "retry_failed"]
