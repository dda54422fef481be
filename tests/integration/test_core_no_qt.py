"""The core (domain, store, services, formats, labels, settings, CLI) must run without Qt."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

CORE_PACKAGES = (
    "rmadesk.domain",
    "rmadesk.store",
    "rmadesk.services",
    "rmadesk.formats",
    "rmadesk.labels",
    "rmadesk.text",
)
CORE_MODULES = ("rmadesk", "rmadesk.settings", "rmadesk.cli")

# Alembic's env.py runs a migration when imported (it reads alembic.context.config), so the migration
# scripts are left out of the walk; their package and the schema module that drives them are imported.
NOT_IMPORTABLE_ALONE = ("rmadesk.store.migrations.env",)

PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    packages, modules, skip = json.loads(sys.argv[1])
    imported = []
    for name in modules:
        importlib.import_module(name)
        imported.append(name)
    for name in packages:
        package = importlib.import_module(name)
        imported.append(name)
        for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
            if info.name in skip or info.name.startswith(tuple(s + "." for s in skip)):
                continue
            importlib.import_module(info.name)
            imported.append(info.name)
    qt = sorted(m for m in sys.modules if m == "PySide6" or m.startswith(("PySide6.", "shiboken6")))
    print(json.dumps({"imported": imported, "qt": qt}))
    """
)


def _probe(packages: tuple[str, ...], modules: tuple[str, ...]) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([packages, modules, NOT_IMPORTABLE_ALONE])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_core_imports_without_pyside6() -> None:
    result = _probe(CORE_PACKAGES, CORE_MODULES)
    imported = set(result["imported"])
    # The walk really covered the core (so a new module there is covered too).
    for name in (
        "rmadesk.domain.model",
        "rmadesk.domain.policy",
        "rmadesk.domain.scan",
        "rmadesk.store.uow",
        "rmadesk.store.schema",
        "rmadesk.services.bench",
        "rmadesk.services.imports",
        "rmadesk.services.demo",
        "rmadesk.formats.amazon.registry",
        "rmadesk.labels.sheet",
        "rmadesk.cli",
        "rmadesk.settings",
    ):
        assert name in imported, name
    assert len(imported) >= 25
    assert result["qt"] == [], f"the core pulled in Qt: {result['qt']}"


def test_the_bench_window_does_load_pyside6() -> None:
    """The same probe sees Qt when it is there, so the test above can fail."""
    result = _probe((), ("rmadesk.ui.bench.window",))
    assert "rmadesk.ui.bench.window" in result["imported"]
    assert "PySide6" in result["qt"]
    assert "PySide6.QtWidgets" in result["qt"]
