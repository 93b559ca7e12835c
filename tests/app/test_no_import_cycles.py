"""No import cycle between flowstudio's modules, not even one hidden behind a function-level import (grimp
reads those too)."""

from __future__ import annotations

import grimp
import networkx as nx


def test_flowstudio_modules_import_each_other_without_cycles() -> None:
    graph = grimp.build_graph("flowstudio")
    imports = nx.DiGraph(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("flowstudio")
    )
    cycles = [sorted(component) for component in nx.strongly_connected_components(imports) if len(component) > 1]
    assert cycles == []
