"""The studio side of node kinds: palette entry, defaults, card lines, handle labels, inspector form, texts.

``registry.py`` collects one ``StudioKind`` per kind and derives the palette and every kind list the studio needs.
The built-in kinds are described in the grouped modules (``entry``, ``say``, ``ask``, ``logic``, ``act``; their
forms in ``*_forms``); a kind in a folder of its own (``template/``: ``studio.py`` and ``form.py``) is found by
name. Keep this module empty: the services import ``registry`` without the Reflex forms.
"""
