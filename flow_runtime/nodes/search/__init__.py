"""The ``search`` kind: ``schema.py`` (``SearchNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/search/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
