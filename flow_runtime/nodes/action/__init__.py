"""The ``action`` kind: ``schema.py`` (``ActionNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/action/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
