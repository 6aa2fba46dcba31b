"""Build the extension packages: dist/khong-voi-chrome.zip and dist/khong-voi-firefox.zip.

    python extension/build.py

One source tree; only the manifest differs: Chrome gets ``background.service_worker``,
Firefox ``background.scripts`` (an event page) and its ``browser_specific_settings``. The
unpacked trees are left in ``dist/chrome`` and ``dist/firefox`` (``web-ext lint`` reads the
latter). Tests, node_modules and docs are not shipped.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIST = HERE.parent / "dist"
SHIP = (
    "manifest.json",
    "managed_schema.json",
    "background.js",
    "lib",
    "popup",
    "gate",
    "options",
    "content",
    "_locales",
    "icons/icon-16.png",
    "icons/icon-32.png",
    "icons/icon-48.png",
    "icons/icon-96.png",
    "icons/icon-128.png",
)


def manifest_for(browser: str) -> dict:  # type: ignore[type-arg]
    """The manifest of one browser."""
    m = json.loads((HERE / "manifest.json").read_text("utf-8"))
    if browser == "chrome":
        m["background"] = {"service_worker": "background.js", "type": "module"}
        m.pop("browser_specific_settings", None)
    else:
        # Firefox reads managed storage from its "3rdparty" enterprise policy, not a schema
        m["background"] = {"scripts": ["background.js"], "type": "module"}
        m.pop("storage", None)
    return m


def build(browser: str, dist: Path = DIST) -> Path:
    """Copy the shipped files, write the manifest, zip them (into ``dist``)."""
    out = dist / browser
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name in SHIP:
        src = HERE / name
        if src.is_dir():
            shutil.copytree(src, out / name)
        else:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out / name)
    (out / "manifest.json").write_text(
        json.dumps(manifest_for(browser), ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    archive = dist / f"khong-voi-{browser}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(out.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(out).as_posix())
    return archive


if __name__ == "__main__":
    for browser in ("chrome", "firefox"):
        print(build(browser))
