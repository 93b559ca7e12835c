"""/channels: the workspace's channels (supervisors, developers and admins: `channels.manage`)."""

from flowstudio.pages.channels.page import channels_page
from flowstudio.pages.channels.state import ChannelsState

__all__ = ["ChannelsState", "channels_page"]
