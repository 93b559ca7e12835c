"""The ``question`` kind: ``schema.py`` (``QuestionNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/question/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
