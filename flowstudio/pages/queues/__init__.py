"""The human queues of the workspace: business hours, assignment strategy, waits, customer messages, CSAT and
the agents who serve each one; which queue is the default."""

from flowstudio.pages.queues.page import queues_page
from flowstudio.pages.queues.rows import queue_row
from flowstudio.pages.queues.state import QueuesState

__all__ = ["QueuesState", "queue_row", "queues_page"]
