"""The ``go_to`` kind: ``schema.py`` (``GoToNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/go_to/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
