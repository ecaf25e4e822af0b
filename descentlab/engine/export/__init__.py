"""Take a run home as code: one self-contained numpy script (or Jupyter notebook) in the course's
notation that regenerates the run's data and initial weights and trains exactly as the engine does.

The script is assembled from sections (markdown, code): the data (data.py), the model (model.py)
and the training (training.py). ``export_script`` joins them with the markdown as comments;
``export_notebook`` (notebook.py) makes them cells. Only the parts the config uses are written.
Nothing a user typed reaches the code except through ``comment_text`` (one comment line)."""
from __future__ import annotations

import json
import textwrap

import numpy as np

from descentlab.engine.datasets import DATASETS
from descentlab.engine.export import data, model, training

DEFAULT_ITERATIONS = 1000
DEFAULT_PRINT_EVERY = 100


def comment_text(text: str, limit: int = 100) -> str:
    """User text made safe for one comment line: printable characters only (no line breaks of any
    kind, which would end the comment), cut to ``limit``."""
    return "".join(ch for ch in str(text) if ch.isprintable())[:limit]


def _shape(config, dataset):
    """(n_x, n_y, task, m_train, m_test) without building the run when the data can be regenerated."""
    if dataset is not None and not data.can_regenerate(config):
        return dataset.n_x, dataset.n_y, dataset.task, dataset.m_train, dataset.m_test
    if not data.can_regenerate(config):
        raise ValueError(f"the {config.dataset!r} data cannot be regenerated: pass the run's dataset")
    spec = DATASETS[config.dataset]
    n_test = int(round(config.test_fraction * config.n_samples))
    n_y = len(spec.class_names) if spec.task == "multiclass" else 1
    return len(config.features), n_y, spec.task, config.n_samples - n_test, n_test


def script_sections(config, dataset=None, initial_params=None, iterations=DEFAULT_ITERATIONS,
                    print_every=DEFAULT_PRINT_EVERY, title: str = ""):
    """[(markdown, code), ...] of the whole script, in order."""
    n_x, n_y, task, m_train, m_test = _shape(config, dataset)
    sizes, hidden, out, loss = model.network_shape(config, n_x, n_y, task)
    if (loss, out) not in model.FUSED and loss not in model.LOSS_GRADIENT:
        raise ValueError(f"loss {loss!r} with output {out!r} has no exported form")
    minibatch = config.batch_size is not None and config.batch_size < m_train
    uses_rng = minibatch or config.dropout > 0
    embedded = initial_params is not None or not data.can_regenerate(config)
    sections = [_header(config, title, embedded)]
    sections += data.data_sections(config, dataset)
    activations = model.activation_section(config, hidden, out)
    if activations:
        sections.append(activations)
    sections += [
        model.init_section(config, sizes, initial_params, uses_rng),
        model.forward_section(sizes, hidden, out, config.dropout > 0),
        model.cost_section(loss),
        model.backward_section(config, sizes, hidden, out, loss),
        training.hyperparameters(config, iterations, print_every, minibatch),
        training.update_section(config),
        training.loop_section(config, len(sizes) - 1, minibatch, m_test > 0),
    ]
    return sections


def _header(config, title, embedded):
    name = comment_text(title)
    settings = json.dumps(config.to_dict(), separators=(", ", ": "))
    lines = [f"# Descent Lab run, exported as Python{': ' + name if name else ''}",
             "# Self-contained: needs only numpy. It regenerates the run's data and starting weights and",
             "# trains as the run did, printing the training cost J at the same iterations as its history.",
             "# Notation: X is (n_x, m), one example per column; W[l] is (n[l], n[l-1]); b[l] is (n[l], 1).",
             "# The run's settings:"]
    lines += ["#   " + line for line in textwrap.wrap(settings, 96)]
    if config.dtype == "float32":
        lines.append("# The run computed in float32; this script uses float64, so its numbers agree only roughly.")
    imports = ("import base64\nimport zlib\n\nimport numpy as np\n\n\n" + data.UNPACK) if embedded else "import numpy as np\n"
    return ("# A Descent Lab run, as code\n\nThe run's data, network and training written out in the "
            "course's notation, with numpy only. Run the cells in order.", "\n".join(lines) + "\n\n" + imports)


def export_script(config, dataset=None, initial_params=None, iterations=DEFAULT_ITERATIONS,
                  print_every=DEFAULT_PRINT_EVERY, title: str = "") -> str:
    """The run as one Python file (text); the sections' markdown becomes comments."""
    parts = []
    for i, (markdown, code) in enumerate(script_sections(config, dataset, initial_params, iterations,
                                                         print_every, title)):
        if i:  # the header's markdown is for the notebook: the script has its own comment header
            parts.append(_as_comment(markdown))
        parts.append(code.rstrip("\n") + "\n")
    return "\n\n".join(parts)


def _as_comment(markdown: str) -> str:
    lines = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            line = line.lstrip("# ")
            lines += ["# " + "-" * 96, f"# {line}", "# " + "-" * 96]
        elif line.strip():
            lines += ["# " + w for w in textwrap.wrap(line.replace("`", "").replace("**", ""), 96)]
    return "\n".join(lines)


def export_notebook(*args, **kwargs) -> str:
    """The same sections as a Jupyter notebook (.ipynb JSON text); see descentlab.engine.export.notebook."""
    from descentlab.engine.export.notebook import notebook_text

    return notebook_text(script_sections(*args, **kwargs))


def starting_params(run, config) -> dict | None:
    """The run's parameters at iteration 0 when its seed does not give them (e.g. a loaded run, which
    starts from saved weights), else None: the script then regenerates them."""
    net = run.network
    theta0 = run.trainer.snapshots.at(0)[1]
    fresh = type(net)(net.layer_sizes, net.activations[1:-1], net.activations[-1], config.init,
                      config.init_scale, config.seed, net.dtype, loss=net.loss)
    if np.array_equal(fresh.theta, theta0):
        return None
    return {k: theta0[net.flat_indices(k)].reshape(v.shape) for k, v in net.params.items()}


def export_run(run, config, notebook: bool = False, title: str = "") -> str:
    """The app's download: ``run`` (a descentlab.engine.build.Run) as a script or notebook that trains as many
    iterations as the run has (DEFAULT_ITERATIONS before the first step), printing ~10 costs."""
    iterations = run.trainer.iteration or DEFAULT_ITERATIONS
    options = dict(dataset=run.dataset, initial_params=starting_params(run, config), iterations=iterations,
                   print_every=max(1, iterations // 10), title=title)
    return export_notebook(config, **options) if notebook else export_script(config, **options)
