"""The ``code`` kind: ``schema.py`` (``CodeNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/code/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
