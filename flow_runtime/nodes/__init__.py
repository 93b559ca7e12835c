"""One folder per node kind: ``<kind>/schema.py`` (its model as ``MODEL``, its place as ``ORDER``) and
``<kind>/run.py`` (its executor: ``run(node, ctx) -> Step``, waiting kinds also ``resume``).

A folder is found without being listed anywhere (``flow_runtime.schema.kinds``, ``flow_runtime.dispatch``); see
``template/``. The ``_*.py`` modules here are helpers several kinds share (choosing a button, running code, the
Rasa protocol, failing through ``error``).
"""
