"""A turn's replies travel as one delivery task per countdown, in order; a retry carries what is left."""

from __future__ import annotations

import pytest

from flowstudio.api.channels.common import DeliveryError
from flowstudio.tasks import delivery


class Published:
    def __init__(self) -> None:
        self.calls: list[tuple[object, float | None]] = []

    def apply_async(self, args, countdown=None) -> None:  # noqa: ANN001 - Celery's signature
        self.calls.append((args[0], countdown))


def test_a_turns_messages_are_one_task_per_run_of_the_same_countdown(monkeypatch: pytest.MonkeyPatch) -> None:
    published = Published()
    monkeypatch.setattr(delivery, "deliver", published)
    # greeting + menu at once, two messages after a 2.5 s wait, then one more at once (a handoff notice)
    delivery.enqueue_deliveries([(1, 0.0), (2, 0.0), (3, 2.5), (4, 2.5), (5, 0.0)])
    assert published.calls == [([1, 2], None), ([3, 4], 2.5), (5, None)]
    published.calls.clear()
    delivery.enqueue_deliveries([(9, 0.0)])
    assert published.calls == [(9, None)]  # a single message keeps the plain-id form older workers understand


class Retried(Exception):
    def __init__(self, **kwargs) -> None:
        super().__init__("retry")
        self.kwargs = kwargs


def _run(monkeypatch: pytest.MonkeyPatch, ids, outcomes: dict[int, object]):  # noqa: ANN001, ANN202
    sent: list[int] = []

    def deliver_message(message_id: int, *, final_attempt: bool) -> str:
        outcome = outcomes.get(message_id, "sent")
        if isinstance(outcome, Exception):
            raise outcome
        sent.append(message_id)
        return outcome

    def retry(**kwargs):  # noqa: ANN202 - what Celery's Task.retry receives
        return Retried(**kwargs)

    monkeypatch.setattr(delivery, "deliver_message", deliver_message)
    monkeypatch.setattr(delivery.deliver, "retry", retry)
    try:
        return sent, delivery.deliver.run(ids)
    except Retried as retried:
        return sent, retried.kwargs


def test_a_batch_is_sent_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(monkeypatch, [11, 12, 13], {}) == ([11, 12, 13], "sent")
    assert _run(monkeypatch, 11, {}) == ([11], "sent")


def test_a_retry_carries_only_the_messages_not_sent_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    sent, retry = _run(monkeypatch, [11, 12, 13], {12: DeliveryError("HTTP 503", retryable=True)})
    assert sent == [11]
    assert retry["args"] == [[12, 13]] and retry["countdown"] == 2
    sent, retry = _run(monkeypatch, [11, 12], {11: delivery.NotYet("message 10 goes first")})
    assert sent == [] and retry["args"] == [[11, 12]] and retry["countdown"] == 1
