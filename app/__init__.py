"""Client Portal: the Flask application factory."""

from flask import Flask

from app import config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)

    from app.health import bp as health_bp

    app.register_blueprint(health_bp)
    return app
