"""The ``tag`` kind: ``schema.py`` (``TagNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/tag/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
