# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Control endpoints under /__emulator__/: inspect and steer the emulator from tests and demos.

They need no token, are never throttled and never logged, so that looking at the emulator does not
change what it records. Fault rules (faults.py) never apply to them either.
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from drf import ApiError, HtmlError
from faults import FaultPlan  # noqa: F401 pylint: disable=unused-import


def _json(status, body):
    if body is None:
        response = Response(status=status)
        response.headers.pop("Content-Type", None)
        return response
    return Response(json.dumps(body), status=status, content_type="application/json")


class ControlApi:
    def __init__(self, app):
        self.app = app
        self.state = app.state

    def handle(self, request):
        name = request.path[len("/__emulator__/"):].strip("/")
        handler = getattr(self, "_%s_%s" % (request.method.lower(), name), None)
        if handler is None:
            return _json(404, {"detail": "Unknown control endpoint %s %s" % (request.method, request.path)})
        body = {}
        if request.get_data():
            try:
                body = json.loads(request.get_data())
            except ValueError:
                return _json(400, {"detail": "Control endpoints take a JSON body"})
        try:
            with self.state.lock:
                return handler(body if isinstance(body, dict) else {})
        except ApiError as error:
            return _json(error.status, error.body)
        except HtmlError as error:
            return _json(error.status, {"detail": "server error"})

    def _get_requests(self, _body):
        return _json(200, {"requests": list(self.state.requests)})

    def _delete_requests(self, _body):
        self.state.requests.clear()
        return _json(204, None)

    def _post_reset(self, _body):
        self.app.reset()  # also clears the fault rules
        return _json(204, None)

    def _get_faults(self, _body):
        return _json(200, {"faults": self.app.faults.describe()})

    def _post_faults(self, body):
        return _json(201, self.app.faults.add(body))

    def _delete_faults(self, _body):
        self.app.faults.clear()
        return _json(204, None)

    def _get_connections(self, _body):
        return _json(200, {"silent_close": self.app.silent_close})

    def _post_connections(self, body):
        """Switch silent-close mode (see EmulatorApp.silent_close) while running."""
        if "silent_close" in body:
            if not isinstance(body["silent_close"], bool):
                return _json(400, {"silent_close": ["Must be a valid boolean."]})
            self.app.silent_close = body["silent_close"]
        return _json(200, {"silent_close": self.app.silent_close})

    def _get_state(self, _body):
        return _json(200, self.state.dump())

    def _post_teams(self, body):
        """Simulates Grafana's team sync adding a team."""
        name = body.get("name")
        if not isinstance(name, str) or not name:
            return _json(400, {"name": ["This field is required."]})
        if any(team.name == name for team in self.state.teams.values()):
            return _json(400, {"name": ["Team names are unique in Grafana."]})
        return _json(201, self.app.resources["teams"].represent(self.state.add_team(name)))

    def _post_direct_paging(self, body):
        """Creates the server-managed direct paging integration of a team (null: no team)."""
        return _json(201, self.app.integrations.create_direct_paging(body.get("team_id")))
