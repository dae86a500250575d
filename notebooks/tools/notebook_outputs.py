#!/usr/bin/env python3
"""Small checks on .ipynb files for the notebook scripts (standard library only).

  notebook_outputs.py errors   EXECUTED.ipynb NAME   print one line per failed cell ("NAME, cell N (...): error") and per progress
                                                    line short of its last step (its updates were lost); exit 1 if any
  notebook_outputs.py tidy     EXECUTED.ipynb        collapse runs of updates of one display into their last state (in place)
  notebook_outputs.py clean    NOTEBOOK.ipynb...     exit 1 naming every notebook that has outputs or execution counts
  notebook_outputs.py strip    NOTEBOOK.ipynb...     remove outputs and execution counts (in place), for committing
"""
import json
import re
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(nb, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


STEPS = re.compile(r"^(.+?): step (\d+)/(\d+) \[")


def frozen_progress(cell):
    """The text of a progress line (Lesson.ShowProgress: "LABEL: step N/T [...") left short of its last step in a
    cell that finished without error: the updates did not reach the output (issue 13: they went to another display id)."""
    if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
        return None
    for output in cell.get("outputs", []):
        plain = text(output.get("data", {}).get("text/plain"))
        match = STEPS.match(plain)
        if match and int(match.group(2)) < int(match.group(3)):
            return plain.splitlines()[0]
    return None


def errors(path, name):
    """Every cell with an error output, numbered as a reader counts them (code cells from 1; the notebook's cell index too),
    and every cell whose progress line stayed short of its final step."""
    nb = load(path)
    failures = []
    code_number = 0
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        code_number += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first_line = next((l.strip() for l in text(cell.get("source")).splitlines() if l.strip()), "")
                message = (output.get("evalue") or output.get("ename") or "error").strip().splitlines()[0]
                failures.append(f"{name}, code cell {code_number} (cell {index + 1} of the notebook, starting `{first_line[:60]}`): {message[:300]}")
                break
        frozen = frozen_progress(cell)
        if frozen:
            failures.append(f"{name}, code cell {code_number} (cell {index + 1} of the notebook): progress line never reached its last step: {frozen[:200]}")
    for line in failures:
        print(line)
    return 1 if failures else 0


# A progress line's states: "LABEL: step N/T [...", and "LABEL: stopped at step N of T" when its run failed and the
# lesson closed the line (Lesson.Try, issue 25): the line's last state, which the failed cell's own line explains.
PROGRESS = re.compile(r"^(.+?): (?:step \d+/\d+ \[|stopped at step \d+ of \d+$)")


def is_extension_notice(output):
    """The host's "Loading extensions from `…/Plotly.NET.Interactive.dll`" notices (one per package that ships a .NET
    Interactive extension): internal paths that tell a reader nothing about the lesson (issue 25)."""
    plain = text(output.get("data", {}).get("text/plain")) or text(output.get("text"))
    return output.get("output_type") in ("display_data", "stream") and plain.startswith("Loading extensions from ")


def tidy(path):
    """dotnet-repl writes every update of a display as a new output. Two kinds of updating display are
    known here: the kernel's package restore ("Installing Packages" ... "Installed Packages") and a
    lesson's progress line (Lesson.Progress: "LABEL: step N/T [...", or "LABEL: stopped at step N of T"). Consecutive display_data outputs of
    one cell that are states of the same such display collapse into the last one; nothing else is touched."""
    nb = load(path)
    def key(output):
        if output.get("output_type") != "display_data":
            return None
        data = output.get("data", {})
        html, plain = text(data.get("text/html")), text(data.get("text/plain"))
        if "<strong>Installing Packages</strong>" in html or "<strong>Installed Packages</strong>" in html:
            return ("packages",)
        match = PROGRESS.match(plain)
        return ("progress", match.group(1)) if match else None
    for cell in nb.get("cells", []):
        outputs = cell.get("outputs")
        if not outputs:
            continue
        kept = []
        for output in outputs:
            if is_extension_notice(output):
                continue
            k = key(output)
            if kept and k is not None and key(kept[-1]) == k:
                kept[-1] = output
            else:
                kept.append(output)
        cell["outputs"] = kept
    save(nb, path)
    return 0


def clean(paths):
    dirty = []
    for path in paths:
        for cell in load(path).get("cells", []):
            if cell.get("outputs") or cell.get("execution_count") is not None:
                dirty.append(path)
                break
    for path in dirty:
        print(f"{path}: has outputs; commit notebooks without them (notebooks/tools/notebook_outputs.py strip {path})")
    return 1 if dirty else 0


def strip(paths):
    for path in paths:
        nb = load(path)
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"] = []
                cell["execution_count"] = None
        save(nb, path)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "errors":
        sys.exit(errors(args[0], args[1] if len(args) > 1 else args[0]))
    if command == "tidy":
        sys.exit(tidy(args[0]))
    if command == "clean":
        sys.exit(clean(args))
    if command == "strip":
        sys.exit(strip(args))
    print(__doc__)
    sys.exit(2)
