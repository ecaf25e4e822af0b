"""Plotly figure builders for Descent Lab: functions from engine data to ``go.Figure``.

No streamlit here: pages and ui/ call these and lay the figures out. Every builder takes
``style=Style(...)`` (font size, height, dark theme, presentation mode) and returns the same traces in
the same order for the same network / dataset, so live charts can be updated in place.
"""
from .activations import activation_figure
from .boundary import decision_figure
from .images import first_layer_weights_figure, images_figure
from .network_diagram import network_figure
from .shapes import backward_equations, forward_equations, hyperparameters_table, shapes_table, shapes_table_text
from .style import (BINARY_SCALE, CLASS_COLORS, DIVERGING_SCALE, SEQUENTIAL_SCALE, Style, apply_style,
                    class_color)
from .training import cost_figure, gradient_figure, unit_health_figure, update_ratio_figure
from .weights import weight_histogram_figure, weight_matrix_figure, weights_over_time_figure

__all__ = [
    "Style", "apply_style", "class_color", "CLASS_COLORS", "BINARY_SCALE", "DIVERGING_SCALE", "SEQUENTIAL_SCALE",
    "cost_figure", "gradient_figure", "update_ratio_figure", "unit_health_figure",
    "decision_figure", "images_figure", "first_layer_weights_figure",
    "network_figure", "activation_figure",
    "weights_over_time_figure", "weight_histogram_figure", "weight_matrix_figure",
    "shapes_table", "shapes_table_text", "forward_equations", "backward_equations", "hyperparameters_table",
]
