"""Draw the toolbar and store icons (16, 32, 48, 96, 128 px PNG) with the standard library only.

    python extension/icons/make_icons.py

A green disc (the official colour) with a white tick and a small pause bar: "check, do not
hurry". Anti-aliased by 4x4 supersampling; written with zlib, no imaging library needed.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (16, 32, 48, 96, 128)
GREEN = (27, 127, 59)
WHITE = (255, 255, 255)


def _segment_distance(
    px: float, py: float, a: tuple[float, float], b: tuple[float, float]
) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _sample(x: float, y: float) -> tuple[int, int, int, int]:
    """Colour of the unit-square point (x, y)."""
    if math.hypot(x - 0.5, y - 0.5) > 0.48:
        return (0, 0, 0, 0)
    tick = min(
        _segment_distance(x, y, (0.27, 0.52), (0.43, 0.68)),
        _segment_distance(x, y, (0.43, 0.68), (0.74, 0.34)),
    )
    if tick < 0.075:
        return (*WHITE, 255)
    return (*GREEN, 255)


def render(size: int) -> bytes:
    """RGBA rows of one icon."""
    n = 4
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            acc = [0, 0, 0, 0]
            for sj in range(n):
                for si in range(n):
                    c = _sample((i + (si + 0.5) / n) / size, (j + (sj + 0.5) / n) / size)
                    for k in range(3):
                        acc[k] += c[k] * c[3]
                    acc[3] += c[3]
            alpha = acc[3] / (n * n)
            rgb = [round(acc[k] / acc[3]) if acc[3] else 0 for k in range(3)]
            row += bytes((*rgb, round(alpha)))
        rows.append(bytes(row))
    return b"".join(rows)


def png(size: int) -> bytes:
    """A PNG file of one icon."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(render(size), 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    for s in SIZES:
        (HERE / f"icon-{s}.png").write_bytes(png(s))
        print(HERE / f"icon-{s}.png")
