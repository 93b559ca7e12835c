"""The ``template`` kind in one folder: ``schema.py`` (its model, ``MODEL``) and ``run.py`` (its executor).

A folder like this one under ``flow_runtime/nodes/`` is a node kind: ``flow_runtime.schema.kinds`` finds it,
adds ``MODEL`` to the ``Node`` union and ``NODE_KINDS``, and ``flow_runtime.dispatch`` runs ``run.run``. Its studio
side is the matching folder ``flowstudio/nodes/template/``. Keep this module empty: the schema is loaded while
``flow_runtime.schema`` itself is being imported.
"""
