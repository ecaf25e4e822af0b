"""What each lab page shows: its session keys, the targets its live loops drive, and the live frame.
A page (app_pages/) calls its view; views call descentlab.viz for figures and descentlab.ui.live to
show them live."""
