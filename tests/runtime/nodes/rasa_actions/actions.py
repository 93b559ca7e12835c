"""Rasa SDK actions our tests call: read a slot, set slots, dispatch messages with buttons."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionCheckOrder(Action):
    """Looks the order up by the ``order_id`` slot and offers what to do next."""

    def name(self) -> str:
        return "action_check_order"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        order_id = tracker.get_slot("order_id")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        dispatcher.utter_message(
            text=f"Pedido {order_id} saiu para entrega ({intent}, '{tracker.latest_message.get('text')}').",
            buttons=[{"title": "Rastrear", "payload": "/track"}, {"title": "Falar com alguém", "payload": "/human"}],
        )
        dispatcher.utter_message(image="https://example.com/map.png")
        return [SlotSet("order_status", "out_for_delivery"), SlotSet("eta_minutes", 25)]


class ActionBroken(Action):
    """Fails, as a buggy action would."""

    def name(self) -> str:
        return "action_broken"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        raise RuntimeError("database down")
