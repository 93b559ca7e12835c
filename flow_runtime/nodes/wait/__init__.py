"""The ``wait`` kind: ``schema.py`` (``WaitNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/wait/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
