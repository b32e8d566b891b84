"""exercise_library.current: the context's own objects, not Flask's proxies to them."""

import flask
import pytest

from exercise_library import current


def test_app_is_the_current_app_itself(app):
    with app.app_context():
        assert current.app() is app


def test_request_is_the_current_request_itself(app):
    with app.test_request_context("/exercises?q=hop"):
        found = current.request()
        assert type(found) is app.request_class
        assert found.args["q"] == "hop"


def test_g_is_the_current_app_contexts_g(app):
    with app.app_context():
        current.g().marker = "set through current.g"
        assert flask.g.marker == "set through current.g"
    with app.app_context():
        assert "marker" not in current.g()


def test_outside_a_request_there_is_no_request(app):
    with app.app_context(), pytest.raises(RuntimeError):
        current.request()
