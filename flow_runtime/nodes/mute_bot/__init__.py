"""The ``mute_bot`` kind: ``schema.py`` (``MuteBotNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/mute_bot/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
