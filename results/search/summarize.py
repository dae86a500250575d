#!/usr/bin/env python3
"""Summarises the queue's runs (results/search/<stem>/<variant>-s<seed>/metrics.jsonl) as a Markdown table:
teacher mIoU on validation (choose on it) and test (report), the validation curve, rarest-three IoU (digits 9, 8, 7:
the three rarest classes of M2NIST-LT at imbalance ratio > 1) and the teacher's foreground pseudo-label accuracy
over the last quarter of training. Usage: results/search/summarize.py STEM [STEM ...]"""
import json, math, os, sys

RAREST = [10, 9, 8]  # class index = digit + 1

def load(path):
    train, evals = [], []
    for line in open(path):
        row = json.loads(line)
        if row["kind"] in ("train", "eval"):  # "numerics" lines say how the run computed
            (train if row["kind"] == "train" else evals).append(row.get("stats") or row.get("eval"))
    return train, evals

def pct(x):
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}"

def summarize(stem):
    base = os.path.join(os.path.dirname(os.path.abspath(__file__)), stem)
    rows = []
    for run in sorted(os.listdir(base)):
        metrics = os.path.join(base, run, "metrics.jsonl")
        if not os.path.isfile(metrics):
            continue
        train, evals = load(metrics)
        final = {(e["split"], e["model"]): e for e in evals if e["step"] == max(x["step"] for x in evals)}
        curve = [e for e in evals if e["split"] == "validation" and e["model"] == "teacher"]
        steps = train[-1]["step"] if train else 0
        late = [s["foreground_pseudo_label_accuracy"] for s in train if s["step"] > 0.75 * steps
                and isinstance(s["foreground_pseudo_label_accuracy"], float)]
        fg = sum(late) / len(late) if late else float("nan")
        test = final.get(("test", "teacher"))
        val = final.get(("validation", "teacher"))
        rare = sum(test["per_class_io_u"][c] for c in RAREST) / 3 if test else None
        ms = sum(s["ms_per_step"] for s in train) / len(train) if train else 0
        rows.append((run, val and val["mean_io_u"], test and test["mean_io_u"], rare, fg,
                     " / ".join(pct(e["mean_io_u"]) for e in curve), ms))
    print(f"### {stem}\n")
    print("| run | validation mIoU | test mIoU | test rarest-three IoU | fg pseudo-label acc. (last quarter) | validation curve (teacher) | ms/step |")
    print("|---|---|---|---|---|---|---|")
    for run, val, test, rare, fg, curve, ms in rows:
        print(f"| {run} | {pct(val)} | {pct(test)} | {pct(rare)} | {pct(fg)} | {curve} | {ms:.0f} |")
    print()

for stem in sys.argv[1:]:
    summarize(stem)
