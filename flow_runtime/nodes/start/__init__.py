"""The ``start`` kind: ``schema.py`` (``StartNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/start/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
