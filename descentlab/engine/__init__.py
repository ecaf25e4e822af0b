"""Descent Lab's training engine: pure numpy, in the course's notation (X is (n_x, m))."""
