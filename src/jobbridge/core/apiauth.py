"""How API callers prove who they are: a bearer token, or the session of a signed-in browser.

The token comes first so a script that also carries a session cookie is not asked for a CSRF
token; the session check enforces CSRF on unsafe methods (ninja's SessionAuth does it).
"""

from ninja.security import HttpBearer, SessionAuth

from jobbridge.core.tokens import token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            # Services and the audit trail read request.user; make it the token's owner.
            request.user = user
            request.auth_method = "token"
        return user


class Session(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.auth_method = "session"
        return user


AUTH = [BearerToken(), Session(csrf=True)]
