"""The ``media`` kind: ``schema.py`` (``MediaNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/media/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
