"""The live loop sizes each frame so training stays within a fixed time budget."""
from descentlab.ui.live.player import FRAME_BUDGET, frame_iterations


def test_frame_iterations_respect_speed_and_budget():
    assert frame_iterations(50, 1e-5) == 50  # fast steps: the user's speed decides
    slow = frame_iterations(500, 1e-3)  # a large network: the time budget decides
    assert slow == int(FRAME_BUDGET / 1e-3) and slow * 1e-3 <= FRAME_BUDGET
    assert frame_iterations(500, 10.0) == 1  # always at least one iteration
    assert frame_iterations(1, 0.0) == 1
