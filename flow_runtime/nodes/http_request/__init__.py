"""The ``http_request`` kind: ``schema.py`` (``HttpRequestNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/http_request/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
