"""Streamlit building blocks shared by the pages (docs/architecture.md, "Layers"): the config panel,
session state, budgets and sessions, exports; ``ui.live`` carries live frames to the browser and
``ui.views`` holds what each lab page shows."""
