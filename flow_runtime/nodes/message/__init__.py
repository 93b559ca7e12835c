"""The ``message`` kind: ``schema.py`` (``MessageNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/message/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
