"""The studio side of node kinds: palette entry, defaults, card lines, handle labels, inspector form, texts.

Each kind is a folder, ``<kind>/`` with ``studio.py`` (its ``StudioKind``), ``form.py`` (its inspector form) and
``texts/<lang>.json`` (its UI texts, merged by ``flowstudio.i18n``); ``registry.py`` collects them by folder name and
derives the palette and every kind list the studio needs (see ``template/``). Keep this module empty: the services
import ``registry`` without the Reflex forms.
"""
