"""The ``action`` kind: ``schema.py`` (``ActionNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/action/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
