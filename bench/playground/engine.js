'use strict';
// A re-implementation, in our own words, of the engine design used by TensorFlow
// Playground (src/nn.ts + the training loop of src/playground.ts): every neuron is a
// Node object, every weight a Link object; forward, backward and update walk these
// objects one scalar at a time, accumulating derivatives until a batch is complete.
// Kept deliberately faithful (no typed arrays, no fusion) so timings represent Playground.

const Activations = {
  tanh: { output: (x) => Math.tanh(x), der: (x) => { const o = Math.tanh(x); return 1 - o * o; } },
  relu: { output: (x) => Math.max(0, x), der: (x) => (x <= 0 ? 0 : 1) },
  sigmoid: {
    output: (x) => 1 / (1 + Math.exp(-x)),
    der: (x) => { const o = 1 / (1 + Math.exp(-x)); return o * (1 - o); },
  },
  linear: { output: (x) => x, der: () => 1 },
};

const Errors = {
  square: { error: (out, target) => 0.5 * Math.pow(out - target, 2), der: (out, target) => out - target },
};

const Regularizations = {
  none: null,
  L1: { output: (w) => Math.abs(w), der: (w) => (w < 0 ? -1 : w > 0 ? 1 : 0) },
  L2: { output: (w) => 0.5 * w * w, der: (w) => w },
};

class Node {
  constructor(id, activation) {
    this.id = id;
    this.activation = activation;
    this.inputLinks = [];
    this.outputs = [];
    this.bias = 0.1; // Playground's starting bias
    this.totalInput = 0;
    this.output = 0;
    this.outputDer = 0;
    this.inputDer = 0;
    this.accInputDer = 0; // sums dE/dz over the batch; equals dE/db
    this.numAccumulatedDers = 0;
  }

  updateOutput() {
    let z = this.bias;
    for (let j = 0; j < this.inputLinks.length; j++) {
      const link = this.inputLinks[j];
      z += link.weight * link.source.output;
    }
    this.totalInput = z;
    this.output = this.activation.output(z);
    return this.output;
  }
}

class Link {
  constructor(source, dest, regularization, rand) {
    this.id = source.id + '-' + dest.id;
    this.source = source;
    this.dest = dest;
    this.regularization = regularization;
    this.weight = rand() - 0.5; // Playground draws U(-0.5, 0.5)
    this.isDead = false;
    this.errorDer = 0;
    this.accErrorDer = 0;
    this.numAccumulatedDers = 0;
  }
}

// shape e.g. [2, 4, 2, 1]; returns an array of layers, each an array of Nodes.
function buildNetwork(shape, activation, outputActivation, regularization, rand) {
  const network = [];
  let nextId = 1;
  for (let l = 0; l < shape.length; l++) {
    const layer = [];
    const isOutput = l === shape.length - 1;
    for (let i = 0; i < shape[l]; i++) {
      const id = l === 0 ? 'x' + i : String(nextId++);
      const node = new Node(id, isOutput ? outputActivation : activation);
      if (l > 0) {
        for (const prev of network[l - 1]) {
          const link = new Link(prev, node, regularization, rand);
          prev.outputs.push(link);
          node.inputLinks.push(link);
        }
      }
      layer.push(node);
    }
    network.push(layer);
  }
  return network;
}

function forwardProp(network, inputs) {
  const inputLayer = network[0];
  if (inputs.length !== inputLayer.length) throw new Error('input size mismatch');
  for (let i = 0; i < inputLayer.length; i++) inputLayer[i].output = inputs[i];
  for (let l = 1; l < network.length; l++) {
    const layer = network[l];
    for (let i = 0; i < layer.length; i++) layer[i].updateOutput();
  }
  return network[network.length - 1][0].output;
}

function backProp(network, target, errorFunc) {
  const out = network[network.length - 1][0];
  out.outputDer = errorFunc.der(out.output, target);
  for (let l = network.length - 1; l >= 1; l--) {
    const layer = network[l];
    // dE/dz for each node, accumulated for the bias update
    for (let i = 0; i < layer.length; i++) {
      const node = layer[i];
      node.inputDer = node.outputDer * node.activation.der(node.totalInput);
      node.accInputDer += node.inputDer;
      node.numAccumulatedDers++;
    }
    // dE/dw for each incoming link, accumulated for the weight update
    for (let i = 0; i < layer.length; i++) {
      const node = layer[i];
      for (let j = 0; j < node.inputLinks.length; j++) {
        const link = node.inputLinks[j];
        if (link.isDead) continue;
        link.errorDer = node.inputDer * link.source.output;
        link.accErrorDer += link.errorDer;
        link.numAccumulatedDers++;
      }
    }
    if (l === 1) continue;
    // dE/da for the previous layer, summed over outgoing links
    const prev = network[l - 1];
    for (let i = 0; i < prev.length; i++) {
      const node = prev[i];
      node.outputDer = 0;
      for (let j = 0; j < node.outputs.length; j++) {
        const link = node.outputs[j];
        node.outputDer += link.weight * link.dest.inputDer;
      }
    }
  }
}

// Applies the averaged accumulated derivatives, then the regularization step.
function updateWeights(network, learningRate, regularizationRate) {
  for (let l = 1; l < network.length; l++) {
    const layer = network[l];
    for (let i = 0; i < layer.length; i++) {
      const node = layer[i];
      if (node.numAccumulatedDers > 0) {
        node.bias -= (learningRate * node.accInputDer) / node.numAccumulatedDers;
        node.accInputDer = 0;
        node.numAccumulatedDers = 0;
      }
      for (let j = 0; j < node.inputLinks.length; j++) {
        const link = node.inputLinks[j];
        if (link.isDead) continue;
        const regDer = link.regularization ? link.regularization.der(link.weight) : 0;
        if (link.numAccumulatedDers > 0) {
          link.weight -= (learningRate / link.numAccumulatedDers) * link.accErrorDer;
          const next = link.weight - learningRate * regularizationRate * regDer;
          if (link.regularization === Regularizations.L1 && link.weight * next < 0) {
            link.weight = 0; // L1 crossed zero: Playground kills the link
            link.isDead = true;
          } else {
            link.weight = next;
          }
          link.accErrorDer = 0;
          link.numAccumulatedDers = 0;
        }
      }
    }
  }
}

// Playground's oneStep minus the UI: one pass over the training points, updating
// every batchSize points.
function trainEpoch(network, points, batchSize, learningRate, regularizationRate) {
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    forwardProp(network, [p.x, p.y]);
    backProp(network, p.label, Errors.square);
    if ((i + 1) % batchSize === 0) updateWeights(network, learningRate, regularizationRate);
  }
}

function getLoss(network, points) {
  let loss = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    loss += Errors.square.error(forwardProp(network, [p.x, p.y]), p.label);
  }
  return loss / points.length;
}

// Output-node heatmap: one forward pass per grid cell, as Playground's decision boundary.
function decisionGrid(network, density, domain, out) {
  const [lo, hi] = domain;
  const step = (hi - lo) / (density - 1);
  let k = 0;
  for (let i = 0; i < density; i++) {
    const x = lo + i * step;
    for (let j = 0; j < density; j++) {
      const y = hi - j * step; // Playground's y scale runs top-down
      out[k++] = forwardProp(network, [x, y]);
    }
  }
  return out;
}

// Deterministic stand-in for Math.random (Playground seeds via seedrandom).
function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Playground's "circle" data: half the points inside radius 2.5 (label 1), half in
// the ring 3.5..5 (label -1); the label is decided after noise is added.
function circleData(numSamples, noise, rand) {
  const radius = 5;
  const uniform = (a, b) => a + rand() * (b - a);
  const label = (x, y) => (Math.hypot(x, y) < radius * 0.5 ? 1 : -1);
  const points = [];
  const make = (rMin, rMax) => {
    const r = uniform(rMin, rMax);
    const angle = uniform(0, 2 * Math.PI);
    const x = r * Math.sin(angle);
    const y = r * Math.cos(angle);
    const nx = uniform(-radius, radius) * noise;
    const ny = uniform(-radius, radius) * noise;
    points.push({ x, y, label: label(x + nx, y + ny) });
  };
  for (let i = 0; i < numSamples / 2; i++) make(0, radius * 0.5);
  for (let i = 0; i < numSamples / 2; i++) make(radius * 0.7, radius);
  return points;
}

function shuffle(array, rand) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
  return array;
}

// Overwrite weights with course-notation matrices: layers[l-1] = {W: n_l x n_{l-1}, b: n_l}.
function setWeights(network, layers) {
  for (let l = 1; l < network.length; l++) {
    const { W, b } = layers[l - 1];
    network[l].forEach((node, i) => {
      node.bias = Array.isArray(b[i]) ? b[i][0] : b[i];
      node.inputLinks.forEach((link, j) => { link.weight = W[i][j]; });
    });
  }
}

function getWeights(network) {
  const layers = [];
  for (let l = 1; l < network.length; l++) {
    layers.push({
      W: network[l].map((node) => node.inputLinks.map((link) => link.weight)),
      b: network[l].map((node) => node.bias),
    });
  }
  return layers;
}

module.exports = {
  Activations, Errors, Regularizations, Node, Link, buildNetwork, forwardProp, backProp,
  updateWeights, trainEpoch, getLoss, decisionGrid, mulberry32, circleData, shuffle,
  setWeights, getWeights,
};
