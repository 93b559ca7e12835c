"""FlowStudio: bots and human agents together, on every channel."""

__version__ = "0.1.0"
