"""The ``buttons`` kind: ``schema.py`` (``ButtonsNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/buttons/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
