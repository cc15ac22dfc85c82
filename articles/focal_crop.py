"""Where a fixed-shape crop of a picture goes, given its focal point: pure arithmetic, no
Pillow and no database (articles/picture_store.py cuts the pixels).

The crop is the largest box of the wanted aspect ratio that fits in the picture, centred
on the focal point as far as the picture's edges allow: a focal point near a corner gives
a box against that corner, never one that runs off the picture.
"""

from dataclasses import dataclass

CENTRE = (0.5, 0.5)


@dataclass(frozen=True)
class Box:
    """A crop in the picture's pixels: Pillow's (left, upper, right, lower) order."""

    left: int
    top: int
    width: int
    height: int

    @property
    def pillow(self):
        return (self.left, self.top, self.left + self.width, self.top + self.height)


def _clamp(value, lowest, highest):
    return max(lowest, min(value, highest))


def crop_box(width, height, aspect, focal_x=CENTRE[0], focal_y=CENTRE[1]):
    """The crop of a ``width`` × ``height`` picture with ``aspect`` (width / height)
    around the focal point (``focal_x``, ``focal_y``: fractions of the width and height
    from the top left, each clamped to 0–1)."""
    if width <= 0 or height <= 0 or aspect <= 0:
        raise ValueError("A crop needs a picture and an aspect ratio larger than nothing.")
    if width / height > aspect:
        crop_width, crop_height = max(1, min(width, round(height * aspect))), height
    else:
        crop_width, crop_height = width, max(1, min(height, round(width / aspect)))
    centre_x = _clamp(focal_x, 0.0, 1.0) * width
    centre_y = _clamp(focal_y, 0.0, 1.0) * height
    left = _clamp(round(centre_x - crop_width / 2), 0, width - crop_width)
    top = _clamp(round(centre_y - crop_height / 2), 0, height - crop_height)
    return Box(left, top, crop_width, crop_height)
