"""The ``rasa_action`` kind: ``schema.py`` (``RasaActionNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/rasa_action/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
