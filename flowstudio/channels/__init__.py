"""Channel adapters: each channel kind is one module here implementing `base.ChannelAdapter` (verify, parse,
render, send, send_typing, capabilities), listed once in `registry`. Routes (`flowstudio.api.channels`),
delivery and the typing indicator (`flowstudio.tasks`) reach a channel only through the registry."""
