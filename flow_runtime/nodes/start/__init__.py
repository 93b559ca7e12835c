"""The ``start`` kind: ``schema.py`` (``StartNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/start/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
