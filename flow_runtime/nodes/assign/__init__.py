"""The ``assign`` kind: ``schema.py`` (``AssignNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/assign/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
