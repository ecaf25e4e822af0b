"""One hostile user among four browsers (bench/hostile.py's short form; marker `load`).

Three Chromium pages play the Playground while a fourth tries every attack of the security review:
the Learning rate link of ~7 GB, six of the sidebar's largest networks on Compare, a link of Markdown
to an outside host with 100 unknown keys, and a 4.3 MB CSV of 220,000 columns. Each is refused with
a message; the others keep playing; the server's memory stays where it was. Then a heavy session
closes its tab: its frames stop, and within a minute its token answers 404 and its memory goes back.
"""
import statistics

import pytest

from tests.browser import require_chromium


@pytest.mark.load
def test_one_hostile_user_among_four_browsers_changes_nothing_for_the_others():
    require_chromium()
    from bench.hostile import run, table

    r = run(victims=3, browsers=True, window=5, log=lambda *_: None)
    report = table(r)
    assert r.errors == [], report
    assert all(a.refused for a in r.attacks), report
    before, during, after = (statistics.median(r.rates[w]) for w in ("before", "during", "after"))
    assert min(min(values) for values in r.rates.values()) > 0, report  # every victim played in every window
    # the attacks cost the others what any page load costs (bench.hostile --control), not the server
    assert during >= 0.25 * before and after >= 0.6 * before, report
    assert r.rss_peak - r.rss_before < 300, report  # the review's link alone held 7 GB
    assert r.leaver_token_404_s < 30, report
    took = r.rss_leaver - r.rss_before_leaver
    assert r.leaver_released_s < 60 and r.rss_after_leaver - r.rss_before_leaver <= 0.2 * took, report
