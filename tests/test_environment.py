"""environment.yml stays in step with pyproject.toml, the one list of dependencies."""

import re
import tomllib

import yaml

from kpitools.paths import PROJECT_DIR

ENVIRONMENT_FILE = PROJECT_DIR / "environment.yml"
PYPROJECT_FILE = PROJECT_DIR / "pyproject.toml"


def _environment() -> dict:
    return yaml.safe_load(ENVIRONMENT_FILE.read_text(encoding="utf-8"))


def _pyproject() -> dict:
    return tomllib.loads(PYPROJECT_FILE.read_text(encoding="utf-8"))


def _conda_packages() -> list[str]:
    return [item for item in _environment()["dependencies"] if isinstance(item, str)]


def _pip_requirements() -> list[str]:
    entries = [
        item for item in _environment()["dependencies"] if isinstance(item, dict)
    ]
    return [requirement for entry in entries for requirement in entry.get("pip", [])]


def test_conda_brings_only_python_and_pip():
    names = [re.split(r"[<>=! ]", package)[0] for package in _conda_packages()]

    assert sorted(names) == ["pip", "python"]


def test_python_version_matches_pyproject():
    requires_python = _pyproject()["project"]["requires-python"]
    python_spec = next(p for p in _conda_packages() if p.startswith("python"))

    assert python_spec.removeprefix("python").replace(" ", "") == requires_python


def test_pip_installs_project_with_extras():
    requirements = _pip_requirements()

    assert len(requirements) == 1
    match = re.fullmatch(r"-e \.\[([a-z,]+)\]", requirements[0])
    assert match is not None, requirements[0]
    extras = set(match.group(1).split(","))
    assert extras == {"test", "lab"}
    assert extras <= set(_pyproject()["project"]["optional-dependencies"])


def test_cjk_font_package_is_a_dependency():
    names = [
        re.split(r"[<>=!~ \[;]", requirement)[0].lower()
        for requirement in _pyproject()["project"]["dependencies"]
    ]

    assert "mplfonts" in names
