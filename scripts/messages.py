#!/usr/bin/env python3
"""Every message taafi can print, as the code writes it, for docs/errors.md.

Reads src/ for the calls that make a message: tf_error (errors of the
library), pj_perr (errors in the project file), tf_log at WARNING or ERROR
(warnings), note/tf_dq_add and snprintf(problem, ...) (data-quality
notes) and the command's own
"taafi: error: ..." lines, and lists each distinct text once, by kind, in
docs/errors.md between the markers

    <!-- messages -->  ...  <!-- /messages -->

    scripts/messages.py --write   rewrites that list from the code
    scripts/messages.py --check   exits 1 when the list and the code differ
                                  (ctest's docs_messages runs this)

A message made only of a placeholder ("%s", a message passed on) is not
listed: its text is listed where it is made.
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(TOP, "docs", "errors.md")
BEGIN, END = "<!-- messages -->", "<!-- /messages -->"

# call name -> (kind, index of the argument holding the format)
CALLS = {
    "tf_error": ("error", 2),
    "pj_perr": ("project", 2),
    "tf_log": ("log", 2),
    "note": ("note", 4),
    "tf_dq_add": ("note", 4),
    "fprintf": ("cli", 1),
    "snprintf": ("note", 2),  # snprintf(problem, sizeof problem, ...): a note's text
}
KINDS = [
    ("project", "Errors in the project file (`FILE:LINE: ...`, exit 2)"),
    ("error", "Errors (the run stops; exit 1, or 2 for usage)"),
    ("cli", "Errors of the command line (exit 2)"),
    ("log", "Warnings (`taafi: warning: ...`)"),
    ("note", "Data-quality notes (problem, then what taafi did)"),
]
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def strip_comments(text):
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            out.append(" " * ((j if j >= 0 else n) + 2 - i))
            i = (j if j >= 0 else n) + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = j if j >= 0 else n
        elif text[i] == '"':
            m = STRING.match(text, i)
            if not m:
                out.append(text[i])
                i += 1
                continue
            out.append(m.group(0))
            i = m.end()
        elif text[i] == "'":
            m = re.match(r"'(?:[^'\\]|\\.)*'", text[i:])
            seg = m.group(0) if m else text[i]
            out.append(seg)
            i += len(seg)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def split_args(text, start):
    """The arguments of the call whose '(' is at start, as source text."""
    depth, i, args, cur = 0, start, [], []
    while i < len(text):
        c = text[i]
        if c == '"':
            m = STRING.match(text, i)
            cur.append(m.group(0))
            i = m.end()
            continue
        if c in "([{":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur))
                return args
        elif c == "," and depth == 1:
            args.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    return args


def unescape(s):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def literal(arg):
    """The texts of an argument made of string literals only (adjacent ones
    joined, PRId64 and the like as %lld), or of a ?: between such; None
    when the argument is anything else (a variable, a call)."""
    strings = []

    def hide(m):
        strings.append(unescape(m.group(1)))
        return "\0%d\0" % (len(strings) - 1)

    masked = STRING.sub(hide, arg.strip())
    masked = re.sub(r"\bPRI[diux]64\b", lambda m: "\0P\0", masked)
    texts = []
    for part in re.split(r"[?:]", masked) if "?" in masked else [masked]:
        pieces = re.findall(r"\0(\d+|P)\0", part)
        if not pieces or re.sub(r"\0(\d+|P)\0", "", part).strip():
            continue
        texts.append("".join("lld" if x == "P" else strings[int(x)] for x in pieces))
    return texts or None


def messages():
    found = {}
    for root, _, files in os.walk(os.path.join(TOP, "src")):
        for name in sorted(files):
            if not name.endswith(".c"):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, TOP)
            text = strip_comments(open(path, encoding="utf-8").read())
            for m in re.finditer(r"(?<![\w.>])(" + "|".join(CALLS) + r")\s*\(", text):
                kind, at = CALLS[m.group(1)]
                args = split_args(text, m.end() - 1)
                if m.group(1) == "tf_log" and not (len(args) > 1 and re.search(r"WARNING|ERROR", args[1])):
                    continue
                if m.group(1) == "fprintf" and not (args and args[0].strip() == "stderr"):
                    continue
                if m.group(1) == "snprintf" and not (args and args[0].strip() == "problem"):
                    continue
                if len(args) <= at:
                    continue
                texts = literal(args[at])
                if not texts:
                    continue
                for t in texts:
                    if m.group(1) == "fprintf":
                        if not t.startswith("taafi: error: "):
                            continue
                        t = t[len("taafi: error: "):]
                    t = t.split("\n")[0].strip()
                    if not re.sub(r"%[-+ #0-9.*]*(?:zu|lld|ld|" + r"PRId64|[sdgfuxc%])", "", t).strip(" :;,.'\"()"):
                        continue
                    found.setdefault((kind, t), set()).add(rel)
    return found


def render(found):
    lines = [BEGIN, "",
             "Generated from the code by `scripts/messages.py --write`; ctest's "
             "`docs_messages` fails when the code and this list differ. `%s` stands for a name, a path "
             "or a message passed on, `%d`, `%zu` and `%g` for numbers.", ""]
    for kind, title in KINDS:
        items = sorted((t, sorted(files)) for (k, t), files in found.items() if k == kind)
        if not items:
            continue
        lines += ["### " + title, ""]
        for t, files in items:
            shown = t.replace("`", "'")
            lines.append("- `%s` (%s)" % (shown, ", ".join(os.path.relpath(f, "src") for f in files)))
        lines.append("")
    lines.append(END)
    return "\n".join(lines) + "\n"


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "--check"
    doc = open(DOC, encoding="utf-8").read()
    want = render(messages())
    b, e = doc.find(BEGIN), doc.find(END)
    if mode == "--write":
        new = (doc[:b] + want + doc[e + len(END) + 1:]) if b >= 0 and e >= 0 else doc.rstrip("\n") + "\n\n" + want
        open(DOC, "w", encoding="utf-8").write(new)
        return 0
    have = doc[b:e + len(END) + 1] if b >= 0 and e >= 0 else ""
    if have != want:
        import difflib
        sys.stdout.writelines(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                                   "docs/errors.md", "the code"))
        print("docs/errors.md does not list the messages of the code: run scripts/messages.py --write")
        return 1
    print("docs/errors.md lists all %d messages of the code" % len(messages()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
