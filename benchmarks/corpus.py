"""Build the benchmark corpora: pinned PyPI packages laid out as services, and a synthetic monorepo."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List

PACKAGES = [
    "networkx==3.6.1",
    "pip==26.3",
    "pygments==2.21.0",
    "libcst==1.9.0",
    "pylint==4.1.4",
    "setuptools==65.5.0",
    "prompt_toolkit==3.0.53",
    "rich==15.0.0",
    "astroid==4.3.4",
    "markdown-it-py==4.3.0",
    "fixit==2.2.1",
    "isort==9.0.2",
    "import-linter==2.16",
    "flake8==7.5.0",
    "pathspec==1.1.1",
    "pyflakes==4.1.0",
    "packaging==26.3",
]


def top_level_packages(service: Path) -> List[str]:
    return sorted(p.name for p in service.iterdir() if (p / "__init__.py").is_file())


def build_pypi(target: Path) -> Path:
    """17 pinned packages, .py files only, each in its own service directory (idempotent)."""
    marker = target / ".complete"
    if marker.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for spec in PACKAGES:
        name = spec.split("==")[0]
        service = target / name
        if service.exists():
            shutil.rmtree(service)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(service), spec],
            check=True,
        )
        for path in sorted(service.rglob("*"), reverse=True):
            if path.is_file() and path.suffix != ".py":
                path.unlink()
            elif path.is_dir() and (path.name == "bin" or not any(path.iterdir())):
                shutil.rmtree(path)
    services = sorted(p for p in target.iterdir() if p.is_dir())
    packages = [pkg for service in services for pkg in top_level_packages(service)]
    (target / "archcheck.toml").write_text('services = ["*"]\n')
    contract = "\n".join(f"    {pkg}" for pkg in packages)
    (target / ".importlinter").write_text(
        f"[importlinter]\nroot_packages =\n{contract}\n\n"
        f"[importlinter:contract:independence]\nname = services are independent\n"
        f"type = independence\nmodules =\n{contract}\n"
    )
    roots = ", ".join(f'"{s.name}"' for s in services)
    modules = "\n".join(f'[[modules]]\npath = "{pkg}"\ndepends_on = []\n' for pkg in packages)
    (target / "tach.toml").write_text(f"source_roots = [{roots}]\nexact = false\n\n{modules}")
    marker.write_text("done\n")
    return target


MODULE = """
import asyncio
import os

from app.models_{peer} import Model{peer}
{cross}

SERVICE_URL = os.getenv("{upper}_URL", "http://{name}:8000")


class {name_title}Repository{index}:
    def get(self, key: str) -> "Model{peer}":
        return Model{peer}()

    def add(self, item: object) -> None:
        self.items = [item]


def helper_{index}(value: int) -> int:
    return value * {index}


def run_sync_{index}(coro):
    return asyncio.run(coro)


async def handler_{index}(request: dict) -> dict:
    await asyncio.sleep(0)
    return {{"value": helper_{index}(len(request))}}
"""


def build_synthetic(target: Path, services: int, modules: int, seed: int = 7) -> Path:
    """A monorepo of ``services`` x ``modules`` files with imports, classes, async code, requirements."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    (target / "shared" / "common").mkdir(parents=True)
    (target / "shared" / "common" / "__init__.py").write_text("")
    (target / "shared" / "common" / "http.py").write_text("def get(url: str) -> str:\n    return url\n")
    (target / "requirements.shared.txt").write_text("fastapi==0.116.1\npydantic==2.11.7\nhttpx==0.28.1\n")
    (target / "archcheck.toml").write_text('services = ["services/*"]\nshared = ["shared"]\n')
    for s in range(services):
        name = f"svc{s}"
        app = target / "services" / f"{name}-service" / "app"
        app.mkdir(parents=True)
        (app.parent / "requirements.txt").write_text(
            "-r ../../requirements.shared.txt\n" + f"redis=={rng.choice(['5.0.4', '5.0.8'])}\n"
        )
        (app / "__init__.py").write_text("")
        for m in range(modules):
            peer = rng.randrange(modules)
            cross = "from common.http import get" if m % 5 else f"import svc{(s + 1) % services}_client"
            (app / f"models_{m}.py").write_text(f"class Model{m}:\n    pass\n")
            (app / f"module_{m}.py").write_text(
                textwrap.dedent(MODULE).format(
                    peer=peer, cross=cross, upper=name.upper(), name=name, name_title=name.title(), index=m
                )
            )
    return target


NETRA_SERVICES = ("netra_backend", "auth_service", "analytics_service")
NETRA_SHARED = "shared"
# files import-linter's parser rejects; removed so both tools check the same tree
NETRA_UNPARSABLE = ("shared/feature_flags.py", "netra_backend/app/websocket_core/auth.py")
NETRA_VICTIM = "netra_backend/app/services/db_check_service.py"  # a leaf module nothing imports


def build_netra(checkout: Path, target: Path) -> Path:
    """The real-code corpus: netra-systems/zen at 4f5eda698 (tag beta-14), its three services and
    its shared library, with an archcheck config and the import-linter contracts that match it.

    ``checkout`` is a clone of https://github.com/netra-systems/zen at that commit."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for folder in (*NETRA_SERVICES, NETRA_SHARED):
        shutil.copytree(checkout / folder, target / folder, symlinks=True)
    for path in NETRA_UNPARSABLE:
        (target / path).unlink(missing_ok=True)
    services = ", ".join(f'"{s}"' for s in NETRA_SERVICES)
    (target / "archcheck.toml").write_text(f'services = [{services}]\nshared = ["{NETRA_SHARED}"]\n')
    listed = "\n".join(f"    {s}" for s in NETRA_SERVICES)
    (target / ".importlinter").write_text(
        f"[importlinter]\nroot_packages =\n{listed}\n    {NETRA_SHARED}\n\n"
        f"[importlinter:contract:independence]\nname = Services are independent\n"
        f"type = independence\nmodules =\n{listed}\n\n"
        f"[importlinter:contract:shared]\nname = Shared code imports no service\ntype = forbidden\n"
        f"source_modules =\n    {NETRA_SHARED}\nforbidden_modules =\n{listed}\n"
    )
    return target


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build the netra real-code corpus from a zen checkout.")
    parser.add_argument("checkout", type=Path, help="a clone of netra-systems/zen at 4f5eda698")
    parser.add_argument("target", type=Path, help="where to build the corpus (outside this repository)")
    args = parser.parse_args()
    print(build_netra(args.checkout.resolve(), args.target.resolve()))
