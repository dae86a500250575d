#!/usr/bin/env bash
# Exports the executed lessons to self-contained HTML pages that open offline (notebooks/html/, git-ignored).
#
#   notebooks/export-html.sh [--from DIR]     (default DIR: notebooks/out, written by notebooks/run-all.sh)
#
# Each page carries plotly.js inline once (written by the lessons' chart formatter) and every chart's
# data, so a reader who runs nothing can open it in a browser with no network. Jupyter's nbconvert
# writes the pages; its template's external script tags (require.js, MathJax from a CDN or Debian's
# /usr/share/javascript: the lessons need neither, their equations are plain Unicode) are removed, and links between lessons point at the .html pages.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
from="$here/out"
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from="$(cd "$2" && pwd)"; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "export-html: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
command -v jupyter >/dev/null || { echo "export-html: jupyter not found (environment/setup.sh installs Debian's jupyter-nbconvert)" >&2; exit 1; }
python=python3; command -v python3 >/dev/null || python=/usr/bin/python3
shopt -s nullglob
executed=("$from"/[0-9][0-9]-*.ipynb)
[ ${#executed[@]} -gt 0 ] || { echo "export-html: no executed lessons in $from: run notebooks/run-all.sh first" >&2; exit 1; }
mkdir -p "$here/html"
tidied="$(mktemp -d)"; trap 'rm -rf "$tidied"' EXIT
for nb in "${executed[@]}"; do
  case "$nb" in *-solutions.ipynb) continue ;; esac # the worked answers are opened in Jupyter, after trying
  name="$(basename "$nb" .ipynb)"
  # A tidied copy: without the host's "Loading extensions from `…/*.dll`" notices (internal paths, nothing a reader needs).
  cp "$nb" "$tidied/$name.ipynb" && "$python" "$here/tools/notebook_outputs.py" tidy "$tidied/$name.ipynb"
  jupyter nbconvert --to html --log-level=WARN --output-dir "$here/html" --output "$name" "$tidied/$name.ipynb"
  "$python" - "$here/html/$name.html" <<'PY'
import re, sys
path = sys.argv[1]
html = open(path, encoding="utf-8").read()
# Self-contained: drop every script or stylesheet the template loads from elsewhere (a CDN, or Debian's
# file:///usr/share/javascript copies of require.js and MathJax, which a reader's machine may not have).
html = re.sub(r'<script[^>]*\ssrc="(?:https?|file):[^"]*"[^>]*>\s*</script>', "", html)
html = re.sub(r'<link[^>]*\shref="(?:https?|file):[^"]*"[^>]*>', "", html)
# The kernel's connection script (.NET Interactive's first output: it probes the kernel's local HTTP address and loads
# require.js from a CDN) has no kernel to find in a static page: drop it, so an exported page makes no request at all.
html = re.sub(r"<div>\s*<div id='dotnet-interactive-this-cell-[^']*'.*?</script>\s*</div>", "", html, flags=re.S)
# Long code lines wrap instead of running out of the page's fixed-width code column (they were cut off, issue 25).
html = html.replace("</head>", "<style>.jp-InputArea-editor pre, .jp-OutputArea-output pre, .highlight pre "
                    "{ white-space: pre-wrap; overflow-wrap: anywhere; }</style>\n</head>", 1)
# MathJax's inline configuration is useless without MathJax.
html = re.sub(r'<script type="text/x-mathjax-config">.*?</script>', "", html, flags=re.S)
# Links between lessons lead to the exported pages.
html = re.sub(r'href="(\d\d-[a-z0-9-]+)\.ipynb"', r'href="\1.html"', html)
open(path, "w", encoding="utf-8").write(html)
left = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="((?:https?|file):[^"]*)"', html)
if left:
    sys.exit(f"export-html: {path} still loads {left[:3]}")
if "probeAddresses" in html:
    sys.exit(f"export-html: {path} still holds the kernel's connection script")
PY
  echo "exported notebooks/html/$name.html ($(du -h "$here/html/$name.html" | cut -f1))"
done
