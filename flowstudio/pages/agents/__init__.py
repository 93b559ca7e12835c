"""The agents of the workspace: who answers, their role, status, capacity, load and queues; CSV import."""

from flowstudio.pages.agents.page import agents_page
from flowstudio.pages.agents.rules import csv_grants_admin, guard
from flowstudio.pages.agents.state import AgentsState

__all__ = ["AgentsState", "agents_page", "csv_grants_admin", "guard"]
