"""RunConfig: every knob of one training run, described once.

Each field carries a `Spec` (kind, range or choices, help text) in its dataclass metadata; validation,
the dict/JSON/URL codecs, the CLI flags and the UI widgets are all derived from that one table, so a
new knob is added in one place. Choice lists are read lazily from the engine's registries (no copies
that could drift, and no import cycles with the modules that build networks).

What a config is and how it is written down lives here; making a run from one is
descentlab.engine.build, and what changing one means for a running run is descentlab.engine.config_change.
"""
from __future__ import annotations

import dataclasses
import importlib
import json
import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

VERSION = 1
MAX_JSON_CHARS = 100_000
MAX_QUERY_VALUE = 200  # longer URL values are refused outright: nothing valid is that long
MAX_EDITS_VALUE = 1100  # but a link's weight edits (edits.MAX_LINK_EDITS of them) may be that long
MAX_QUERY_KEYS = 100
UINT32_MAX = 2**32 - 1
# Work of one pass over the data: weights x examples (multiply-adds). One server serves a whole class,
# and a link alone may not occupy it: 16 x 512 units on 20,000 examples would hold ~5.5 GB and take a
# minute of CPU per step. The sidebar's largest network (8 x 64 units, 2,000 examples) needs 6e7.
MAX_WORK = 500_000_000


class ConfigError(ValueError):
    """A bad configuration; `field` names the offending field (None when not about one field)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _registry(module: str, attr: str, extra: tuple[str, ...] = ()) -> Callable[[], tuple[str, ...]]:
    def choices() -> tuple[str, ...]:
        return tuple(getattr(importlib.import_module(module), attr)) + extra
    return choices


@dataclass(frozen=True)
class Spec:
    """How one field may be set. kind: int | float | choice | names | hidden | activation | edits."""

    kind: str
    help: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    choices: Callable[[], tuple[str, ...]] | None = None
    optional: str | None = None  # text token that means None in URLs/flags; None = not nullable
    max_len: int = 0             # hidden: most layers
    aliases: tuple[str, ...] = ()  # extra names accepted in URLs and as CLI flags

    def options(self) -> tuple[str, ...]:
        return self.choices() if self.choices else ()

    def allowed(self) -> str:
        """The allowed values in words, as error messages and --help show them."""
        k = self.kind
        if k == "int":
            text = f"an integer in [{_num(self.lo)}, {_num(self.hi)}]"
        elif k == "float":
            text = (f"a finite number in {'(' if self.lo_open else '['}{_num(self.lo)}, "
                    f"{_num(self.hi)}{')' if self.hi_open else ']'}")
        elif k == "choice":
            text = "one of " + ", ".join(self.options())
        elif k == "names":
            text = "a non-empty list of distinct names from " + ", ".join(self.options())
        elif k == "edits":
            text = ("a list of weight edits, iteration_name_row_column_value each (e.g. 120_W2_1_3_-1.0), "
                    f"joined by '~' (at most {_edits().MAX_LINK_EDITS} in a link)")
        elif k == "hidden":
            text = (f"a list of 0 to {self.max_len} layer sizes, each an integer in "
                    f"[{_num(self.lo)}, {_num(self.hi)}] ('none' = no hidden layer)")
        else:  # activation
            text = f"one of {', '.join(self.options())}, or a list of them, one per hidden layer"
        return text + (f", or {self.optional}" if self.optional else "")


def _edits():
    return importlib.import_module("descentlab.engine.edits")


def _num(x) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


def _f(default, kind: str, help: str, **spec):
    return field(default=default, metadata={"spec": Spec(kind, help, **spec)})


def _show(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_OPEN1 = dict(lo=0, hi=1, hi_open=True)


@dataclass(frozen=True)
class RunConfig:
    # --- data
    dataset: str = _f("circles", "choice", "data set ('csv' = data uploaded in the app, 'draw' = points "
                      "drawn on the plane)", choices=_registry("descentlab.engine.datasets", "DATASETS", ("csv", "draw")))
    n_samples: int = _f(400, "int", "number of generated examples", lo=10, hi=20000)
    noise: float = _f(0.1, "float", "noise added to the generated data", lo=0, hi=1)
    test_fraction: float = _f(0.25, "float", "share of examples held out for testing", lo=0, hi=0.9)
    data_seed: int = _f(0, "int", "seed for generating and splitting the data", lo=0, hi=UINT32_MAX)
    features: tuple[str, ...] = _f(("x1", "x2"), "names", "input features computed from x1, x2",
                                   choices=_registry("descentlab.engine.features", "FEATURES"))
    normalization: str = _f("none", "choice", "input normalization",
                            choices=_registry("descentlab.engine.features", "NORMALIZATIONS"))
    # --- network
    hidden: tuple[int, ...] = _f((8, 8), "hidden", "units per hidden layer", lo=1, hi=512, max_len=16)
    activation: str | tuple[str, ...] = _f("tanh", "activation", "hidden-layer activation",
                                           choices=_registry("descentlab.engine.activations", "ACTIVATIONS"))
    leaky_slope: float = _f(0.01, "float", "slope of leaky_relu for z < 0", lo=0, hi=1)
    output_activation: str | None = _f(
        None, "choice", "output activation (none = the loss's default)", optional="none",
        choices=_registry("descentlab.engine.activations", "ACTIVATIONS", ("softmax",)))
    loss: str | None = _f(None, "choice", "loss (none = the task's default)", optional="none",
                          choices=_registry("descentlab.engine.losses", "LOSSES"))
    init: str = _f("he", "choice", "weight initializer",
                   choices=_registry("descentlab.engine.initializers", "INITIALIZERS"))
    init_scale: float | None = _f(None, "float", "initializer scale (none = its default)",
                                  lo=0, hi=100, lo_open=True, optional="none")
    seed: int = _f(0, "int", "seed for weights, shuffling and dropout", lo=0, hi=UINT32_MAX)
    # --- optimization
    optimizer: str = _f("gd", "choice", "optimizer",
                        choices=_registry("descentlab.engine.optimizers", "OPTIMIZERS"))
    learning_rate: float = _f(0.03, "float", "initial learning rate", lo=1e-6, hi=10, aliases=("lr",))
    momentum: float = _f(0.9, "float", "momentum coefficient (momentum, nesterov)", **_OPEN1)
    beta1: float = _f(0.9, "float", "Adam first-moment decay", **_OPEN1)
    beta2: float = _f(0.999, "float", "Adam second-moment decay", **_OPEN1)
    rho: float = _f(0.9, "float", "RMSProp decay", **_OPEN1)
    epsilon: float = _f(1e-8, "float", "stability constant (rmsprop, adam)", lo=1e-12, hi=0.1)
    schedule: str = _f("constant", "choice", "learning-rate schedule",
                       choices=_registry("descentlab.engine.optimizers", "SCHEDULES"))
    decay_rate: float = _f(0.5, "float", "schedule decay rate", lo=0, hi=1, lo_open=True)
    decay_steps: int = _f(1000, "int", "schedule decay period in iterations", lo=1, hi=10**7)
    batch_size: int | None = _f(None, "int", "mini-batch size (all = full batch)",
                                lo=1, hi=20000, optional="all")
    l1: float = _f(0.0, "float", "L1 weight penalty", lo=0, hi=10)
    l2: float = _f(0.0, "float", "L2 weight penalty", lo=0, hi=10)
    dropout: float = _f(0.0, "float", "drop probability in hidden layers", lo=0, hi=0.999)
    dtype: str = _f("float64", "choice", "floating-point precision",
                    choices=lambda: ("float64", "float32"))
    record_every: int = _f(1, "int", "record the history every N iterations", lo=1, hi=10**6)
    # --- stopping: the course's "repeat until J < epsilon" (None = train as long as asked)
    target_cost: float | None = _f(None, "float", "stop once the training cost J falls below this",
                                   lo=0, hi=1e6, lo_open=True, optional="none")
    # --- weights set by hand (descentlab.engine.edits): replayed as the run reaches each iteration.
    # None: the run had more edits than a config keeps (or a link carries), so they are not here.
    edits: tuple = _f((), "edits", "weights and biases set by hand during the run, replayed at their iterations",
                      optional="omitted")

    def __post_init__(self):
        for name, spec in SPECS.items():
            object.__setattr__(self, name, _coerce(name, spec, getattr(self, name)))
        if isinstance(self.activation, tuple) and len(self.activation) != len(self.hidden):
            raise ConfigError(
                f"activation lists one name per hidden layer: got {len(self.activation)} "
                f"for {len(self.hidden)} hidden layer(s)", "activation")
        work = self.work
        if work > MAX_WORK:
            from descentlab.engine.cost import readable_count

            inputs = "the pictures' 768 pixels" if self.dataset == "shapes" else f"{len(self.features)} inputs"
            raise ConfigError(
                f"network x data too large: {inputs}, {len(self.hidden)} hidden layer(s) of up to "
                f"{max(self.hidden, default=0)} units on {self.n_samples:,} examples is ~{readable_count(work)} "
                f"multiply-adds per pass over the data (max {readable_count(MAX_WORK)}); use fewer or narrower layers, or fewer examples",
                "hidden")

    @property
    def work(self) -> int:
        """Multiply-adds of one pass over the data: every layer's [W | b] from the real input size
        (generated features or the shapes pictures' 768 pixels) times the examples (descentlab.engine.cost).
        A 'csv' run's inputs arrive with its upload, which descentlab.engine.cost prices with the data."""
        from descentlab.engine.cost import data_shape, layer_sizes, weights

        if self.dataset == "csv":
            return weights([len(self.features), *self.hidden, 1]) * self.n_samples
        return weights(layer_sizes(self, data_shape(self))) * self.n_samples

    # --- convenience
    def replace(self, **changes) -> RunConfig:
        unknown = sorted(set(changes) - set(SPECS))
        if unknown:
            raise ConfigError(f"unknown config field(s): {', '.join(unknown)}", unknown[0])
        return dataclasses.replace(self, **changes)

    # --- dict / JSON
    def to_dict(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in SPECS}
        return {"version": VERSION, **{k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunConfig:
        """Strict: unknown keys and other versions are refused; missing fields take defaults."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"a config must be a JSON object / mapping; got {type(data).__name__}")
        unknown = sorted(str(k) for k in data if k not in SPECS and k != "version")
        if unknown:
            raise ConfigError(f"unknown config key(s): {', '.join(map(_show, unknown))}", unknown[0])
        version = data.get("version", VERSION)
        if version != VERSION or isinstance(version, bool):
            raise ConfigError(f"version must be {VERSION}; got {_show(version)}", "version")
        return cls(**{k: v for k, v in data.items() if k != "version"})

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> RunConfig:
        if len(text) > MAX_JSON_CHARS:
            raise ConfigError(f"config JSON is too large ({len(text)} characters; max {MAX_JSON_CHARS})")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and bad UTF-8 are ValueErrors
            raise ConfigError(f"invalid config JSON: {exc}") from None
        return cls.from_dict(data)

    # --- URL query
    def to_query(self) -> dict[str, str]:
        """Only the fields that differ from the defaults, as text, so links stay short."""
        return {name: format_value(name, getattr(self, name))
                for name in SPECS if getattr(self, name) != DEFAULTS[name]}

    @classmethod
    def from_query(cls, params: Mapping[str, Any], strict: bool = False
                   ) -> tuple[RunConfig, list[str]]:
        """Parse URL parameters. Lenient mode drops each bad key with a warning and never raises; its
        config also builds (keys whose mix build() refuses, e.g. a loss that misfits the data, are dropped).
        Strict mode raises ConfigError at the first bad key and checks fields only, like from_dict."""
        warnings: list[str] = []

        def warn(message: str, name: str | None = None):
            if strict:
                raise ConfigError(message, name)
            warnings.append(message)

        try:
            items = list(params.items())
        except Exception:  # not a mapping at all: nothing usable
            warn(f"query parameters must be a mapping; got {type(params).__name__}")
            return cls(), warnings
        values: dict[str, Any] = {}
        given_as: dict[str, str] = {}
        for i, (key, raw) in enumerate(items):
            if i >= MAX_QUERY_KEYS:
                warn(f"too many query parameters; ignored the last {len(items) - i}")
                warnings.insert(0, warnings.pop())  # the summary first: a long list is shown cut short
                break
            name = _QUERY_NAMES.get(key) if isinstance(key, str) else None
            if name is None:
                value = raw[-1] if isinstance(raw, (list, tuple)) and raw else raw  # as a known key's
                warn(f"ignored unknown parameter {_show(key, 40)} = {_show(value, 40)}")
                continue
            if isinstance(raw, (list, tuple)):
                if not raw:
                    warn(f"{key}: no value given; using the default", name)
                    continue
                if len(raw) > 1:
                    warn(f"{key} given {len(raw)} times; using the last value", name)
                raw = raw[-1]
            if not isinstance(raw, str):
                warn(f"{key}: value must be text; got {type(raw).__name__}; using the default", name)
                continue
            limit = MAX_EDITS_VALUE if name == "edits" else MAX_QUERY_VALUE
            if len(raw) > limit:
                warn(f"{key}: value too long ({len(raw)} characters, max {limit})", name)
                continue
            if name in given_as:
                warn(f"{key}: {name} already given as {given_as[name]}; using {key}", name)
            try:
                values[name] = parse_value(name, raw)
                given_as[name] = key
            except ConfigError as exc:
                values.pop(name, None)
                warn(f"{key}: {exc}; using the default", name)
                continue
            if name == "edits" and values[name] is None:  # the run had more edits than a link carries
                values[name] = ()
                warn(f"{key}: the run's weight edits (more than {_edits().MAX_LINK_EDITS}) are not in this "
                     "link: it starts the run without them (a saved run keeps them)", name)
        while True:  # each field is valid alone; drop the keys that clash with the others
            try:
                config = cls(**values)
                if not strict:  # what lenient mode returns must start a run: drop clashes only build() sees
                    _check_buildable(config)
                return config, warnings
            except ConfigError as exc:
                # the field named by the error; else the output activation (what the network refuses
                # with the loss), else the last key given. Defaults always build, so this ends.
                bad = (exc.field if exc.field in values else
                       next((k for k in ("output_activation", "loss") if k in values), list(values)[-1]))
                warn(f"{given_as[bad]}: {exc}; using the default", bad)
                del values[bad]


def _check_buildable(config: RunConfig) -> None:
    """Raise the ConfigError build(config) would, at a small cost: the same build on <= 40 examples.

    Without it a link such as ?loss=softmax_ce (binary data) or ?dataset=csv gives a config that is
    valid field by field but cannot start a run, and the page that opened the link has nothing to show."""
    from descentlab.engine.build import build  # at call time: building a run imports this module

    if config.dataset == "csv":
        raise ConfigError("'csv' is data uploaded in the app, which a link cannot carry (upload the file "
                          "again)", "dataset")
    try:
        build(config.replace(n_samples=min(config.n_samples, 40)))
    except ConfigError:
        raise
    except ValueError as exc:  # build wraps what it expects; anything else still means "does not build"
        raise ConfigError(f"these settings do not work together: {exc}") from None


def _coerce(name: str, spec: Spec, value):
    """Check one field's value and normalize its type (lists -> tuples, ints -> floats)."""

    def bad():
        return ConfigError(f"{name} must be {spec.allowed()}; got {_show(value)}", name)

    def integer(v, lo, hi):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not lo <= v <= hi:
            raise bad()
        return int(v)

    kind = spec.kind
    if value is None:
        if spec.optional:
            return None
        raise bad()
    if kind == "edits":
        try:
            return _edits().check_planned(value)
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}", name) from None
    if kind == "int":
        return integer(value, spec.lo, spec.hi)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise bad()
        try:
            v = float(value)
        except (OverflowError, ValueError):
            raise bad() from None
        below = v <= spec.lo if spec.lo_open else v < spec.lo
        above = v >= spec.hi if spec.hi_open else v > spec.hi
        if not math.isfinite(v) or below or above:
            raise bad()
        return v + 0.0  # -0.0 -> 0.0, so equal configs also print alike
    if kind == "choice" or (kind == "activation" and isinstance(value, str)):
        if not isinstance(value, str) or value not in spec.options():
            raise bad()
        return value
    if not isinstance(value, (list, tuple)):  # names, hidden, activation list
        raise bad()
    value = tuple(value)
    if kind == "hidden":
        if len(value) > spec.max_len:
            raise bad()
        return tuple(integer(v, spec.lo, spec.hi) for v in value)
    options = spec.options()
    if not value or any(not isinstance(v, str) or v not in options for v in value):
        raise bad()
    if kind == "names" and len(set(value)) != len(value):
        raise bad()
    return value


_INT_RE = re.compile(r"[+-]?\d{1,30}")
_FLOAT_RE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def parse_value(name: str, text: str):
    """Parse one field from text (URL value or CLI flag) and validate it; ConfigError if bad."""
    spec = SPECS[name]
    s = text.strip()

    def bad():
        return ConfigError(f"{name} must be {spec.allowed()}; got {_show(text)}", name)

    if spec.kind == "edits":  # "" and "none": no edits; "omitted": some that the link does not carry
        if s.lower() == spec.optional:
            return None
        try:
            return () if s.lower() == "none" else _edits().parse_edits(s)
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}", name) from None
    if spec.optional and s.lower() in (spec.optional, "none"):
        return None
    if spec.kind == "int":
        if not _INT_RE.fullmatch(s):
            raise bad()
        value: Any = int(s)
    elif spec.kind == "float":
        if not _FLOAT_RE.fullmatch(s):  # refuses nan, inf, '1_0' that float() would take
            raise bad()
        value = float(s)
    elif spec.kind == "hidden":
        if s.lower() == "none":
            return ()
        parts = [p.strip() for p in s.split(",")]
        if not all(_INT_RE.fullmatch(p) for p in parts):
            raise bad()
        value = [int(p) for p in parts]
    elif spec.kind == "choice":
        value = s.lower()
    else:  # names, activation: comma lists
        parts = [p.strip().lower() for p in s.split(",")]
        if spec.kind == "activation" and len(parts) == 1:
            value = parts[0]
        elif spec.kind == "activation" and len(parts) == 2 and parts[1] == "":
            value = (parts[0],)  # "relu," is the one-layer list, kept distinct from "relu"
        else:
            value = parts
    try:
        return _coerce(name, spec, value)
    except ConfigError:
        raise bad() from None


def format_value(name: str, value) -> str:
    """Text form of one field's value (URL value, CLI flag) that parse_value reads back exactly."""
    spec = SPECS[name]
    if spec.kind == "edits":  # a link carries up to MAX_LINK_EDITS; more are "omitted" (from_query says so)
        if value is None or len(value) > _edits().MAX_LINK_EDITS:
            return spec.optional
        return _edits().format_edits(value) if value else "none"
    if value is None:
        return spec.optional or "none"
    if spec.kind == "float":
        return repr(value)  # shortest exact form
    if spec.kind == "hidden":
        return ",".join(map(str, value)) if value else "none"
    if isinstance(value, tuple):
        return ",".join(value) + ("," if spec.kind == "activation" and len(value) == 1 else "")
    return str(value)


SPECS: dict[str, Spec] = {f.name: f.metadata["spec"] for f in dataclasses.fields(RunConfig)}
_QUERY_NAMES = {**{n: n for n in SPECS}, **{a: n for n, s in SPECS.items() for a in s.aliases}}
DEFAULTS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(RunConfig)}
