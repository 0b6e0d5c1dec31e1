"""Every app's tests run: pytest only collects the folders listed in ``testpaths``, so an app
added without its folder there would have its tests silently skipped in CI."""

import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def test_every_app_with_tests_is_in_testpaths():
    testpaths = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"][
            "testpaths"
        ]
    )
    ours = [
        Path(config.path).name
        for config in apps.get_app_configs()
        if Path(config.path).parent == ROOT and (Path(config.path) / "tests").is_dir()
    ]
    assert ours, "no app of the project found"
    assert sorted(set(ours) - testpaths) == []
