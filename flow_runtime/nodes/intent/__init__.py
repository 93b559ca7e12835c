"""The ``intent`` kind: ``schema.py`` (``IntentNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/intent/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
