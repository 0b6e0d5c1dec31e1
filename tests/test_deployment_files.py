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


def test_compose_file_has_two_web_nodes_sharing_everything():
    """Nothing on one node: a second web node with the same image and settings, uploads
    in the object store (MinIO, a private bucket), no media volume on any node."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["web2"]["image"] == services["web"]["image"]
    assert "gunicorn" in " ".join(services["web2"]["command"])
    assert services["web2"]["environment"] == services["web"]["environment"]
    assert services["web2"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["minio"]["image"].startswith("minio/minio")
    assert services["minio"]["healthcheck"]["test"]
    environment = services["web"]["environment"]
    assert environment["PORTAL_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert environment["REDIS_URL"].startswith("redis://redis")
    bucket = environment["PORTAL_S3_BUCKET"]
    assert f"mc anonymous set none store/{bucket}" in " ".join(
        services["minio-bucket"]["entrypoint"]
    )
    for name in ("web", "web2", "worker", "beat"):
        assert not services[name].get("volumes"), name
        assert (
            services[name]["depends_on"]["minio-bucket"]["condition"]
            == "service_completed_successfully"
        )


def test_env_example_documents_every_setting_read_from_the_environment():
    import re

    settings_source = (ROOT / "portal/settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names - documented == set()


def test_dockerfile_runs_as_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER portal" in dockerfile
