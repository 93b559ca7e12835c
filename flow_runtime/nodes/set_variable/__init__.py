"""The ``set_variable`` kind: ``schema.py`` (``SetVariableNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/set_variable/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
