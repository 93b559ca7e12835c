"""The queue monitor page's figures: durations people read at a glance, a late queue flagged, loads in %."""

from flowstudio.pages.inbox.monitor import duration, figures


def test_durations_read_at_a_glance() -> None:
    assert [duration(s) for s in (None, 0, 42.4, 185, 3720)] == ["-", "0s", "42s", "3m 05s", "1h 02m"]


def _queue(**overrides):
    row = {
        "id": 1,
        "name": "Vendas",
        "open": True,
        "waiting": 2,
        "longest_wait_seconds": 400,
        "max_wait_seconds": 300,
        "in_progress": 3,
        "agents_online": 1,
        "agents_total": 2,
        "avg_first_response_seconds": 65.0,
        "avg_handling_seconds": None,
        "sla_breaches": 1,
        "csat_average": 4.5,
        "csat_count": 2,
    }
    return {**row, **overrides}


def test_a_queue_waiting_past_its_max_is_late_and_loads_are_percentages() -> None:
    data = {
        "queues": [_queue(), _queue(id=2, name="Suporte", waiting=0, longest_wait_seconds=0)],
        "agents": [
            {
                "user_id": 5,
                "name": "Ana",
                "status": "online",
                "load": 3,
                "capacity": 4,
                "queues": ["Vendas", "Suporte"],
            },
            {"user_id": 6, "name": "Bia", "status": "away", "load": 1, "capacity": 0, "queues": []},
        ],
        "totals": _queue(longest_wait_seconds=100),
    }
    queues, agents, totals = figures(data)
    assert (queues[0].late, queues[0].longest_wait, queues[0].first_response, queues[0].handling, queues[0].csat) == (
        True,
        "6m 40s",
        "1m 05s",
        "-",
        "4.5 (2)",
    )
    assert (queues[1].late, queues[1].longest_wait) == (False, "-")
    assert [(a.percent, a.queues) for a in agents] == [(75, "Vendas, Suporte"), (0, "")]
    assert not totals.late
