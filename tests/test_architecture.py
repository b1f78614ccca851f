"""The layers of docs/architecture.md, as import-linter checks them in `make lint` and CI."""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ["config", "groups", "reports", "patrols", "mediation", "dashboard", "demo"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_apps_keep_their_layers():
    result = _lint_imports(BASE)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_an_import_against_the_layers_fails_naming_it(tmp_path):
    for app in APPS:
        shutil.copytree(BASE / app, tmp_path / app, ignore=shutil.ignore_patterns("migrations"))
    shutil.copy(BASE / "pyproject.toml", tmp_path)
    # The base app reaching up to the dashboard, and patrols reaching across to mediation.
    (tmp_path / "groups" / "upward.py").write_text("from dashboard import views\n")
    (tmp_path / "patrols" / "sideways.py").write_text("import mediation.stats\n")

    result = _lint_imports(tmp_path)

    assert result.returncode == 1
    assert "groups.upward -> dashboard.views" in result.stdout
    assert "patrols.sideways -> mediation.stats" in result.stdout
    assert "Each app imports only the apps below it BROKEN" in result.stdout
    assert "Patrols and mediation never import each other BROKEN" in result.stdout
