"""The guide folder on disk: only its own regular files, read within size limits.

A guide folder may come from anyone (a pull request, a shared drive), so nothing in it may make
the import read outside it (links), block (a pipe) or read without end (a device, a huge file).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .formats import GuideFileError

# The demo guide's largest file is under 3 KB and the whole guide under 150 KB; a file holds at
# most a few Markdown fields of a few thousand characters each.
MAX_FILE_BYTES = 100_000
MAX_GUIDE_BYTES = 20_000_000
MAX_GUIDE_FILES = 5_000
# <topic>/symptoms/<slug>.md is the deepest a guide file lies.
GUIDE_DEPTH = 3

_NOT_REGULAR = _(
    "this is not a regular file (a device, a pipe or a socket): a guide holds only Markdown files."
)
_LINK = _(
    "this is a link: a guide is read only from files and folders really inside it, so copy the "
    "file here instead."
)


def entries(folder: Path) -> list[Path]:
    """Return a folder's entries in order, without hidden ones; refuse links and special files."""
    paths = sorted(path for path in folder.iterdir() if not path.name.startswith("."))
    for path in paths:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            raise GuideFileError(path, str(_LINK))
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            raise GuideFileError(path, str(_NOT_REGULAR))
    return paths


def survey(directory: Path) -> None:
    """Refuse a guide with links, special files, or too many or too large files, before reading."""
    total = files = 0
    folders = [(directory, 0)]
    while folders:  # a loop, not recursion: deeply nested folders are refused, not a crash
        folder, depth = folders.pop()
        for path in entries(folder):
            info = path.lstat()
            if stat.S_ISDIR(info.st_mode):
                if depth < GUIDE_DEPTH:
                    folders.append((path, depth + 1))
                continue
            _refuse_large(path, info.st_size)
            total, files = total + info.st_size, files + 1
            if files > MAX_GUIDE_FILES or total > MAX_GUIDE_BYTES:
                message = gettext(
                    "the guide is too large: at most %(files)s files and %(bytes)s bytes in all."
                )
                names = {"files": _number(MAX_GUIDE_FILES), "bytes": _number(MAX_GUIDE_BYTES)}
                raise GuideFileError(directory, message % names)


def read_file(path: Path) -> bytes:
    """Return a regular file's bytes: never through a link, never blocking, never without end."""
    # O_NOFOLLOW: a link swapped in after survey() is refused; O_NONBLOCK: a pipe cannot hang us.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise GuideFileError(path, str(_LINK)) from None
        message = gettext("the file cannot be read (%(reason)s).")
        raise GuideFileError(path, message % {"reason": error.strerror}) from None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise GuideFileError(path, str(_NOT_REGULAR))
        _refuse_large(path, info.st_size)
        data = file.read(MAX_FILE_BYTES + 1)
    _refuse_large(path, len(data))
    return data


def _refuse_large(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        message = gettext("the file is too large (%(size)s bytes): at most %(most)s.")
        names = {"size": _number(size), "most": _number(MAX_FILE_BYTES)}
        raise GuideFileError(path, message % names)


def _number(value: int) -> str:
    """Write a number as the reader's language groups its digits (5,000 / 5.000 / 5 000)."""
    return formats.number_format(value, force_grouping=True)
