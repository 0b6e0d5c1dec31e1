from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_file_describes_the_production_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"web", "worker", "beat", "db", "redis", "mailpit"}
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    # worker and beat reuse the web image
    assert services["worker"]["image"] == services["web"]["image"] == services["beat"]["image"]
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    environment = services["web"]["environment"]
    assert environment["DEBUG"] == "false"
    assert environment["DATABASE_URL"].startswith("postgres://")


def test_env_example_documents_every_setting_read_from_the_environment():
    import re

    settings_source = (ROOT / "portal/settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names - documented == set()


def test_dockerfile_runs_as_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER portal" in dockerfile
