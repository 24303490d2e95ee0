def test_health_reports_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_says_when_the_database_is_unavailable(app):
    from app import create_app

    nowhere = create_app({**app.config, "DATABASE_URL":
                          "postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=1"})
    response = nowhere.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
