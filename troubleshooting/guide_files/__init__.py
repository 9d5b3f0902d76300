"""The whole guide as Markdown files with YAML front matter, one file per item.

Editors can then change the guide in a text editor, review changes in Git, and build the demo
fixture from the files (``make fixture``). The layout of a guide folder:

    causes/<slug>.md                 shared: symptoms and fix steps refer to causes by slug
    steps/<slug>.md                  shared: symptoms list their fix steps by slug
    <topic>/topic.md
    <topic>/symptoms/<slug>.md
    <topic>/questions/<slug>.md
    synonyms.md                      search synonyms, one group per list item (see synonyms.py)

The front matter holds the short fields and the lists (a symptom's ``causes`` and ``steps`` in
order, a step's ``causes``, a question's ``choices``). The text below it is the item's main Markdown
field; a step's warning and the "where to go next" text of a symptom or a topic follow under their
own level-2 heading, ``## Warning`` or ``## Where to go next``. Other headings stay in the text.

Importing reads every file before it writes anything, then creates or updates items by slug in one
transaction, with the same validation as the admin: one bad file and nothing is saved.
"""

from .formats import GuideFileError
from .importing import ImportReport, guide_import
from .writing import ExportReport, guide_export

__all__ = ["ExportReport", "GuideFileError", "ImportReport", "guide_export", "guide_import"]
