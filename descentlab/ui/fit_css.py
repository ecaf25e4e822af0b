"""CSS that keeps a page's elements inside their columns, on a projector's 1280 px and on a phone."""

# Streamlit draws a page link on one line and cuts what does not fit, mid-word and without an
# ellipsis; a description is a sentence, so it wraps. For the container keyed "home_pages".
HOME_PAGE_LINKS = """<style>
.st-key-home_pages [data-testid='stPageLink'] a {height: auto; align-items: flex-start;}
.st-key-home_pages [data-testid='stPageLink'] a *,
.st-key-home_pages [data-testid='stPageLink'] a {white-space: normal; overflow: visible; text-overflow: clip;}
.st-key-home_pages [data-testid='stPageLink'] a p {line-height: 1.45;}
</style>"""

# st.image draws a picture at the width it is given even when its column is narrower, over the
# column beside it; in the container keyed "img_picture" it shrinks to the column instead.
IMAGES_PAGE_PICTURE = """<style>
/* the picture and its caption are given the width inline; their box follows them */
.st-key-img_picture [data-testid='stImageContainer'],
.st-key-img_picture [data-testid='stImageContainer'] > * {max-width: 100% !important;}
.st-key-img_picture img {height: auto !important;}
</style>"""
