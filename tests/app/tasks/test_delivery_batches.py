"""A turn's replies travel as one delivery task, in order, its later messages chained with the time each is due;
a retry carries what is left."""

from __future__ import annotations

import time

import pytest

from flowstudio.channels.base import DeliveryError
from flowstudio.tasks import delivery


class Published:
    def __init__(self) -> None:
        self.calls: list[tuple[object, float | None, list]] = []

    def apply_async(self, args, kwargs=None, countdown=None) -> None:
        self.calls.append((args[0], countdown, (kwargs or {}).get("later", [])))


def test_a_turn_publishes_one_task_carrying_its_later_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    published = Published()
    monkeypatch.setattr(delivery, "deliver", published)
    # greeting + menu at once, two messages after a 2.5 s wait, then one more at once (a handoff notice)
    before = time.time()
    delivery.enqueue_deliveries([(1, 0.0), (2, 0.0), (3, 2.5), (4, 2.5), (5, 0.0)])
    [(first, countdown, later)] = published.calls
    assert first == [1, 2] and countdown is None
    assert [ids for ids, _ in later] == [[3, 4], 5]  # in the order they go out
    assert before + 2.5 <= later[0][1] <= time.time() + 2.5 and before <= later[1][1] <= time.time()
    published.calls.clear()
    delivery.enqueue_deliveries([(9, 0.0)])
    assert published.calls == [(9, None, [])]  # a single message keeps the plain-id form older workers understand
    published.calls.clear()
    delivery.enqueue_deliveries([(7, 1.5)])
    assert published.calls == [(7, 1.5, [])]  # a turn that starts with a wait waits before its first message


class Retried(Exception):
    def __init__(self, **kwargs) -> None:
        super().__init__("retry")
        self.kwargs = kwargs


def _run(monkeypatch: pytest.MonkeyPatch, ids, outcomes: dict[int, object], later=None, failures: int = 0):
    sent: list[int] = []

    def deliver_message(message_id: int, *, final_attempt: bool) -> str:
        assert final_attempt == (failures >= delivery.MAX_RETRIES)
        outcome = outcomes.get(message_id, "sent")
        if isinstance(outcome, Exception):
            raise outcome
        sent.append(message_id)
        return outcome

    def retry(**kwargs):
        return Retried(**kwargs)

    monkeypatch.setattr(delivery, "deliver_message", deliver_message)
    monkeypatch.setattr(delivery.deliver, "retry", retry)
    try:
        return sent, delivery.deliver.run(ids, later=later, failures=failures)
    except Retried as retried:
        return sent, retried.kwargs


def test_a_batch_is_sent_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(monkeypatch, [11, 12, 13], {}) == ([11, 12, 13], "sent")
    assert _run(monkeypatch, 11, {}) == ([11], "sent")


def test_a_retry_carries_only_the_messages_not_sent_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    sent, retry = _run(monkeypatch, [11, 12, 13], {12: DeliveryError("HTTP 503", retryable=True)})
    assert sent == [11]
    assert retry["args"] == [[12, 13]] and retry["countdown"] == 2 and retry["kwargs"] == {"failures": 1}
    sent, retry = _run(monkeypatch, [11, 12], {11: delivery.NotYet("message 10 goes first")})
    assert sent == [] and retry["args"] == [[11, 12]] and retry["countdown"] == delivery.WAIT_TURN_S


def test_waiting_for_an_earlier_message_spends_no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    _sent, retry = _run(monkeypatch, [11], {11: delivery.NotYet("message 10 goes first")}, failures=3)
    assert retry["kwargs"] == {"failures": 3} and retry["countdown"] == delivery.WAIT_TURN_S
    _sent, retry = _run(monkeypatch, [11], {11: DeliveryError("HTTP 429", retryable=True)}, failures=3)
    assert retry["kwargs"] == {"failures": 4} and retry["countdown"] == 16  # the backoff follows failures only
    _run(monkeypatch, [11], {}, failures=delivery.MAX_RETRIES)  # the last try may fail for good


def test_after_its_messages_a_task_queues_the_turns_next_ones_when_due(monkeypatch: pytest.MonkeyPatch) -> None:
    task, published = delivery.deliver, Published()
    monkeypatch.setattr(delivery, "deliver", published)  # what the chain publishes next; `task` runs now
    monkeypatch.setattr(task, "retry", lambda **kwargs: Retried(**kwargs))
    monkeypatch.setattr(delivery, "deliver_message", lambda message_id, final_attempt: "sent")
    due = time.time() + 30
    assert task.run([11], later=[[[12, 13], due], [14, due + 5]]) == "sent"
    [(ids, countdown, later)] = published.calls
    assert ids == [12, 13] and 29 < countdown <= 30 and later == [[14, due + 5]]
    published.calls.clear()
    task.run([12, 13], later=[[14, time.time() - 1]])  # overdue (the first ones were retried): right away
    assert published.calls == [(14, None, [])]


def test_a_retried_batch_keeps_the_turns_later_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    later = [[[12, 13], time.time() + 3]]
    sent, retry = _run(monkeypatch, [11], {11: DeliveryError("HTTP 429", retryable=True)}, later=later)
    assert sent == [] and retry["args"] == [[11]] and retry["kwargs"] == {"later": later, "failures": 1}
