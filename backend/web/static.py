"""How WhiteNoise serves the built PWA (frontend/dist) at the site root.

Vite names everything under /assets/ by its content hash, so those files are cached for a year.
The service worker, the manifest, index.html and the other root files must be revalidated every
time, or a deployed update would never reach an installed app.
"""

import re

# Django's ManifestStaticFilesStorage hashes (name.0123456789ab.css) under /static/.
_DJANGO_HASHED = re.compile(r"^.+\.[0-9a-f]{12}\..+$")
# Workbox's runtime, which vite-plugin-pwa writes beside sw.js with its hash in the name.
_WORKBOX = re.compile(r"^/workbox-[0-9a-f]{8}\.js$")
ASSETS_PREFIX = "/assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def immutable_file_test(path: str, url: str) -> bool:
    return url.startswith(ASSETS_PREFIX) or bool(_WORKBOX.match(url) or _DJANGO_HASHED.match(url))


def add_headers(headers, path: str, url: str) -> None:
    if url.startswith(ASSETS_PREFIX) or _WORKBOX.match(url):
        headers["Cache-Control"] = IMMUTABLE
    elif not url.startswith("/static/"):
        headers["Cache-Control"] = REVALIDATE
    if url.endswith(".webmanifest"):
        headers["Content-Type"] = "application/manifest+json"
    if url in ("/sw.js", "/registerSW.js"):
        headers["Service-Worker-Allowed"] = "/"
