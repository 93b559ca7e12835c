"""The ``archive`` kind: ``schema.py`` (``ArchiveNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/archive/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
