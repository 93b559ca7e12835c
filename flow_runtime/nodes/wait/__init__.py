"""The ``wait`` kind: ``schema.py`` (``WaitNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/wait/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
