"""Which modules of shared libraries each service's running code loads (REQ005's ground)."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Tuple

from archcheck.model import ImportFact, ImportKind, Location
from archcheck.project.import_graph import services_loading
from archcheck.project.layout import Layout, ResolvedImport, Unit, UnitKind

S, SH = UnitKind.SERVICE, UnitKind.SHARED


def loading(
    files: Dict[str, List[Tuple[str, Tuple[str, ...]]]], units: List[Unit]
) -> Dict[str, FrozenSet[str]]:
    """``files``: each file -> its imports, (module, names)."""
    layout = Layout(files, units)
    imports = [
        ResolvedImport(path, fact, layout.owner(path), resolution)
        for path, written in files.items()
        for module, names in written
        for fact in [
            ImportFact(module, 0, names, ImportKind.FROM if names else ImportKind.IMPORT, Location(path))
        ]
        for resolution in layout.resolve(path, fact)
    ]
    return services_loading(layout, imports, lambda path: "/tests/" in path)


UNITS = [Unit("orders", "orders", S), Unit("billing", "billing", S), Unit("shared", "shared", SH)]


def test_a_module_loads_the_packages_above_it_and_what_it_imports() -> None:
    found = loading(
        {
            "orders/app/main.py": [("shared.auth.jwt", ())],
            "billing/app/main.py": [("shared.cache", ("get",))],
            "billing/tests/test_auth.py": [("shared.auth.jwt", ())],  # (a test: not what runs)
            "shared/__init__.py": [("shared.contracts", ())],
            "shared/contracts.py": [],
            "shared/auth/__init__.py": [],
            "shared/auth/jwt.py": [],
            "shared/cache.py": [("shared.retry", ())],
            "shared/retry.py": [("shared.cache", ())],  # (a cycle: loaded with cache)
            "shared/unused.py": [],
        },
        UNITS,
    )
    both = frozenset({"orders", "billing"})
    assert found == {
        "shared/__init__.py": both,
        "shared/contracts.py": both,
        "shared/auth/__init__.py": frozenset({"orders"}),
        "shared/auth/jwt.py": frozenset({"orders"}),
        "shared/cache.py": frozenset({"billing"}),
        "shared/retry.py": frozenset({"billing"}),
    }


def test_a_long_chain_of_modules_shares_one_set_of_services() -> None:
    """Each module's services are one shared set where they are the same: no copy per module."""
    Imports = Dict[str, List[Tuple[str, Tuple[str, ...]]]]
    chain: Imports = {f"shared/m{i}.py": [(f"shared.m{i + 1}", ())] for i in range(2_000)}
    chain["shared/m2000.py"] = []
    services: Imports = {f"s{i}/main.py": [("shared.m0", ())] for i in range(300)}
    units = [Unit(f"s{i}", f"s{i}", S) for i in range(300)] + [Unit("shared", "shared", SH)]
    found = loading({**services, **chain}, units)
    assert len(found) == 2_001 and len({id(users) for users in found.values()}) == 1
    assert len(found["shared/m2000.py"]) == 300
