"""The ``http_request`` kind: ``schema.py`` (``HttpRequestNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/http_request/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
