"""Benchmark ``flow_runtime.step``: turns per second on the reference flow and on a generated
500-node flow, next to a baseline measured in the same run (a JSON round trip of the session).

Run: ``python bench/runtime.py [--seconds 1.0]``. Code nodes use an in-process fake so the
numbers measure the engine, not interpreter start-up (the sandbox costs ~20 ms per code node).
Goal: under 0.2 ms per transition, independent of graph size.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flow_runtime import Event, Session, compile, new_session, step
from flow_runtime.examples import PIZZARIA_FLOW
from flow_runtime.graph import CompiledFlow
from flow_runtime.testing import FakeCodeRunner, fake_ports

PORTS = fake_ports(code=FakeCodeRunner(func=lambda v: {**v, "total": {"Calabresa": 45, "Margherita": 42}[v["sabor"]]}))

PIZZARIA_SCRIPT = [
    Event.message("oi"),
    Event.message("que horas voces abrem?"),
    Event.message("quero pedir uma pizza"),
    Event.click("escolher_margherita"),
    Event.message("ali"),
    Event.message("Av. Paulista, 1000"),
    Event.message("nao tenho"),
    Event.message("ana@exemplo.com.br"),
]


def generated_flow(segments: int = 100) -> tuple[CompiledFlow, list[Event]]:
    """``segments`` x (message, set_variable, condition, tag, buttons) = 5 nodes each, plus intents."""
    nodes = [{"id": "start", "kind": "start"}, {"id": "fallback", "kind": "fallback"}]
    edges = [{"source": "start", "source_handle": "next", "target": "m0"}]
    script = [Event.message("oi")]
    for i in range(segments):
        nxt = f"m{i + 1}" if i + 1 < segments else "m0"
        nodes += [
            {"id": f"m{i}", "kind": "message", "text": f"Passo {i}, ${{nome}} (${{contador}})"},
            {"id": f"s{i}", "kind": "set_variable", "name": "contador", "value": i},
            {
                "id": f"c{i}",
                "kind": "condition",
                "branches": [{"id": f"c{i}_par", "rules": [{"name": "contador", "op": "gte", "value": 0}]}],
            },
            {"id": f"t{i}", "kind": "tag", "add": [f"etapa_{i % 7}"]},
            {
                "id": f"b{i}",
                "kind": "buttons",
                "text": "Continuar?",
                "buttons": [{"id": f"b{i}_sim", "label": "Sim"}, {"id": f"b{i}_nao", "label": "Não"}],
            },
        ]
        edges += [
            {"source": f"m{i}", "source_handle": "next", "target": f"s{i}"},
            {"source": f"s{i}", "source_handle": "next", "target": f"c{i}"},
            {"source": f"c{i}", "source_handle": f"c{i}_par", "target": f"t{i}"},
            {"source": f"c{i}", "source_handle": "else", "target": f"t{i}"},
            {"source": f"t{i}", "source_handle": "next", "target": f"b{i}"},
            {"source": f"b{i}", "source_handle": f"b{i}_sim", "target": nxt},
            {"source": f"b{i}", "source_handle": f"b{i}_nao", "target": "m0"},
        ]
        script.append(Event.click(f"b{i}_sim") if i % 2 else Event.message("sim"))
    for k in range(20):
        nodes.append(
            {
                "id": f"i{k}",
                "kind": "intent",
                "name": f"intent_{k}",
                "triggers": [f"assunto numero {k} por favor", f"quero saber do tema {k}"],
            }
        )
        edges.append({"source": f"i{k}", "source_handle": "next", "target": f"m{k}"})
    script.append(Event.message("quero saber do tema 7"))
    doc = {"schema_version": 1, "bot": {"name": "Bench", "step_limit": 1000}, "nodes": nodes, "edges": edges}
    return compile(doc), script


def play(flow: CompiledFlow, script: list[Event], session: Session) -> tuple[int, int, Session]:
    turns = transitions = 0
    for event in script:
        result = step(flow, session, event, PORTS)
        turns += 1
        transitions += len(result.trace)
        session = result.session
    return turns, transitions, session


def measure(func: Callable[[], tuple[int, int]], seconds: float) -> tuple[float, int, int]:
    func()  # warm up caches
    turns = transitions = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        t, n = func()
        turns += t
        transitions += n
    return elapsed, turns, transitions


def bench(name: str, flow: CompiledFlow, script: list[Event], seconds: float) -> None:
    _, _, final = play(flow, script, new_session(contact={"name": "Ana"}, variables={"nome": "Ana"}))
    elapsed, turns, transitions = measure(
        lambda: play(flow, script, new_session(contact={"name": "Ana"}, variables={"nome": "Ana"}))[:2], seconds
    )

    def round_trip() -> tuple[int, int]:
        Session.from_json(final.to_json())
        return 1, 0

    base_elapsed, base_count, _ = measure(round_trip, seconds / 2)
    turn_us = elapsed / turns * 1e6
    transition_us = elapsed / transitions * 1e6
    base_us = base_elapsed / base_count * 1e6
    print(
        f"{name:<28} nodes={len(flow.nodes):>4}  turns/s={turns / elapsed:>9,.0f}  "
        f"per turn={turn_us:7.1f} us  per transition={transition_us:6.1f} us  "
        f"baseline json round trip={base_us:5.1f} us  turn/baseline={turn_us / base_us:5.1f}x  "
        f"transition/baseline={transition_us / base_us:4.1f}x  {'OK' if transition_us < 200 else 'SLOW'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args()
    started = time.perf_counter()
    reference = compile(PIZZARIA_FLOW)
    compile_ref = time.perf_counter() - started
    started = time.perf_counter()
    big, script = generated_flow()
    compile_big = time.perf_counter() - started
    print(f"compile: reference {compile_ref * 1e3:.1f} ms, generated {compile_big * 1e3:.1f} ms")
    bench("reference (pizzaria)", reference, PIZZARIA_SCRIPT, args.seconds)
    bench("generated (500+ nodes)", big, script, args.seconds)


if __name__ == "__main__":
    main()
