"""The ``condition`` kind: ``schema.py`` (``ConditionNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/condition/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
