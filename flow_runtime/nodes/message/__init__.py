"""The ``message`` kind: ``schema.py`` (``MessageNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/message/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
