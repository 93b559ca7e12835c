"""The ``mute_bot`` kind: ``schema.py`` (``MuteBotNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/mute_bot/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
