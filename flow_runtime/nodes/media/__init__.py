"""The ``media`` kind: ``schema.py`` (``MediaNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/media/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
