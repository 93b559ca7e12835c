"""The ``send_email`` kind: ``schema.py`` (``SendEmailNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/send_email/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
