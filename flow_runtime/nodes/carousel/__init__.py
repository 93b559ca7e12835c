"""The ``carousel`` kind: ``schema.py`` (``CarouselNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor).

Its studio side is ``flowstudio/nodes/carousel/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
