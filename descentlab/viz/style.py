"""Look and feel shared by every figure: sizes, the colour-blind-safe palette, and ``style_layout``
(the base layout dict every builder starts from; ``apply_style`` puts it on an existing figure).

Colours are Okabe & Ito's palette (distinguishable with every common colour-vision deficiency).
Figures keep transparent backgrounds so the page theme (light or dark) shows through, and ship an
empty template: plotly's default template adds ~8 kB of JSON to every frame of a live chart.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

# Okabe-Ito. Classes take them in this order: class 0 blue, class 1 orange, ...
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, YELLOW = "#CC79A7", "#56B4E9", "#F0E442"
CLASS_COLORS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW)
NEUTRAL = "#F2F2EE"  # the light middle of diverging scales
POSITIVE, NEGATIVE = BLUE, ORANGE  # weight signs in the network diagram and weight heatmaps
TRAIN_COLOR, TEST_COLOR = BLUE, VERMILLION  # train / test curves

# P(y=1): class-0 colour -> light neutral -> class-1 colour.
BINARY_SCALE = [[0.0, BLUE], [0.5, NEUTRAL], [1.0, ORANGE]]
# Signed values (weights): negative orange, zero neutral, positive blue.
DIVERGING_SCALE = [[0.0, ORANGE], [0.5, NEUTRAL], [1.0, BLUE]]
# Regression values and counts: light to dark, monotone in lightness (reads in greyscale too).
SEQUENTIAL_SCALE = [[0.0, "#FFF7D6"], [0.25, "#F0E442"], [0.5, "#56B4E9"],
                    [0.75, "#0072B2"], [1.0, "#1B1F5C"]]


def colorscale(scale) -> list:
    """A fresh copy of one of the scales above for a figure dict: the module's lists stay untouched."""
    return [[p, c] for p, c in scale]


def class_color(k: int) -> str:
    return CLASS_COLORS[k % len(CLASS_COLORS)]


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def rgba(color: str, alpha: float) -> str:
    r, g, b = hex_to_rgb(color)
    return f"rgba({r},{g},{b},{alpha:g})"


def scale_lut(scale, n: int = 256) -> np.ndarray:
    """A colour scale as an (n, 3) uint8 lookup table, for images made in numpy / Pillow."""
    pos = np.array([p for p, _ in scale], dtype=float)
    rgb = np.array([hex_to_rgb(c) for _, c in scale], dtype=float)
    t = np.linspace(0.0, 1.0, n)
    return np.stack([np.interp(t, pos, rgb[:, i]) for i in range(3)], axis=1).round().astype(np.uint8)


GREY, WINE, TEAL = "#8C8C8C", "#AA4499", "#44AA99"
# Layers 1, 2, ...: distinct hues of mid lightness, readable on light and dark pages alike (a
# lightness ramp loses its light end on white and its dark end on a dark theme). Okabe-Ito, then
# two of Paul Tol's for the 9th and 10th layer; deeper networks repeat them.
LAYER_COLORS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY, YELLOW, WINE, TEAL)


def layer_colors(n: int) -> list[str]:
    return [LAYER_COLORS[i % len(LAYER_COLORS)] for i in range(n)]


@dataclass(frozen=True)
class Style:
    """How big and in which theme to draw. ``presentation`` is for a projector at the back of a room.

    ``dark=None`` (the default) sets no text or grid colours, so the page's theme decides them (the
    live charts take them from Streamlit's CSS variables, light or dark, and follow a switch);
    True / False fix them, e.g. for an exported figure."""

    font_size: int = 14
    height: int = 380
    dark: bool | None = None
    presentation: bool = False
    # A height the page chose so that its charts share one screen (the Playground's three charts at
    # 1280x720): it wins over both sizes above.
    fit_height: int | None = None

    @property
    def text(self) -> int:
        return max(self.font_size, 22) if self.presentation else self.font_size

    @property
    def fig_height(self) -> int:
        if self.fit_height:
            return self.fit_height
        return max(self.height, 560) if self.presentation else self.height

    @property
    def line_width(self) -> float:
        return 3.5 if self.presentation else 2.0

    @property
    def marker_size(self) -> float:
        return 9.0 if self.presentation else 6.0

    @property
    def ink(self) -> str:  # text and outline colour: Streamlit's text colours, mid-grey for "either theme"
        return {True: "#FAFAFA", False: "#31333F", None: "#808495"}[self.dark]

    @property
    def grid(self) -> str | None:
        return {True: "rgba(250,250,250,0.16)", False: "rgba(49,51,63,0.12)", None: None}[self.dark]

    @property
    def outline(self) -> str:  # marker outlines: contrast against both the surface and the point
        return "#0E1117" if self.dark else "#FFFFFF"


DEFAULT_STYLE = Style()
_LEGEND_TYPES = {"scatter", "scattergl", "bar"}


def resolve(style: Style | None) -> Style:
    return DEFAULT_STYLE if style is None else style


def template_layout(style: Style | None = None) -> dict:
    """The template's layout, a fresh dict: axis and annotation defaults reach every subplot's axes
    and every note (no per-axis updates needed)."""
    s = resolve(style)
    f = s.text

    def axis():
        colours = {} if s.grid is None else dict(gridcolor=s.grid, zerolinecolor=s.grid, linecolor=s.grid)
        return dict(**colours, tickfont=dict(size=int(f * 0.85)), title=dict(font=dict(size=f)), automargin=True)
    return dict(xaxis=axis(), yaxis=axis(), annotationdefaults=dict(font=dict(size=int(f * 0.9))))


def template(style: Style | None = None) -> go.layout.Template:
    """A small template (plotly's default one would add ~8 kB of JSON to every frame)."""
    return go.layout.Template(layout=template_layout(style))


def style_layout(style: Style | None = None, title: str | None = None, legend: bool = False,
                 uirevision: str = "descentlab") -> dict:
    """Fonts, margins, transparent backgrounds, a top horizontal legend and uirevision, as a fresh
    layout dict (builders add their axes to it; nothing here is shared between calls).

    The title sits in the top margin. With a legend, the title is the legend's own title, on top of
    its entries: a narrow chart or a projector's large type wraps the entries into several rows, and
    Plotly then grows the top margin for the whole block, so the entries can neither cover the title
    nor the plot (a separate title stays put while the rows grow up into it). A constant
    ``uirevision`` keeps the user's zoom while frames replace the data."""
    s = resolve(style)
    f = s.text
    title_h = int(f * 1.9) if title else 0
    legend_h = int(f * 1.9) if legend else 0
    layout = dict(
        template=dict(layout=template_layout(s)),
        height=s.fig_height,
        font=dict(size=f, family="Source Sans Pro, Helvetica, Arial, sans-serif",
                  **({} if s.dark is None else {"color": s.ink})),
        # the left margin fits tick labels; Plotly widens it for an axis title (automargin)
        margin=dict(l=int(f * 2.5), r=int(f * 1.5), t=title_h + legend_h + int(f * 0.6), b=int(f * 3.6),
                    pad=2),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        showlegend=bool(legend),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0.0,
                    font=dict(size=int(f * 0.9)), bgcolor="rgba(0,0,0,0)", itemsizing="constant"),
        hoverlabel=dict(font=dict(size=int(f * 0.9))),
        uirevision=uirevision,
    )
    if title and legend:
        layout["legend"]["title"] = dict(text=title, side="top", font=dict(size=int(f * 1.15)))
    elif title:
        # from the figure's left edge, not the plot's: a narrow chart's title had a y axis' width less
        layout["title"] = dict(text=title, x=0.0, xref="container", xanchor="left", y=1.0, yref="container",
                               yanchor="top", pad=dict(t=int(f * 0.4), l=int(f * 0.5)), font=dict(size=int(f * 1.15)))
    return layout


def apply_style(fig: go.Figure, style: Style | None = None, title: str | None = None,
                legend: bool | None = None, uirevision: str = "descentlab") -> go.Figure:
    """``style_layout`` applied to an existing figure (the builders here use style_layout directly).
    ``legend=None``: a legend row only when some trace has an entry in it."""
    s = resolve(style)
    if legend is None:
        legend = any(t.showlegend or (t.showlegend is None and t.type in _LEGEND_TYPES) for t in fig.data)
    layout = style_layout(s, title, legend, uirevision)
    layout["template"] = template(s)  # an object replaces any template the figure had (a dict would merge)
    fig.update_layout(layout)
    return fig
