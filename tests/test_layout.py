"""Ownership and import resolution, on layouts built in memory."""

from __future__ import annotations

import sys
from typing import Optional

import pytest

from archcheck.model import ImportFact, ImportKind, Location
from archcheck.project.layout import Layout, Unit, UnitKind

S, SH = UnitKind.SERVICE, UnitKind.SHARED
FILES = [
    "netra_backend/app/routes.py",
    "netra_backend/app/models.py",
    "auth_service/auth_core/tokens.py",
    "services/orders-service/app/__init__.py",
    "services/orders-service/app/db.py",
    "services/billing-service/app/db.py",
    "services/billing-service/src/billing/api.py",
    "services/shipping_service/handlers.py",
    "libs/common/src/common/http.py",
    "shared/utils.py",
    "scripts/seed.py",
]
UNITS = [
    Unit("netra_backend", "netra_backend", S),
    Unit("auth_service", "auth_service", S),
    Unit("services/orders-service", "orders-service", S),
    Unit("services/billing-service", "billing-service", S),
    Unit("services/shipping_service", "shipping_service", S),
    Unit("libs/common", "common", SH),
    Unit("shared", "shared", SH),
]
LAYOUT = Layout(FILES, UNITS)


def fact(module: str, level: int = 0, names: tuple = ()) -> ImportFact:
    kind = ImportKind.FROM if names or level else ImportKind.IMPORT
    return ImportFact(module, level, names, kind, Location("x.py"))


def owner_of(path: str, module: str, level: int = 0, names: tuple = ()) -> Optional[str]:
    [resolution] = LAYOUT.resolve(path, fact(module, level, names))
    return resolution.owner.name if resolution.owner else None


def test_unit_keys_drop_service_suffixes() -> None:
    assert [u.key for u in UNITS] == [
        "netra_backend",
        "auth",
        "orders",
        "billing",
        "shipping",
        "common",
        "shared",
    ]
    assert Unit("x/user_management_service", "user_management_service", S).kebab == "user-management"


def test_package_named_services_at_the_root() -> None:
    assert owner_of("netra_backend/app/routes.py", "auth_service.auth_core.tokens") == "auth_service"
    assert owner_of("netra_backend/app/routes.py", "netra_backend.app.models") == "netra_backend"


def test_each_hyphenated_service_resolves_app_to_itself() -> None:
    assert owner_of("services/orders-service/app/db.py", "app.db") == "orders-service"
    assert owner_of("services/billing-service/app/db.py", "app.db") == "billing-service"
    [r] = LAYOUT.resolve("services/orders-service/app/db.py", fact("app.db"))
    assert r.target == "services/orders-service/app/db.py"


def test_src_directories_are_import_roots() -> None:
    assert owner_of("services/billing-service/app/db.py", "billing.api") == "billing-service"
    assert owner_of("services/orders-service/app/db.py", "common.http") == "common"


def test_shared_library_directory_is_an_import_root_and_so_is_the_project_root() -> None:
    assert owner_of("services/orders-service/app/db.py", "utils") == "shared"
    assert owner_of("services/orders-service/app/db.py", "shared.utils") == "shared"


def test_third_party_and_unowned() -> None:
    assert owner_of("netra_backend/app/routes.py", "requests.adapters") is None
    assert owner_of("shared/utils.py", "app.db") is None  # no root of a shared lib holds `app`
    assert owner_of("netra_backend/app/routes.py", "scripts.seed") is None


def test_from_import_of_submodules_through_a_namespace_directory() -> None:
    resolutions = LAYOUT.resolve(
        "netra_backend/app/routes.py", fact("services", 0, ("shipping_service", "missing"))
    )
    assert [r.owner.name if r.owner else None for r in resolutions] == ["shipping_service"]


def test_relative_imports() -> None:
    assert owner_of("netra_backend/app/routes.py", "models", 1) == "netra_backend"
    assert owner_of("netra_backend/app/routes.py", "auth_service.auth_core", 3) == "auth_service"
    [r] = LAYOUT.resolve("netra_backend/app/routes.py", fact("x", 4))
    assert r.climbs_out_of_root and r.owner is None
    assert LAYOUT.relative_base("netra_backend/app/routes.py", 2) == "netra_backend"
    assert LAYOUT.relative_base("netra_backend/app/routes.py", 4) is None


def test_owner_is_the_innermost_unit() -> None:
    nested = Layout(
        ["platform/api/x.py", "platform/y.py"],
        [Unit("platform", "platform", S), Unit("platform/api", "api", S)],
    )
    assert nested.owner("platform/api/x.py").name == "api"
    assert nested.owner("platform/y.py").name == "platform"
    assert nested.owner("other.py") is None


def test_a_name_only_another_service_holds_resolves_there_unless_ambiguous() -> None:
    layout = Layout(
        [
            "svc/a/x.py",
            "md-service/markdown_it/__init__.py",
            "md-service/markdown_it/token.py",
            "one/app/m.py",
            "two/app/m.py",
        ],
        [
            Unit("svc/a", "a", S),
            Unit("md-service", "md-service", S),
            Unit("one", "one", S),
            Unit("two", "two", S),
        ],
    )
    [r] = layout.resolve("svc/a/x.py", fact("markdown_it.token"))
    assert r.owner is not None and r.owner.name == "md-service"
    [r] = layout.resolve("svc/a/x.py", fact("app.m"))  # `app` is in two services: not a guess
    assert r.owner is None


def test_a_src_folder_of_services_is_no_import_root() -> None:
    """opentelemetry-demo: services in ``src/*``; ``from mcp import ClientSession`` in ``src/agent``
    is the installed ``mcp`` package, not the ``src/mcp`` service (Python takes a regular package
    from site-packages before a namespace directory, and nobody puts ``src/`` on the path)."""
    files = ["src/agent/src/agents/client.py", "src/mcp/src/mcp_server/server.py", "src/mcp/run.py"]
    layout = Layout(files, [Unit("src/agent", "agent", S), Unit("src/mcp", "mcp", S)])
    [r] = layout.resolve("src/agent/src/agents/client.py", fact("mcp"))
    assert r.owner is None
    [r] = layout.resolve("src/agent/src/agents/client.py", fact("mcp_server.server"))  # still IMP001
    assert r.owner is not None and r.owner.name == "mcp"
    # a src layout of packages is a source root as before
    layout = Layout(["src/common/http.py", "api/app/main.py"], [Unit("api", "api", S)])
    assert layout.import_roots("api/app/main.py") == ["api", "", "src"]


def test_a_name_inside_another_service_that_is_a_package_is_no_guess() -> None:
    """``auth_service/__init__.py``: its ``test_framework`` is ``auth_service.test_framework``, so a
    bare ``test_framework`` in another service is a package from outside the project (netra)."""
    layout = Layout(
        [
            "analytics_service/tests/test_api.py",
            "auth_service/__init__.py",
            "auth_service/test_framework/__init__.py",
            "auth_service/test_framework/mocks.py",
        ],
        [Unit("analytics_service", "analytics_service", S), Unit("auth_service", "auth_service", S)],
    )
    [r] = layout.resolve("analytics_service/tests/test_api.py", fact("test_framework.mocks"))
    assert r.owner is None
    [r] = layout.resolve("analytics_service/tests/test_api.py", fact("auth_service.test_framework.mocks"))
    assert r.owner is not None and r.owner.name == "auth_service"


@pytest.mark.skipif(not hasattr(sys, "stdlib_module_names"), reason="Python 3.10+ lists the stdlib")
def test_standard_library_names_never_resolve_into_another_service() -> None:
    layout = Layout(
        ["test/x.py", "importlib/_abc.py"], [Unit("test", "test", S), Unit("importlib", "importlib", S)]
    )
    [r] = layout.resolve("test/x.py", fact("_abc"))
    assert r.owner is None


def test_a_shared_library_that_is_a_package_is_imported_from_its_parent() -> None:
    layout = Layout(
        ["shared/__init__.py", "shared/logging/__init__.py", "shared/config.py", "auth/app/jwt.py"],
        [Unit("shared", "shared", SH), Unit("auth", "auth", S)],
    )
    [r] = layout.resolve("auth/app/jwt.py", fact("shared.config"))
    assert r.owner is not None and r.owner.name == "shared"
    # `import config` would only work if shared/ itself were on the path, and it is a package
    [r] = layout.resolve("auth/app/jwt.py", fact("config"))
    assert r.owner is None


@pytest.mark.skipif(not hasattr(sys, "stdlib_module_names"), reason="Python 3.10+ lists the stdlib")
def test_standard_library_names_never_resolve_through_a_shared_root() -> None:
    layout = Layout(
        ["libs/common/logging/__init__.py", "libs/common/json.py", "auth/app/jwt.py", "logging/x.py"],
        [Unit("libs/common", "common", SH), Unit("auth", "auth", S)],
    )
    for name in ("logging", "json", "logging.handlers"):
        [r] = layout.resolve("auth/app/jwt.py", fact(name))
        assert r.owner is None and r.target is None, name


def test_the_whole_dotted_path_must_exist() -> None:
    assert owner_of("netra_backend/app/routes.py", "auth_service.auth_core.missing") is None
    assert owner_of("netra_backend/app/routes.py", "auth_service.auth_core.tokens.sub") is None
    assert owner_of("netra_backend/app/routes.py", "missing_pkg", 2) is None
    # a from-import may name attributes: the module part must exist, the names need not
    assert (
        owner_of("netra_backend/app/routes.py", "auth_service.auth_core.tokens", 0, ("verify",))
        == "auth_service"
    )


def test_a_name_the_importing_service_holds_never_resolves_into_another_service() -> None:
    layout = Layout(
        [
            "svc/a/scripts/telemetry.py",
            "svc/a/tests/test_t.py",
            "svc/b/telemetry.py",
            "svc/b/core/x.py",
            "svc/a/app.py",
        ],
        [Unit("svc/a", "a", S), Unit("svc/b", "b", S)],
    )
    [r] = layout.resolve("svc/a/tests/test_t.py", fact("telemetry"))
    assert r.owner is None  # svc/a/scripts/telemetry.py is what its test puts on sys.path
    [r] = layout.resolve("svc/a/app.py", fact("core.discovery"))  # b's core has no discovery
    assert r.owner is None
    [r] = layout.resolve("svc/a/app.py", fact("core.x"))
    assert r.owner is not None and r.owner.name == "b"


def _first_root_reference(layout: Layout, path: str, module: str) -> Optional[str]:
    """What an absolute import's top-level name finds by walking ``import_roots`` in order."""
    top = module.split(".")[0]
    for root in layout.import_roots(path, top):
        found = layout._step(root, top)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("seed", range(40))
def test_the_indexed_first_holder_is_what_walking_every_import_root_finds(seed: int) -> None:
    """Imports resolve through an index of the first shared or project root holding each
    top-level name (walking every root per import was quadratic in shared libraries): on random
    trees, the same target as the walk, for every file and name."""
    import random

    rng = random.Random(seed)
    names = ["core", "utils", "json", "app", "shared", "lib0", "src", "api"]
    units, files = [], []
    for kind, count in ((S, rng.randint(1, 3)), (SH, rng.randint(0, 4))):
        for i in range(count):
            folder = f"{'services' if kind is S else 'libs'}/u{i}"
            units.append(Unit(folder, f"{kind.value}{i}", kind))
            for _ in range(rng.randint(1, 6)):
                inner = "/".join(rng.choice(names) for _ in range(rng.randint(0, 2)))
                leaf = rng.choice(names) + rng.choice([".py", "/__init__.py", "/m.py"])
                files.append("/".join(p for p in (folder, rng.choice(["", "src"]), inner, leaf) if p))
    files += [f"{rng.choice(names)}{rng.choice(['.py', '/__init__.py'])}" for _ in range(rng.randint(0, 3))]
    layout = Layout(sorted(set(files)), units)
    for path in sorted(set(files)):
        for name in names:
            for module in (name, f"{name}.m", f"{name}.core.utils"):
                [first, *_] = layout.resolve(path, fact(module))
                expected = _first_root_reference(layout, path, module)
                if expected is not None:
                    assert first.target == layout._descend(expected, module.split(".")[1:]), (path, module)


def test_imports_through_thousands_of_shared_libraries_look_at_a_few_roots_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A service importing each of 1,000 shared libraries, each importing a third-party name:
    every import walked every library's import root (4,000 libraries: 28.6 s)."""
    n = 1000
    units = [Unit("svc", "svc", S), *(Unit(f"libs/l{i}", f"l{i}", SH) for i in range(n))]
    files = ["svc/app/main.py", *(f"libs/l{i}/l{i}/__init__.py" for i in range(n))]
    layout = Layout(files, units)
    steps = []
    real = Layout._step
    monkeypatch.setattr(Layout, "_step", lambda self, base, part: steps.append(1) or real(self, base, part))
    for i in range(n):
        [found] = layout.resolve("svc/app/main.py", fact(f"l{i}"))
        assert found.target == f"libs/l{i}/l{i}" and found.owner == units[i + 1]
        [third] = layout.resolve(f"libs/l{i}/l{i}/__init__.py", fact("pydantic"))
        assert third.target is None
    assert len(steps) < 10 * n


def test_a_unit_is_found_by_name_key_or_path_without_a_scan() -> None:
    """``imports.allow`` names thousands of units: each was found by a scan of every unit
    (6,000 entries and 3,000 services: 8.9 s)."""
    assert LAYOUT.unit("orders-service") == LAYOUT.unit("services/orders-service") == UNITS[2]
    assert LAYOUT.unit("orders") == UNITS[2]  # its key
    assert LAYOUT.unit("nope") is None
    assert LAYOUT._by_any_name is not None and len(LAYOUT._by_any_name) <= 3 * len(UNITS)
