"""Streamlit building blocks shared by the pages (see shared/DESIGN.md, "Layers")."""
