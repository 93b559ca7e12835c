"""The ``send_email`` kind: ``schema.py`` (``SendEmailNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/send_email/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
