import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
application = get_wsgi_application()

# A script's GET of one seeker's stored recommendations, answered without Django's request cycle
# (everything else, and every case it does not answer, goes to Django): see matching.lean_wsgi.
from jobbridge.matching.lean_wsgi import fast_lane  # noqa: E402 - needs the apps loaded above

application = fast_lane(application)
