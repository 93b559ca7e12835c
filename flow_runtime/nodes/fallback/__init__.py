"""The ``fallback`` kind: ``schema.py`` (``FallbackNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/fallback/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
