"""The ``question`` kind: ``schema.py`` (``QuestionNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/question/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
