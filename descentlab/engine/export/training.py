"""The script's training section: hyperparameters, the learning-rate schedule, the optimizer's
update (gd, momentum, nesterov, RMSprop, Adam) and the loop, with the engine's mini-batch shuffles
and dropout masks drawn from one generator seeded like the Trainer's, in the Trainer's order."""
from __future__ import annotations

SCHEDULE_CODE = {
    "step": "learning_rate * decay_rate ** np.floor(t / decay_steps)",
    "exponential": "learning_rate * decay_rate ** (t / decay_steps)",
    "inverse_time": "learning_rate / (1.0 + decay_rate * (t / decay_steps))",
    "interval_inverse": "learning_rate / (1.0 + decay_rate * np.floor(t / decay_steps))",
}
SCHEDULE_WORDS = {
    "step": "multiplied by decay_rate every decay_steps updates",
    "exponential": "decays smoothly: times decay_rate per decay_steps updates",
    "inverse_time": "1/t decay: alpha_0 / (1 + decay_rate * t / decay_steps)",
    "interval_inverse": "alpha_0 / (1 + decay_rate * floor(t / decay_steps)), lowered once every decay_steps updates",
}

# The update of one parameter p (a W or a b) with gradient d, in the course's form.
UPDATE = {
    "gd": ("gradient descent: p := p - alpha dp", "", """\
        params[key] = params[key] - alpha * d"""),
    "momentum": ("momentum: v := beta v + (1 - beta) dp; p := p - alpha v", "v", """\
        v[key] = beta * v[key] + (1 - beta) * d
        params[key] = params[key] - alpha * v[key]"""),
    "nesterov": ("Nesterov momentum: v := beta v + (1 - beta) dp; p := p - alpha (beta v + (1 - beta) dp)", "v", """\
        v[key] = beta * v[key] + (1 - beta) * d
        params[key] = params[key] - alpha * (1 - beta) * d - alpha * beta * v[key]"""),
    "rmsprop": ("RMSprop: s := rho s + (1 - rho) dp^2; p := p - alpha dp / (sqrt(s) + epsilon)", "s", """\
        s[key] = rho * s[key] + (1 - rho) * d ** 2
        params[key] = params[key] - alpha * d / (np.sqrt(s[key]) + epsilon)"""),
    "adam": ("Adam: momentum and RMSprop, each corrected for its start at zero (t counts updates from 1)",
             "v, s", """\
        v[key] = beta1 * v[key] + (1 - beta1) * d
        s[key] = beta2 * s[key] + (1 - beta2) * d ** 2
        v_corrected = v[key] / (1 - beta1 ** t)
        s_corrected = s[key] / (1 - beta2 ** t)
        params[key] = params[key] - alpha * v_corrected / (np.sqrt(s_corrected) + epsilon)"""),
}
OPTIONS = {"gd": (), "momentum": ("beta",), "nesterov": ("beta",), "rmsprop": ("rho", "epsilon"),
           "adam": ("beta1", "beta2", "epsilon")}
CONFIG_NAME = {"beta": "momentum"}  # the script's name -> the config's, where they differ


def hyperparameters(config, iterations: int, print_every: int, minibatch: bool):
    c = config
    lines = [f"learning_rate = {c.learning_rate!r}  # alpha"]
    lines += [f"{name} = {getattr(c, CONFIG_NAME.get(name, name))!r}" for name in OPTIONS[c.optimizer]]
    if c.schedule != "constant":
        lines += [f"decay_rate = {c.decay_rate!r}", f"decay_steps = {c.decay_steps!r}"]
    if c.l2:
        lines.append(f"l2_lambda = {c.l2!r}  # L2 penalty (lambda / 2) * sum ||W||^2")
    if c.l1:
        lines.append(f"l1_lambda = {c.l1!r}  # L1 penalty lambda * sum |W|")
    if c.dropout:
        lines.append(f"keep_prob = 1 - {c.dropout!r}  # dropout keeps each hidden unit with this probability")
    if minibatch:
        lines.append(f"batch_size = {c.batch_size!r}")
    lines += [f"num_iterations = {int(iterations)!r}", f"print_every = {int(print_every)!r}"]
    if c.target_cost is not None:
        lines.append(f"target_cost = {c.target_cost!r}  # stop once J < target_cost (\"until J < epsilon\")")
    lines += _edit_lines(c.edits)
    return "## Hyperparameters", "\n".join(lines) + "\n"


def _edit_lines(edits) -> list[str]:
    """The weights set by hand in the app, as the loop replays them (set_by_hand); or a comment that
    this script does not have them, when the config could not keep them."""
    if edits is None:
        return ["# The run had weights set by hand, more than its config keeps: this script does NOT replay",
                "# them, so from the first of them on its costs differ from the run's."]
    if not edits:
        return []
    at: dict[int, list] = {}
    for e in edits:
        at.setdefault(e.iteration, []).append((e.name, e.i, e.j, e.value))
    rows = [f"    {t!r}: [{', '.join(repr(x) for x in entries)}]," for t, entries in at.items()]
    return ["# Weights set by hand in the app: after iteration t, params[name][row, column] = value",
            "# (rows and columns from 0), as the run did", "set_by_hand = {", *rows, "}"]


def update_section(config):
    words, state, body = UPDATE[config.optimizer]
    parts = []
    if config.schedule != "constant":
        parts.append(f'''def learning_rate_at(t):
    """The learning rate after t updates: {SCHEDULE_WORDS[config.schedule]}."""
    return {SCHEDULE_CODE[config.schedule]}
''')
    if state:
        inits = "\n".join(f"{n} = {{key: np.zeros_like(p) for key, p in params.items()}}"
                          for n in state.split(", "))
        parts.append(f"# the optimizer's moving averages, one per parameter, starting at zero\n{inits}\n")
    args = ", ".join(["params", "grads", "alpha"] + (["t"] if config.optimizer == "adam" else []))
    parts.append(f'''def update_parameters({args}):
    """One step of {words}."""
    for key in params:  # "W1", "b1", "W2", ...
        d = grads["d" + key]
{body}
    return params
''')
    return f"## Update the parameters\n\n{words[0].upper() + words[1:]}.", "\n\n".join(parts)


def loop_section(config, L: int, minibatch: bool, has_test: bool):
    c = config
    dropout = c.dropout > 0
    alpha = "learning_rate_at(t - 1)" if c.schedule != "constant" else "learning_rate"
    t_arg = ", t" if c.optimizer == "adam" else ""
    forward_args = "keep_prob, rng" if dropout else ""
    edits = bool(c.edits)
    set_by_hand = "for name, row, column, value in set_by_hand.get(t, ()):\n    params[name][row, column] = value\n"
    step = (f"AL, cache = forward_propagation(X_batch, params{', ' + forward_args if forward_args else ''})\n"
            "grads = backward_propagation(X_batch, Y_batch, params, cache)\n"
            f"t += 1\nparams = update_parameters(params, grads, {alpha}{t_arg})\n"
            + (set_by_hand if edits else "")
            + "if t % print_every == 0:\n    print_cost(t)\n")
    stopping = c.target_cost is not None
    if stopping:
        step += "reached = cost_below_target(t)\n"
    head = '''def print_cost(t):
    """The cost J on the whole training set, without dropout (as the run's history records it)."""
    AL, _ = forward_propagation(X_train, params)
    print(f"Cost after iteration {t}: {compute_cost(AL, Y_train)!r}")


'''
    if stopping:
        head += _TARGET_CHECK
    shared = dropout or minibatch
    if shared:
        head += (f"rng = np.random.default_rng(seed)  # {'shuffles' if minibatch else ''}"
                 f"{' and ' if minibatch and dropout else ''}{'dropout masks' if dropout else ''}: "
                 "one generator, drawn in the run's order\n")
    start = "t = 0\n" + (set_by_hand if edits else "") + "print_cost(0)\n" + ("reached = cost_below_target(0)\n" if stopping else "")
    until = "while t < num_iterations" + (" and not reached" if stopping else "")
    if not minibatch:
        body = start + "X_batch, Y_batch = X_train, Y_train  # full batch: every example, every step\n" \
               f"{until}:\n" + _indent(step, 4)
    else:
        head += '''

def random_mini_batches(X, Y, batch_size, rng):
    """Shuffle the columns once per epoch, then cut them into batches (the last may be smaller)."""
    m = X.shape[1]
    permutation = rng.permutation(m)
    X_shuffled, Y_shuffled = X[:, permutation], Y[:, permutation]
    return [(X_shuffled[:, k:k + batch_size], Y_shuffled[:, k:k + batch_size]) for k in range(0, m, batch_size)]


'''
        body = (f"{start}{until}:  # one pass = one epoch\n"
                "    for X_batch, Y_batch in random_mini_batches(X_train, Y_train, batch_size, rng):\n"
                + _indent(step, 8)
                + f"        if t == num_iterations{' or reached' if stopping else ''}:\n            break\n")
    if has_test:
        body += ("\nAL_test, _ = forward_propagation(X_test, params)\n"
                 'print(f"Test cost: {compute_cost(AL_test, Y_test)!r}")\n')
    md = "## Train\n\nEach iteration: forward propagation, backward propagation, update. Every print_every iterations the cost on the whole training set is printed."
    if minibatch:
        md += " One iteration is one mini-batch; the examples are reshuffled every epoch."
    if stopping:
        md += f" Training stops early once the training cost J falls below target_cost = {c.target_cost:g}."
    return md, head + body


# The stopping rule "repeat until J < epsilon", judged like print_cost: the whole training set, no dropout
_TARGET_CHECK = '''def cost_below_target(t):
    """Whether J has fallen below target_cost after t iterations (then say so, with J)."""
    AL, _ = forward_propagation(X_train, params)
    cost = compute_cost(AL, Y_train)
    if cost < target_cost:
        print(f"Reached J < {target_cost} at iteration {t}: {cost!r}")
    return cost < target_cost


'''


def _indent(text: str, n: int) -> str:
    return "".join(" " * n + line if line.strip() else line for line in text.splitlines(True))
