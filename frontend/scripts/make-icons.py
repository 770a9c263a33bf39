"""Renders the app icons (public/icons/*.png) from the logo with headless Chromium.

Run once when the logo changes; the PNGs are committed:
    .venv/bin/python frontend/scripts/make-icons.py
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

PUBLIC = Path(__file__).resolve().parent.parent / "public"
BOLT = '<path d="M282 76 138 288h104l-16 148 148-212H270z" fill="#fff"/>'
GRADIENT = (
    '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
    '<stop offset="0" stop-color="#ff5a1f"/><stop offset="1" stop-color="#ff9a3d"/></linearGradient></defs>'
)


def svg(maskable: bool, rounded: bool) -> str:
    # Maskable icons fill the whole square and keep the mark inside the 80 % safe zone.
    background = f'<rect width="512" height="512" rx="{112 if rounded else 0}" fill="url(#g)"/>'
    mark = f'<g transform="translate(256 256) scale(0.78) translate(-256 -256)">{BOLT}</g>' if maskable else BOLT
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">{GRADIENT}{background}{mark}</svg>'


ICONS = {
    "icon-192.png": (192, svg(False, True)),
    "icon-512.png": (512, svg(False, True)),
    "maskable-192.png": (192, svg(True, False)),
    "maskable-512.png": (512, svg(True, False)),
    "apple-touch-icon.png": (180, svg(True, False)),
}

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page()
    (PUBLIC / "icons").mkdir(parents=True, exist_ok=True)
    for name, (size, markup) in ICONS.items():
        page.set_viewport_size({"width": size, "height": size})
        sized = markup.replace("<svg ", '<svg width="%d" height="%d" ' % (size, size), 1)
        html = '<html><body style="margin:0;background:transparent">' + sized + "</body></html>"
        page.set_content(html)
        page.screenshot(path=str(PUBLIC / "icons" / name), omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})
        print("wrote", name)
    browser.close()
