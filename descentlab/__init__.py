"""Descent Lab: watch a neural network learn, in the course's notation (X is (n_x, m), examples as
columns; W[l] is (n[l], n[l-1]); b[l] is (n[l], 1)).

Four layers, each importing only the ones before it (docs/architecture.md):

- ``descentlab.engine``: the training engine in pure numpy (network, trainer, losses, optimizers,
  data sets, config, sweep, saved runs, the CLI).
- ``descentlab.lessons``: the numbers behind single lessons (one neuron, broadcasting, vectorization,
  loss functions, cost surfaces, initialization experiments, activation properties), built on the engine.
- ``descentlab.viz``: Plotly figure builders, data in and figures out.
- ``descentlab.ui``: Streamlit pieces; ``ui.live`` is the live-frame transport, ``ui.views`` what each
  lab page shows.
"""
