"""The ``intent`` kind: ``schema.py`` (``IntentNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/intent/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
