"""The flow document: re-exports ``flow_runtime.schema`` under the name the architecture uses."""

from flow_runtime.schema import *  # noqa: F403
from flow_runtime.schema import __all__  # noqa: F401
