"""Benchmark suite for Descent Lab: engine vs. a plain numpy reference, PyTorch and a
JavaScript port of TensorFlow Playground's engine. Entry point: ``bench.run.main``."""
