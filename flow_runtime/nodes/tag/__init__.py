"""The ``tag`` kind: ``schema.py`` (``TagNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/tag/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
