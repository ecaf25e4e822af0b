"""A QR code of a link, as an SVG data URI (server-side, no JavaScript): a room opens the lecturer's
run on their laptops by pointing a camera at the projector."""
from __future__ import annotations

import segno

# Dark modules on white with a 4-module quiet zone, as readers expect, whatever the page's theme.
QUIET_ZONE = 4


def qr_code(url: str) -> segno.QRCode:
    """The link's QR code: a regular QR (never a Micro QR, which phone cameras do not all read), at
    the lowest error level that fits in the smallest version (segno raises it when that is free):
    fewer, larger modules are what reads best off a projector."""
    return segno.make_qr(url)


def qr_data_uri(url: str) -> str:
    """``url``'s QR code as an SVG data URI for an <img>; the picture scales to any size (the page sets
    it), with pixel-sharp modules. The URL only reaches the picture as modules, never as text."""
    return qr_code(url).svg_data_uri(scale=1, border=QUIET_ZONE, dark="#000000", light="#FFFFFF",
                                     omitsize=True)
