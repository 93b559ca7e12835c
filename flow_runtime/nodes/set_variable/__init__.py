"""The ``set_variable`` kind: ``schema.py`` (``SetVariableNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/set_variable/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
