"""What changed from one version of a story to the next, word by word.

The words of both texts are aligned (`difflib`, its junk heuristic off: a wire story's
common words are its substance); each run of words is kept, inserted or deleted. Pages
show insertions as `<ins>` and deletions as `<del>` (underlined and struck through, and
named for screen readers: not told by colour alone); the API gives the runs as they are.
"""

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\S+\s*")  # a word with the space after it: spacing survives the diff
LABELS = {"inserted": ("ins", "added"), "deleted": ("del", "removed")}


@dataclass(frozen=True)
class Run:
    kind: str  # kept, inserted or deleted
    text: str


def word_changes(before: str, after: str) -> list[Run]:
    """`after` against `before` as runs of kept, inserted and deleted words, in order: words
    are compared without the spaces after them, which the runs keep (a kept run has
    `after`'s)."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    words = [token.rstrip() for token in old], [token.rstrip() for token in new]
    matcher = difflib.SequenceMatcher(None, *words, autojunk=False)
    runs = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation in ("delete", "replace"):
            runs.append(Run("deleted", "".join(old[old_start:old_end])))
        if operation in ("insert", "replace"):
            runs.append(Run("inserted", "".join(new[new_start:new_end])))
        if operation == "equal":
            runs.append(Run("kept", "".join(new[new_start:new_end])))
    return runs


def counted(runs: list[Run], kind: str) -> int:
    """Words inserted or deleted."""
    return sum(len(run.text.split()) for run in runs if run.kind == kind)


def changes_html(runs: list[Run]) -> Markup:
    """The runs as HTML: every text escaped, changes marked and named."""
    parts = []
    for run in runs:
        text = str(escape(run.text))
        if run.kind != "kept":
            tag, said = LABELS[run.kind]
            hidden = '<span class="visually-hidden">'
            text = f"<{tag}>{hidden}[{said}: </span>{text}{hidden}]</span></{tag}>"
        parts.append(text)
    return Markup("".join(parts))  # safe: each run's text is escaped above, the tags are ours
