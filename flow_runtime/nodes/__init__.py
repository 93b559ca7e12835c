"""One module per node kind; each exports ``run(node, ctx) -> Step`` (waiting kinds also ``resume``)."""
