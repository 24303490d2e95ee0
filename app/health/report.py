from flask import current_app, jsonify


def healthy():
    return jsonify(status="ok", database="ok")


def problem(reason: str, detail: str):
    current_app.logger.warning("health check: %s", detail)
    return jsonify(status="degraded", database=reason, problem=detail), 503
