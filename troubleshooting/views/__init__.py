"""The public site's views, one module per family of pages.

- ``pages``: how every public page is rendered (``render_page``) and served (``public_page``:
  allowed methods, CSRF cookie, page cache, ``Vary``, renamed slugs, previews, in one order);
- ``browse``: the home page, a topic, a symptom's article;
- ``flow``: the guided fix: triage questions, then one step at a time, fixed or where to go next;
- ``feedback``: "Was this helpful?" under an article;
- ``search``: the search page and its results as people type;
- ``system``: the health check, robots.txt, the sitemap, editors' preview switch.
"""
