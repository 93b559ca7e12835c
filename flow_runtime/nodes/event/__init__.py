"""The ``event`` kind: ``schema.py`` (``EventNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/event/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
