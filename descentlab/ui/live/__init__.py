"""The live transport: how a playing page trains and redraws ~10 times a second.

What it holds:

- ``player.py``: Play / Pause / Step / Reset (``controls``) and the live area (``live_area``), which
  trains a frame and redraws it, by fragment reruns, or by handing the frames to the route.
- ``protocol.py``: ``LiveTarget``, what the loop trains (step / record / reset / diverged / message):
  a Trainer, a TrainerGroup, a LoggedSweep (Learning rate), a PathSet, a NeuronTraining.
- ``route.py``: the HTTP frame route (POST /descentlab/frame/<token>), mounted only by server.py; a
  session's ``Stream`` of producers, its lock and generation.
- ``elements.py``: the live elements that update in place (``live_chart``, ``live_html``), the
  frame pump, the presenter's keys, and plotly.js's one-time loader.
- ``pacing.py``: how many sessions playing on one server share it (each session's frame spacing).
- ``assets/*.js``: the elements' scripts: live_chart.js, live_html.js, frame_pump.js, keyboard.js,
  plotly_loader.js.

The frame format. One POST to the route answers one frame: the body is every live element's part,
its bytes one after the other; the header X-Descentlab-Frame (route.HEADER) describes them as JSON,
``{"generation": int, "playing": bool, "seq": int, "parts": [[key, byte length], ...]}``
(route.Frame). assets/frame_pump.js drops a frame whose ``generation`` is not the one the page last
drew (made before the page's last run) or whose ``seq`` is not newer than the last drawn, cuts the
body by the lengths and hands each part to the element registered under its key in
``window.__descentlabLive.targets`` (the element's Streamlit key); ``playing`` false means no more
frames (diverged, failed or paused: the pump tells the page, which runs again). A live_chart part is
UTF-8 JSON, ``{"figure", "height", "click", "name", "canvasLines", "caption", "grow"}`` (elements
._message), the figure's numpy arrays as typed-array specs ``{"dtype": "f8"|"f4"|"i4"..., "bdata":
base64, "shape"?}`` (an array met again as ``{"same": k}``, the k-th spec of a depth-first walk) and
NaN as null; live_chart.js decodes and JSON.parses only the newest part it holds. A live_html part is the UTF-8 HTML itself (live_html.js sets it as innerHTML). A script run
sends each element the same bytes as its Streamlit data (live_html wraps them as ``{key, html}``).

Three rules keep it working:

(a) Widgets are read at script time. The functions handed to live_chart / live_html (and a target's
    step and record) run again on the route's thread, in the script context of the run that recorded
    them (route._in_context): they may look the session's run up when called (a touch can replace it:
    an input switched on the network diagram), but whatever the page's widgets say is read at script
    time and captured in the closure, so a frame draws what its run chose.
(b) Canvas lines need stepped axes. ``live_chart(..., canvas_lines=True)`` (while playing) paints the
    figure's line traces on a canvas over the plot and skips Plotly when nothing but those lines, the
    layout images, the axis ranges and the notes' text changed (live_chart.js ``pictureFreeKey``). So
    such a figure must give every axis a fixed ``range`` (Plotly's autorange would fit the emptied
    traces) that moves in steps, not with every point: descentlab.viz.training's ``iteration_axis(...,
    stepped=True)`` ends the x axis at ``nice_ceiling`` (1, 1.2, 1.5, 2 ... 8 x 10^k: at most a fifth
    empty), ``stepped_value_range`` / ``cost_axis`` do the same for y (whole half-decades on a log
    axis). A step then costs one Plotly.relayout of the axes; a range that changes every frame would
    cost a full Plotly.react every frame (docs/performance.md: 6.3 -> 9.7 redraws/s).
(c) Callbacks that change a trainer hold the session's lock: decorate them with
    ``route.exclusively`` (or run their body in ``with route.exclusive():``), as app.py does for the
    script run, so a frame never trains or draws while a click resets or rebuilds the same objects.
"""
