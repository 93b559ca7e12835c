"""Human queues: their settings (business hours, assignment strategy, waits, messages, CSAT) and CRUD.

Business hours are ``{"timezone": "America/Sao_Paulo", "days": {"mon": [["09:00", "18:00"]], ...}}``:
weekdays ``mon``..``sun`` with ``HH:MM`` intervals in that time zone (``24:00`` ends a day); a day left
out is closed; no ``days`` at all means always open.

Messages to the customer are templates: ``{position}`` (place in line), ``{queue}`` (the queue's name)
and ``{opens}`` (the next opening, local time). An empty closed/CSAT message uses the default text in
the conversation's language; an empty position message sends none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from flowstudio.errors import Conflict, Invalid, NotFound
from flowstudio.models import (
    AgentQueue,
    AssignmentStrategy,
    Conversation,
    Membership,
    OwnerType,
    Queue,
    RoutingRule,
    as_utc,
    utcnow,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "position": {
        "pt": "Você é o {position}º da fila. Já vamos te atender.",
        "es": "Eres el número {position} en la fila. Enseguida te atendemos.",
        "en": "You are number {position} in line. We'll be with you shortly.",
        "fr": "Vous êtes le numéro {position} dans la file. Nous arrivons bientôt.",
    },
    "closed": {
        "pt": "Estamos fora do horário de atendimento. Sua conversa ficou na fila e será atendida assim que "
        "abrirmos ({opens}).",
        "es": "Estamos fuera del horario de atención. Tu conversación quedó en la fila y la atenderemos en "
        "cuanto abramos ({opens}).",
        "en": "We are outside business hours. Your conversation is in line and will be answered as soon as "
        "we open ({opens}).",
        "fr": "Nous sommes en dehors des heures d'ouverture. Votre conversation est dans la file et sera traitée "
        "dès l'ouverture ({opens}).",
    },
    "csat": {
        "pt": "Como você avalia este atendimento? Responda com um número de 1 (ruim) a 5 (ótimo).",
        "es": "¿Cómo calificas esta atención? Responde con un número del 1 (mala) al 5 (excelente).",
        "en": "How would you rate this conversation? Reply with a number from 1 (poor) to 5 (great).",
        "fr": "Comment évaluez-vous cet échange ? Répondez par un chiffre de 1 (mauvais) à 5 (excellent).",
    },
    "csat_thanks": {
        "pt": "Obrigado pela sua avaliação!",
        "es": "¡Gracias por tu calificación!",
        "en": "Thank you for your rating!",
        "fr": "Merci pour votre évaluation !",
    },
}


_TOO_LONG = {
    "position_message": "errors.queue.too_long_position_message",
    "closed_message": "errors.queue.too_long_closed_message",
    "csat_question": "errors.queue.too_long_csat_question",
}


class QueueError(Invalid):
    """A queue operation that cannot be done; its i18n key says why (shown to the user in their language)."""


class QueueNotFound(QueueError, NotFound):
    """No such queue in the workspace."""


class QueueConflict(QueueError, Conflict):
    """The key is taken, it is the default queue, or conversations still wait in it."""


def default_text(kind: str, language: str | None) -> str:
    """A customer-facing default text (``position``, ``closed``, ``csat``, ``csat_thanks``) in a language."""
    texts = DEFAULT_TEXTS[kind]
    return texts.get((language or "pt")[:2], texts["pt"])


def render(template: str, **values: Any) -> str:
    """Fill ``{position}``, ``{queue}``, ``{opens}`` in a template; unknown placeholders stay as written."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


# --------------------------------------------------------------------------------------------- business hours


def clean_business_hours(hours: dict[str, Any] | None) -> dict[str, Any]:
    """Check and normalise business hours (see the module docs); ``{}`` = always open.

    Raises:
        QueueError: an unknown time zone or weekday, a time not ``HH:MM``, or an interval that ends
            before it starts.
    """
    if not hours:
        return {}
    if not isinstance(hours, dict):
        raise QueueError("errors.queue.hours_shape")
    zone = str(hours.get("timezone") or "UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise QueueError("errors.queue.time_zone", zone=zone) from error
    days = hours.get("days")
    if days is None:
        return {"timezone": zone}
    if not isinstance(days, dict):
        raise QueueError("errors.queue.days_shape")
    clean: dict[str, list[list[str]]] = {}
    for day, intervals in days.items():
        if day not in WEEKDAYS:
            raise QueueError("errors.queue.weekday", day=day, choices=", ".join(WEEKDAYS))
        spans = []
        for interval in intervals or []:
            if not isinstance(interval, (list, tuple)) or len(interval) != 2:
                raise QueueError("errors.queue.interval_shape", day=day)
            start, end = (str(v).strip() for v in interval)
            if not _HHMM.match(start) or not _HHMM.match(end) or start > "24:00" or end > "24:00":
                raise QueueError("errors.queue.interval_times", day=day, start=start, end=end)
            if end <= start:
                raise QueueError("errors.queue.interval_order", day=day, start=start, end=end)
            spans.append([start, end])
        clean[day] = sorted(spans)
    return {"timezone": zone, "days": clean}


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def is_open(queue: Queue, at: datetime | None = None) -> bool:
    """Whether the queue is within business hours at `at` (now by default)."""
    hours = queue.business_hours or {}
    days = hours.get("days")
    if days is None:
        return True
    local = as_utc(at or utcnow()).astimezone(ZoneInfo(hours.get("timezone") or "UTC"))
    minute = local.hour * 60 + local.minute
    return any(_minutes(start) <= minute < _minutes(end) for start, end in days.get(WEEKDAYS[local.weekday()], []))


def next_opening(queue: Queue, at: datetime | None = None) -> datetime | None:
    """When the queue next opens after `at` (aware, in its time zone); None if always open or never."""
    hours = queue.business_hours or {}
    days = hours.get("days")
    if days is None:
        return None
    zone = ZoneInfo(hours.get("timezone") or "UTC")
    local = as_utc(at or utcnow()).astimezone(zone)
    for offset in range(8):
        day = (local + timedelta(days=offset)).date()
        for start, _end in days.get(WEEKDAYS[day.weekday()], []):
            minutes = _minutes(start)
            opening = datetime.combine(day, time(minutes // 60 % 24, minutes % 60), zone)
            if opening > local:
                return opening
    return None


# ------------------------------------------------------------------------------------------------------ CRUD


@dataclass(frozen=True)
class QueueView:
    """One queue with its settings, as the queues page shows it."""

    id: int
    key: str
    name: str
    is_default: bool
    strategy: str
    business_hours: dict[str, Any]
    max_wait_seconds: int
    position_message: str
    closed_message: str
    return_to_bot_on_close: bool
    csat_enabled: bool
    csat_question: str
    agent_ids: list[int]


SETTINGS = (
    "name",
    "strategy",
    "business_hours",
    "max_wait_seconds",
    "position_message",
    "closed_message",
    "return_to_bot_on_close",
    "csat_enabled",
    "csat_question",
)


def _apply(queue: Queue, settings: dict[str, Any]) -> None:
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise QueueError("errors.queue.unknown_setting", names=", ".join(sorted(unknown)))
    if "name" in settings:
        name = (settings["name"] or "").strip()
        if not name:
            raise QueueError("errors.queue.needs_name")
        queue.name = name[:120]
    if "strategy" in settings:
        try:
            queue.strategy = AssignmentStrategy(settings["strategy"])
        except ValueError as error:
            raise QueueError("errors.queue.strategy", choices=", ".join(s.value for s in AssignmentStrategy)) from error
    if "business_hours" in settings:
        queue.business_hours = clean_business_hours(settings["business_hours"])
    if "max_wait_seconds" in settings:
        try:
            wait = int(settings["max_wait_seconds"])
        except (TypeError, ValueError) as error:
            raise QueueError("errors.queue.max_wait_number") from error
        if not 10 <= wait <= 7 * 24 * 3600:
            raise QueueError("errors.queue.max_wait_range")
        queue.max_wait_seconds = wait
    for text in ("position_message", "closed_message", "csat_question"):
        if text in settings:
            value = (settings[text] or "").strip()
            if len(value) > 1000:
                raise QueueError(_TOO_LONG[text])
            setattr(queue, text, value)
    for flag in ("return_to_bot_on_close", "csat_enabled"):
        if flag in settings:
            setattr(queue, flag, bool(settings[flag]))
    queue.updated_at = utcnow()


def _queue_in(session: Session, workspace_id: int, queue_id: int) -> Queue:
    queue = session.get(Queue, queue_id)
    if queue is None or queue.workspace_id != workspace_id:
        raise QueueNotFound("errors.queue.not_found")
    return queue


def create_queue(
    *, session: Session, workspace_id: int, name: str, key: str | None = None, is_default: bool = False, **settings: Any
) -> Queue:
    """A new queue; `key` (how flows' `assign` nodes name it) defaults to a slug of the name.

    The workspace's first queue becomes its default.

    Raises:
        QueueError: bad settings, or the key is taken.
    """
    key = (key or _slug(name)).strip().lower()
    if not _KEY.match(key):
        raise QueueError("errors.queue.bad_key")
    if session.exec(select(Queue.id).where(Queue.workspace_id == workspace_id, Queue.key == key)).first():
        raise QueueConflict("errors.queue.key_taken", key=key)
    queue = Queue(workspace_id=workspace_id, key=key, name="-")
    _apply(queue, {"name": name, **settings})
    has_default = session.exec(select(Queue.id).where(Queue.workspace_id == workspace_id, Queue.is_default)).first()
    session.add(queue)
    session.flush()
    if is_default or has_default is None:
        set_default_queue(session=session, workspace_id=workspace_id, queue_id=queue.id)
    return queue


def update_queue(*, session: Session, workspace_id: int, queue_id: int, **settings: Any) -> Queue:
    """Change the given settings of a queue (see `SETTINGS`).

    Raises:
        QueueError: a bad value (nothing is changed then).
    """
    queue = _queue_in(session, workspace_id, queue_id)
    probe = Queue(**queue.model_dump())
    _apply(probe, settings)  # validate everything before touching the stored row
    _apply(queue, settings)
    session.add(queue)
    session.flush()
    return queue


def set_default_queue(*, session: Session, workspace_id: int, queue_id: int) -> Queue:
    """Make this the queue every customer goes to when nothing else says where."""
    queue = _queue_in(session, workspace_id, queue_id)
    for other in session.exec(
        select(Queue).where(Queue.workspace_id == workspace_id, Queue.is_default, Queue.id != queue_id)
    ).all():
        other.is_default = False
        session.add(other)
    session.flush()
    queue.is_default = True
    session.add(queue)
    session.flush()
    return queue


def delete_queue(*, session: Session, workspace_id: int, queue_id: int) -> None:
    """Remove a queue that holds no conversation now (its routing rules go with it).

    Raises:
        QueueError: it is the default queue, or conversations still wait in it.
    """
    queue = _queue_in(session, workspace_id, queue_id)
    if queue.is_default:
        raise QueueConflict("errors.queue.remove_default")
    waiting = session.exec(
        select(Conversation.id).where(
            Conversation.owner_type == OwnerType.QUEUE, Conversation.owner_queue_id == queue_id
        )
    ).all()
    if waiting:
        raise QueueConflict("errors.queue.still_waiting", count=len(waiting))
    for rule in session.exec(select(RoutingRule).where(RoutingRule.target_queue_id == queue_id)).all():
        session.delete(rule)
    for link in session.exec(select(AgentQueue).where(AgentQueue.queue_id == queue_id)).all():
        session.delete(link)
    session.flush()
    session.delete(queue)
    session.flush()


def list_queues(*, session: Session, workspace_id: int) -> list[QueueView]:
    """The workspace's queues, default first then by name, with their settings and agents."""
    queues = session.exec(
        select(Queue).where(Queue.workspace_id == workspace_id).order_by(Queue.is_default.desc(), Queue.name)
    ).all()
    links = session.exec(select(AgentQueue).where(AgentQueue.queue_id.in_([q.id for q in queues] or [0]))).all()
    agents: dict[int, list[int]] = {}
    for link in links:
        agents.setdefault(link.queue_id, []).append(link.user_id)
    return [
        QueueView(
            id=q.id,
            key=q.key,
            name=q.name,
            is_default=q.is_default,
            strategy=AssignmentStrategy(q.strategy).value,
            business_hours=dict(q.business_hours or {}),
            max_wait_seconds=q.max_wait_seconds,
            position_message=q.position_message,
            closed_message=q.closed_message,
            return_to_bot_on_close=q.return_to_bot_on_close,
            csat_enabled=q.csat_enabled,
            csat_question=q.csat_question,
            agent_ids=sorted(agents.get(q.id, [])),
        )
        for q in queues
    ]


def set_queue_agents(*, session: Session, workspace_id: int, queue_id: int, user_ids: list[int]) -> None:
    """The agents serving a queue, exactly these (members of the workspace)."""
    _queue_in(session, workspace_id, queue_id)
    members = set(session.exec(select(Membership.user_id).where(Membership.workspace_id == workspace_id)).all())
    if strangers := sorted(set(user_ids) - members):
        raise QueueError("errors.queue.strangers", ids=", ".join(map(str, strangers)))
    current = {link.user_id: link for link in session.exec(select(AgentQueue).where(AgentQueue.queue_id == queue_id))}
    for user_id, link in current.items():
        if user_id not in user_ids:
            session.delete(link)
    for user_id in set(user_ids) - set(current):
        session.add(AgentQueue(queue_id=queue_id, user_id=user_id))
    session.flush()


def _slug(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64] or "queue"
