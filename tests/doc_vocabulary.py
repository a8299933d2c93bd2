"""The table of coded values in docs/commands.md, generated from the vocabulary (teikan_cli/names.py).

`python tests/doc_vocabulary.py` rewrites the text between the two markers below in docs/commands.md;
tests/test_docs.py fails when that text is not what `table()` makes, so the page never drifts from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "commands.md"
BEGIN = "<!-- vocabulary: generated from teikan_cli/names.py by tests/doc_vocabulary.py; do not edit by hand -->"
END = "<!-- end of vocabulary -->"

# What each kind is, in the page's words (the codes, labels and aliases all come from names.VOCABULARY).
TITLES = {
    "type": "kind of contact (支援内容)",
    "place": "place of a contact (場所)",
    "concern": "warning sign (気になる兆候)",
    "center_reason": "why the support center helped (センター連携理由)",
    "disability": "kind of disability (障害種別)",
    "prior_service": "service used before the job (利用前サービス)",
    "role": "role of a staff assignment (職種)",
    "end_reason": "why the service ended (終了理由)",
    "status": "a client's status (状態), shown in listings",
    "status_filter": "which clients to list",
    "handover_state": "state of a handover (引継ぎの状況), shown in listings",
    "delivered_to": "who received the plan (交付先)",
    "recipient": "who received the 支援レポート (共有先)",
    "method": "how the 支援レポート was shared (共有の方法)",
    "copy": "whose copy of the 支援レポート",
    "csv_kind": "what a CSV file holds (取り込み・書き出しの種類)",
}


def where_typed(kind: str) -> str:
    """The options and CSV columns that take `kind`, from the option table and the CSV headers."""
    from teikan_cli.commands.params import CODED, CODED_IN
    from teikan_cli.csvio import HEADERS
    from teikan_cli.names import COLUMN_KINDS

    options = sorted({option for option, k in CODED.items() if k == kind}
                     | {f"{command} {option}" for (command, option), k in CODED_IN.items() if k == kind})
    columns = sorted({f"{what} `{column}`" for what, headers in HEADERS.items() for column in headers
                      if COLUMN_KINDS.get(column) == kind and kind not in ("status", "handover_state")})
    typed = [f"`{o}`" for o in options] + [f"CSV {c}" for c in columns]
    return ", ".join(typed) if typed else "output only"


def table() -> str:
    from teikan_cli.names import VOCABULARY

    lines = []
    for kind, terms in VOCABULARY.items():
        lines += [f"**{TITLES.get(kind, kind.replace('_', ' '))}** — {where_typed(kind)}", "",
                  "| code | English label | Japanese label | also accepted |", "|---|---|---|---|"]
        for term in terms:
            aliases = ", ".join(term.aliases) if term.aliases else "—"
            lines.append(f"| `{term.code}` | {term.en} | {term.ja} | {aliases} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def current(text: str) -> str | None:
    """The generated part of the page as it stands, or None without the markers."""
    if BEGIN not in text or END not in text:
        return None
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    text = PAGE.read_text(encoding="utf-8")
    if current(text) is None:
        print(f"{PAGE}: the markers are missing", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    PAGE.write_text(f"{head}{BEGIN}\n{table()}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
