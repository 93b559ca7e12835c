"""The ``fallback`` kind: ``schema.py`` (``FallbackNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/fallback/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
