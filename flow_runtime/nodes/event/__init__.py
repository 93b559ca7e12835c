"""The ``event`` kind: ``schema.py`` (``EventNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/event/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
