"""The ``code`` kind: ``schema.py`` (``CodeNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/code/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
