"""The ``end`` kind: ``schema.py`` (``EndNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/end/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
