"""The fixtures of the site's page and API tests, shared here: ``world`` (one person of each role
and seekers each role should see differently), ``login`` and ``password`` (tests/web), and ``api``
(an API client with a bearer token, tests/api)."""

from tests.api.conftest import api  # noqa: F401
from tests.web.conftest import login, password, world  # noqa: F401
