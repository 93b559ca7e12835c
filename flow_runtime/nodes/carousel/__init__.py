"""The ``carousel`` kind: ``schema.py`` (``CarouselNode``, ``MODEL``, ``ORDER``) and ``run.py`` (its executor); its studio
side is ``flowstudio/nodes/carousel/``. Keep this module empty (see ``flow_runtime/nodes/template/__init__.py``)."""
