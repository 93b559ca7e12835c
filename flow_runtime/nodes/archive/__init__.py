"""The ``archive`` kind: ``schema.py`` (``ArchiveNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/archive/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
