# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.oncall.grafana.plugins.module_utils.errors import OnCallAPIError, OnCallError, flatten_error_body, redact

DJANGO_404 = """<!doctype html>
<html lang="en">
<head>
  <title>Not Found</title>
</head>
<body>
  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
</body>
</html>
"""

DJANGO_500 = """<!doctype html>
<html lang="en">
<head>
  <title>Server Error (500)</title>
</head>
<body>
  <h1>Server Error (500)</h1><p></p>
</body>
</html>
"""


def test_detail_body_is_its_text():
    assert flatten_error_body({"detail": "An integration with this name already exists for this team"}) == \
        "An integration with this name already exists for this team"


def test_detail_alongside_other_keys_is_shown_without_prefix():
    assert flatten_error_body({"detail": "Invalid template data", "name": ["x"]}) == "Invalid template data; name: x"


def test_field_dict_with_list_values_names_each_field():
    message = flatten_error_body({"type": ["This field is required."], "name": ["This field may not be null."]})
    assert message == "type: This field is required.; name: This field may not be null."


def test_several_messages_of_one_field_are_all_kept():
    message = flatten_error_body({"name": ["first problem.", "second problem."]})
    assert "first problem." in message and "second problem." in message and message.startswith("name: ")


def test_nested_field_dict_joins_keys_with_a_dot():
    assert flatten_error_body({"slack": {"channel_id": ["Slack channel does not exist"]}}) == "slack.channel_id: Slack channel does not exist"


def test_non_field_errors_are_shown_without_the_key():
    assert flatten_error_body({"non_field_errors": ["The fields organization, name must make a unique set."]}) == \
        "The fields organization, name must make a unique set."


def test_bare_list_body_joins_its_items():
    body = ["Failed to create the integration with current Grafana Alerting. Please reach out to our support team"]
    assert flatten_error_body(body) == body[0]
    assert flatten_error_body(["a", "b"]) == "a; b"


def test_html_404_page_is_reduced_to_its_title():
    assert flatten_error_body(DJANGO_404) == "HTML page: Not Found"


def test_html_500_page_is_reduced_to_its_title():
    message = flatten_error_body(DJANGO_500)
    assert message == "HTML page: Server Error (500)"
    assert "<" not in message


def test_long_text_is_truncated_to_300_characters_and_marked():
    message = flatten_error_body("x" * 1000)
    assert message == "x" * 300 + "..."


def test_text_of_300_characters_is_not_truncated():
    assert flatten_error_body("y" * 300) == "y" * 300


def test_text_whitespace_is_collapsed_to_one_line():
    assert flatten_error_body("upstream\n  connect error\r\n") == "upstream connect error"


@pytest.mark.parametrize("body", [None, "", {}, []])
def test_empty_body_says_so(body):
    assert flatten_error_body(body) == "(empty answer)"


def test_whitespace_only_body_says_it_is_empty():
    assert flatten_error_body("\n") == "(empty answer)"


def test_api_error_message_names_method_path_and_status():
    exc = OnCallAPIError("PUT", "/api/v1/integrations/C1/", 400, "name: bad")
    assert str(exc) == "PUT /api/v1/integrations/C1/ failed with HTTP 400: name: bad"
    assert (exc.method, exc.path, exc.status, exc.outcome_unknown) == ("PUT", "/api/v1/integrations/C1/", 400, False)


def test_api_error_without_answer_has_no_status_in_message():
    exc = OnCallAPIError("POST", "/api/v1/integrations/", None, "no answer within timeout=30 s", outcome_unknown=True)
    assert str(exc) == "POST /api/v1/integrations/ failed: no answer within timeout=30 s"
    assert exc.outcome_unknown is True


def test_api_error_is_an_oncall_error():
    assert issubclass(OnCallAPIError, OnCallError)


def test_redact_replaces_every_occurrence_of_every_secret():
    assert redact("a SECRET b SECRET c other", ["SECRET", "other"]) == "a ******** b ******** c ********"


def test_redact_ignores_empty_secrets_and_non_text():
    assert redact("abc", ["", None]) == "abc"
    assert redact(None, ["x"]) is None
