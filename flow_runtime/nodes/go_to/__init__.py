"""The ``go_to`` kind: ``schema.py`` (``GoToNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/go_to/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
