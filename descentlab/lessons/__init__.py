"""The computations of single lessons, in numpy on top of the engine: what the foundation pages and the
labs' side experiments show. No streamlit, no plotly; the engine never imports from here."""
