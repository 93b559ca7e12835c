"""The ``search`` kind: ``schema.py`` (``SearchNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/search/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
