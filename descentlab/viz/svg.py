"""SVG pictures as data URIs, for live charts' layout images: a few hundred bytes of text that the
browser draws antialiased at whatever size the chart has, with nothing to rasterize or compress on
the server (descentlab.viz.png makes the raster ones)."""
from __future__ import annotations

import base64


def stretched_svg_uri(width: int, height: int, body: str) -> str:
    """``body`` (SVG elements in units of a ``width`` x ``height`` box) as a data URI whose picture
    stretches to the layout image's box, as a raster of that size would (preserveAspectRatio none)."""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} '
           f'{height}" preserveAspectRatio="none">{body}</svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
