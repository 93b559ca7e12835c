"""The ``rasa_action`` kind: ``schema.py`` (``RasaActionNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/rasa_action/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
