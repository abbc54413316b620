"""Request middleware of our own."""


class ChineseUnlessChosen:
    """Chinese is the default whatever the browser asks for; English is a choice a person makes
    with the language switch (a cookie), not something a browser's Accept-Language decides.

    Placed before Django's LocaleMiddleware, it hides Accept-Language from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
