"""Does a screenshot show text, or the boxes Qt draws when it has no font for the characters?

Text is many different small shapes (letters); boxes are one shape over and over. The measure:
the dark connected shapes of a picture (8-connected pixels clearly darker than the background),
and how many DIFFERENT ones there are, compared pixel for pixel.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage


def distinct_shapes(path: Path, *, darkness: int = 110, max_size: int = 40) -> tuple[int, int]:
    """(how many dark shapes, how many different ones) in the PNG at `path`; shapes larger than
    `max_size` pixels across (frames, lines) are left out."""
    image = QImage(str(path))
    if image.isNull():
        raise ValueError(f"{path} is not a readable picture")
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = image.constBits().tobytes()
    dark = bytearray(width * height)
    for y in range(height):
        row = data[y * stride : y * stride + width]
        for x, value in enumerate(row):
            if value < darkness:
                dark[y * width + x] = 1
    seen = bytearray(width * height)
    shapes: set[bytes] = set()
    count = 0
    for start in range(width * height):
        if not dark[start] or seen[start]:
            continue
        stack, pixels = [start], []
        seen[start] = 1
        while stack:
            at = stack.pop()
            pixels.append(at)
            y, x = divmod(at, width)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < height and 0 <= nx < width:
                        near = ny * width + nx
                        if dark[near] and not seen[near]:
                            seen[near] = 1
                            stack.append(near)
        ys = [p // width for p in pixels]
        xs = [p % width for p in pixels]
        top, left = min(ys), min(xs)
        h, w = max(ys) - top + 1, max(xs) - left + 1
        if h > max_size or w > max_size:
            continue
        count += 1
        cells = bytearray(w * h)
        for p in pixels:
            cells[(p // width - top) * w + (p % width - left)] = 1
        shapes.add(bytes([w, h]) + bytes(cells))
    return count, len(shapes)
