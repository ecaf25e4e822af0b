'use strict';
// CLI for the Playground-style engine. argv[2] is a JSON object:
//   {"mode": "bench", ...}  one-shot: prints {"frame": {...}, "epoch": {...}} timings
//   {"mode": "serve", ...}  reads {"what": "frame"|"epoch", "n": N} lines on stdin and
//                           answers {"seconds": t} per line, so Python can interleave
//                           JS repeats with its own (fair ratios on a noisy machine)
//   {"mode": "loss", ...}   numeric check: loss for given weights/points (+ epochs of training)
const nn = require('./engine.js');
const readline = require('readline');

const DEFAULTS = {
  shape: [2, 4, 2, 1], activation: 'tanh', output_activation: 'tanh', regularization: 'none',
  regularization_rate: 0, n_samples: 500, train_percent: 50, noise: 0, batch_size: 10,
  learning_rate: 0.03, density: 100, domain: [-6, 6], seed: 1, repeats: 7, min_time: 0.2,
};

function setup(cfg) {
  const rand = nn.mulberry32(cfg.seed);
  const data = nn.shuffle(nn.circleData(cfg.n_samples, cfg.noise, rand), rand);
  const split = Math.floor((data.length * cfg.train_percent) / 100);
  const network = nn.buildNetwork(cfg.shape, nn.Activations[cfg.activation],
    nn.Activations[cfg.output_activation], nn.Regularizations[cfg.regularization], rand);
  const grid = new Array(cfg.density * cfg.density);
  const state = { lossTrain: 0, lossTest: 0 };
  const train = data.slice(0, split);
  const test = data.slice(split);
  const epoch = () => nn.trainEpoch(network, train, cfg.batch_size, cfg.learning_rate,
    cfg.regularization_rate);
  const units = {
    epoch,
    // one Playground animation frame: epoch, both losses, the output heatmap
    frame: () => {
      epoch();
      state.lossTrain = nn.getLoss(network, train);
      state.lossTest = nn.getLoss(network, test);
      nn.decisionGrid(network, cfg.density, cfg.domain, grid);
    },
  };
  return { network, train, test, units, state };
}

function timeUnits(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : 0.5 * (s[k - 1] + s[k]);
}

// Warm the JIT, pick n so one repeat lasts >= min_time, return per-unit seconds per repeat.
function benchOne(fn, repeats, minTime) {
  let n = 1;
  let t = timeUnits(fn, n);
  while (t < minTime / 4) { n *= 2; t = timeUnits(fn, n); }
  n = Math.max(1, Math.ceil((n * minTime * 1.1) / t));
  const perUnit = [];
  for (let r = 0; r < repeats; r++) perUnit.push(timeUnits(fn, n) / n);
  return { n, per_unit_seconds: perUnit, median_seconds: median(perUnit), per_second: 1 / median(perUnit) };
}

function main() {
  const args = JSON.parse(process.argv[2] || '{}');
  const cfg = Object.assign({}, DEFAULTS, args);
  const out = { node: process.version, config: cfg };
  if (cfg.mode === 'loss') {
    const rand = nn.mulberry32(cfg.seed);
    const points = cfg.points.map(([x, y, label]) => ({ x, y, label }));
    const network = nn.buildNetwork(cfg.shape, nn.Activations[cfg.activation],
      nn.Activations[cfg.output_activation], nn.Regularizations[cfg.regularization], rand);
    if (cfg.weights) nn.setWeights(network, cfg.weights);
    out.loss = nn.getLoss(network, points);
    for (let e = 0; e < (cfg.epochs || 0); e++) {
      nn.trainEpoch(network, points, cfg.batch_size, cfg.learning_rate, cfg.regularization_rate);
    }
    out.loss_after = nn.getLoss(network, points);
    out.weights_after = nn.getWeights(network);
    out.outputs_after = points.map((p) => nn.forwardProp(network, [p.x, p.y]));
    process.stdout.write(JSON.stringify(out) + '\n');
  } else if (cfg.mode === 'serve') {
    const { units } = setup(cfg);
    const rl = readline.createInterface({ input: process.stdin });
    process.stdout.write(JSON.stringify({ ready: true, node: process.version }) + '\n');
    rl.on('line', (line) => {
      if (!line.trim()) return;
      const req = JSON.parse(line);
      if (req.quit) { rl.close(); return; }
      const seconds = timeUnits(units[req.what], req.n);
      process.stdout.write(JSON.stringify({ seconds }) + '\n');
    });
  } else {
    const { units } = setup(cfg);
    for (const what of cfg.what || ['frame', 'epoch']) {
      out[what] = benchOne(units[what], cfg.repeats, cfg.min_time);
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}

main();
