"""Container health check: exit 0 when GET /api/health/ on this container answers 200.

Used by the image's HEALTHCHECK (docker run, docker compose). It sends `Host: localhost`, so the
check passes whatever ALLOWED_HOSTS names, as long as it keeps `localhost` (the default does; the
compose file and the Helm chart add it). Standard library only: the slim image has no curl.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("PORT") or "8000"
    url = f"http://127.0.0.1:{port}/api/health/"
    request = urllib.request.Request(url, headers={"Host": "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "4"))) as response:
            status = response.status
            body = response.read(500).decode(errors="replace")
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read(500).decode(errors="replace")
    except OSError as error:
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: {url} answered {status}: {body}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
