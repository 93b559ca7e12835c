"""The ``assign`` kind: ``schema.py`` (``AssignNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/assign/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
