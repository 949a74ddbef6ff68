"""The image's HEALTHCHECK: exits 0 when this container's gunicorn answers 200 on /healthz, else 1 and why.

The request names PUBLIC_URL's host: in production the app answers 400 to a Host that TRUSTED_HOSTS does not
list, such as 127.0.0.1.
"""

import os
import sys
import urllib.request
from urllib.parse import urlsplit

url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
host = urlsplit(os.environ.get("PUBLIC_URL", "")).netloc
request = urllib.request.Request(url, headers={"Host": host} if host else {})
try:
    with urllib.request.urlopen(request, timeout=5):
        pass
except OSError as error:  # no answer, or an error status (HTTPError)
    sys.exit(f"unhealthy: {error}")
