"""Plotly figure builders for Descent Lab: functions from engine data to ``go.Figure``.

No streamlit here: pages and ui/ call these and lay the figures out. Every builder takes
``style=Style(...)`` (font size, height, dark theme, presentation mode) and returns the same traces in
the same order for the same network / dataset, so live charts can be updated in place.
"""
from descentlab.viz.boundary import decision_figure
from descentlab.viz.image_samples import first_layer_weights_figure, images_figure
from descentlab.viz.network_diagram import network_figure
from descentlab.viz.preactivations import activation_figure
from descentlab.viz.shapes import (
                    backward_equations,
                    forward_equations,
                    hyperparameters_table,
                    shapes_table,
                    shapes_table_text,
)
from descentlab.viz.style import (
                    BINARY_SCALE,
                    CLASS_COLORS,
                    DIVERGING_SCALE,
                    SEQUENTIAL_SCALE,
                    Style,
                    apply_style,
                    class_color,
)
from descentlab.viz.training import (
                    cost_figure,
                    gradient_figure,
                    unit_health_figure,
                    update_ratio_figure,
)
from descentlab.viz.weights import (
                    weight_histogram_figure,
                    weight_matrix_figure,
                    weights_over_time_figure,
)

__all__ = [
    "Style", "apply_style", "class_color", "CLASS_COLORS", "BINARY_SCALE", "DIVERGING_SCALE", "SEQUENTIAL_SCALE",
    "cost_figure", "gradient_figure", "update_ratio_figure", "unit_health_figure",
    "decision_figure", "images_figure", "first_layer_weights_figure",
    "network_figure", "activation_figure",
    "weights_over_time_figure", "weight_histogram_figure", "weight_matrix_figure",
    "shapes_table", "shapes_table_text", "forward_equations", "backward_equations", "hyperparameters_table",
]
