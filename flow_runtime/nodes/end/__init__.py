"""The ``end`` kind: ``schema.py`` (``EndNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/end/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
