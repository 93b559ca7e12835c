"""The flow manager page: bots on knowledge areas, the default bot, routing rules and a sample-message tryout."""

from flowstudio.pages.flow_manager.page import flow_manager_page
from flowstudio.pages.flow_manager.state import FlowManagerState

__all__ = ["FlowManagerState", "flow_manager_page"]
