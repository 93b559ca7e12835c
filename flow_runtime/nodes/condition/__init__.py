"""The ``condition`` kind: ``schema.py`` (``ConditionNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/condition/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
