"""The landing page's look: page links whose descriptions wrap instead of being cut."""

# Streamlit draws a page link on one line and cuts what does not fit, mid-word and without an
# ellipsis; a description is a sentence, so it wraps (on a projector's large type and on a phone).
PAGE_CSS = """<style>
.st-key-home_pages [data-testid='stPageLink'] a {height: auto; align-items: flex-start;}
.st-key-home_pages [data-testid='stPageLink'] a *,
.st-key-home_pages [data-testid='stPageLink'] a {white-space: normal; overflow: visible; text-overflow: clip;}
</style>"""
