"""One module per node kind; each exports ``run(node, ctx) -> Step`` (waiting kinds also ``resume``).

A kind may instead be a folder, ``<kind>/`` with ``schema.py`` (its model as ``MODEL``) and ``run.py`` (its
executor): it is found without being listed anywhere (see ``template/`` and ``flow_runtime.schema.kinds``).
"""
