"""The studio side of the ``template`` kind: ``studio.py`` (palette, defaults, card lines, texts) and ``form.py``
(its inspector form). The engine side is ``flow_runtime/nodes/template/``. Keep this module empty."""
