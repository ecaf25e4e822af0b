"""What a browser shows in a widget it mounts from one run's message, and what the session holds.

Streamlit's browser starts a newly mounted widget at the value the element carries: the session's
value when code set it in that run (``set_value``), else the widget's declared default. When two
runs reach a loaded browser back to back, it may mount the second run's element first; a widget
whose value is the session's but not its declared default then starts at the default, and the
browser sends that back with the next click (the Speed slider fell to 1 iteration a frame)."""
from __future__ import annotations

from streamlit.testing.v1 import element_tree as et


def _formatted(el, values) -> list[str]:
    return [et._format_value_for_widget(el.format_func, v) for v in values]


def _as_list(value) -> list:
    return [value] if value is None or isinstance(value, (str, int, float)) else list(value)


def mounted_and_held(el) -> tuple[list, list] | None:
    """(what a browser mounting ``el`` from this run starts at, the session's value), both in the
    same terms; None for a widget this does not read."""
    p = el.proto
    if isinstance(el, et.SelectSlider):
        start = list(p.raw_value) if p.set_value else [p.options[int(i)] for i in p.default]
        return start, _formatted(el, _as_list(el.value))
    if isinstance(el, et.Multiselect):
        start = list(p.raw_values) if p.set_value else [p.options[int(i)] for i in p.default]
        return start, _formatted(el, el.value)
    if isinstance(el, (et.Selectbox, et.Radio)):
        if p.set_value:
            start = [p.raw_value]
        else:
            start = [p.options[p.default]] if p.HasField("default") else [None]
        return start, [None] if el.value is None else _formatted(el, [el.value])
    if isinstance(el, et.ButtonGroup):
        start = list(p.raw_values) if p.set_value else [p.options[i].content for i in p.default]
        return start, list(el.formatted_values)
    if isinstance(el, (et.Slider, et.NumberInput)):
        start = _as_list(p.value if p.set_value else p.default)
        return [float(v) for v in start], [float(v) for v in _as_list(el.value)]
    if isinstance(el, (et.Toggle, et.Checkbox, et.TextInput, et.TextArea)):
        return [p.value if p.set_value else p.default], [el.value]
    return None


WIDGETS = ("slider", "select_slider", "selectbox", "radio", "multiselect", "button_group", "number_input",
           "toggle", "checkbox", "text_input", "text_area")


def drifting_widgets(at) -> dict:
    """Keyed widgets a browser mounting this run's elements would start away from the session's
    value: {key: (start, held)}."""
    out = {}
    for kind in WIDGETS:
        for el in at.get(kind):
            pair = mounted_and_held(el) if el.key else None
            if pair is not None and pair[0] != pair[1]:
                out[el.key] = pair
    return out
