"""The ``buttons`` kind: ``schema.py`` (``ButtonsNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/buttons/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
