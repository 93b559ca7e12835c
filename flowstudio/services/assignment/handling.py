"""Conversations in human hands: waiting in a queue, assigned to an agent, transferred, closed, rated.

Two layers:

- functions taking ``session=`` and a locked `Conversation` row work inside a caller's transaction (the
  inbound path, which already holds the contact's lock). They return the outbound messages they queued
  as ``[(message id, countdown)]`` for the caller to hand to `enqueue_deliveries` after commit.
- action functions (`accept`, `pick`, `transfer`, `close`, `send_agent_message`, `assign_waiting`...) take
  ids, hold the conversation's lock (`flowstudio.services.conversations.locks`) and its row lock, commit, then queue
  the deliveries themselves. These are what pages and the API call.

One owner at a time: every assignment locks the conversation row (``FOR UPDATE``) and re-reads its owner,
locks the queue row while choosing (so round robin's cursor and loads are read by one chooser at a time)
and the chosen agent's profile row while counting their load against their capacity.

The modules: `queueing` (enqueue, assign, position in line), `handoffs` (back to a bot, close, a flow's
hand-off), `csat`, `owner_actions` (pick, accept, transfer, reroute) and `conversation_actions` (close, archive,
write, read, priority) on top of `locking`, `agent_choice` (who has room), `system_messages`, `sweep` (the
periodic pass) and `monitor`. This module holds what they share: `AssignmentError`, `ACTIVE`, `Deliveries`.
"""

from __future__ import annotations

from flowstudio.errors import Conflict, Forbidden, Invalid, NotFound
from flowstudio.models import ConversationStatus

ACTIVE = (ConversationStatus.OPEN, ConversationStatus.PENDING)

Deliveries = list[tuple[int, float]]


class AssignmentError(Invalid):
    """An action on a conversation that cannot be done: an i18n key (``errors.assignment.*``) and its parameters."""


class AssignmentNotFound(AssignmentError, NotFound):
    """The conversation, queue or bot named is not in the workspace."""


class AssignmentConflict(AssignmentError, Conflict):
    """The conversation is no longer in the state the action needs (closed, no longer waiting, a bot has it)."""


class AssignmentForbidden(AssignmentError, Forbidden):
    """The member may not do this (not in the workspace, or not serving the conversation's queue)."""
