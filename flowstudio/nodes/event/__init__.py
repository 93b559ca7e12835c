"""The ``event`` kind in the studio: ``studio.py`` (palette entry, defaults, card lines, texts), ``form.py``
(its inspector form) and ``texts/<lang>.json`` (its UI texts). The engine side is ``flow_runtime/nodes/event/``.
Keep this module empty: the services import ``studio`` without the Reflex form.
"""
