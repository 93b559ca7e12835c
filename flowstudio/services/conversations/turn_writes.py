"""Writing a turn: the conversation's row and the turn's new messages, in two statements built once.

Nearly every turn changes the same things: a few columns of its conversation (the flow session, the
times) and one to a few new messages. The ORM's unit of work spent more time deciding how to write them
(history of every attribute, dependency sort, a statement keyed and looked up per flush) than the two
statements took to run; here they are written directly with statements built once per shape, sealed at
rest exactly as the flush listener would (`flowstudio.models.sealing`), and the objects are left as a
flush leaves them: the conversation clean, the messages with their ids. Anything else in the session (an
event, a contact's variables, a handoff's changes, a deletion) goes through the ORM's flush, as before.

`FLOWSTUDIO_FAST_PATH=0` (`Settings.fast_path`) makes `flush_turn` a plain `session.flush()`: the plain path,
kept and tested beside this one (`tests/app/conversations/test_turn_writes.py` checks both leave the same
rows, on SQLite and PostgreSQL). This module is the only place using SQLAlchemy's private
`InstanceState._commit_all` (in `_as_flushed`); SQLAlchemy is pinned exactly in pyproject.toml for it.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import InstanceState
from sqlmodel import Session

from flowstudio.models import Conversation, Message
from flowstudio.models.sealing import Policy, message_at_rest, policy_for, session_at_rest
from flowstudio.settings import get_settings

_MESSAGES = cast(sa.Table, sa.inspect(Message).local_table)  # (`Message.__table__`, typed)
_CONVERSATIONS = cast(sa.Table, sa.inspect(Conversation).local_table)
_MESSAGE_COLUMNS = tuple(column.key for column in _MESSAGES.columns if column.key != "id")
_CONVERSATION_COLUMNS = frozenset(column.key for column in _CONVERSATIONS.columns if column.key != "id")
_INSERT_MESSAGES = _MESSAGES.insert().returning(_MESSAGES.c.id, sort_by_parameter_order=True)
_updates: dict[frozenset[str], sa.Update] = {}


def _update_of(columns: frozenset[str]) -> sa.Update:
    """The conversation UPDATE setting `columns` (one statement per set of columns a turn changes: a few)."""
    statement = _updates.get(columns)
    if statement is None:
        statement = _updates[columns] = (
            _CONVERSATIONS.update()
            .where(_CONVERSATIONS.c.id == sa.bindparam("id_"))
            .values({name: sa.bindparam(f"{name}_") for name in sorted(columns)})
        )
    return statement


def flush_turn(session: Session, conversation: Conversation) -> None:
    """Write what a turn of `conversation` left pending in `session`, as `session.flush()` would."""
    if not get_settings().fast_path:
        session.flush()
        return
    changed_objects = session.dirty
    messages = _turn_messages(session, conversation, changed_objects)
    if messages is None:
        session.flush()
        return
    state, dirty = sa.inspect(conversation), conversation in changed_objects
    changed = frozenset(state.manager.keys() - state.unmodified) if dirty else frozenset()
    if not changed <= _CONVERSATION_COLUMNS or not changed <= conversation.__dict__.keys():
        session.flush()  # not a plain column change (a relationship? expired and set again?): the ORM sorts it out
        return
    policy = policy_for(session, conversation.workspace_id)
    connection = session.connection()
    if changed:
        values = {f"{name}_": conversation.__dict__[name] for name in changed}
        if "session_" in values:
            values["session_"] = session_at_rest(policy, conversation.workspace_id, values["session_"])
        connection.execute(_update_of(changed), {"id_": conversation.id, **values})
    if dirty:
        _as_flushed(state, session)
    if messages:
        rows = [_row(policy, message) for message in messages]
        ids = connection.execute(_INSERT_MESSAGES, rows).scalars().all()
        for message, message_id in zip(messages, ids, strict=True):
            session.expunge(message)  # written: nothing more for the session to do with it
            message.id = message_id


def _as_flushed(state: InstanceState[Conversation], session: Session) -> None:
    """What a flush ends an object's write with: the values it holds (plaintext) become the committed ones,
    the object clean, out of the session's dirty set.

    SQLAlchemy has no public call for this (`set_committed_value` commits one attribute but leaves the object
    in `session.dirty`); its private `InstanceState._commit_all` is what its own flush calls. Pinned
    (pyproject.toml) and checked by tests/app/conversations/test_turn_writes.py.
    """
    state._commit_all(state.dict, session.identity_map)


def _turn_messages(session: Session, conversation: Conversation, changed_objects: Any) -> list[Message] | None:
    """The session's pending objects when they are only new messages of `conversation` (in the order they
    were added) and nothing but the conversation changed (`changed_objects`: the session's dirty ones); else
    None."""
    if session.deleted or any(obj is not conversation for obj in changed_objects):
        return None
    messages: list[Any] = list(session.new)
    if any(
        type(message) is not Message
        or message.conversation_id != conversation.id
        or message.id is not None
        or not all(name in message.__dict__ for name in _MESSAGE_COLUMNS)
        for message in messages
    ):
        return None
    messages.sort(key=lambda message: sa.inspect(message).insert_order)
    return messages


def _row(policy: Policy, message: Message) -> dict[str, Any]:
    values = message.__dict__
    row = {name: values[name] for name in _MESSAGE_COLUMNS}
    row["text"], row["payload"] = message_at_rest(policy, message.conversation_id, row["text"], row["payload"])
    return row
