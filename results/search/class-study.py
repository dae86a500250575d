#!/usr/bin/env python3
"""Per-class story of one semi-supervised run (issue 21, item 5): over training, for each class, the teacher's
pseudo-label accuracy (share of the pixels it labels c that are c), its share of pseudo-labelled pixels, and the
rebalancer's class weight r_c; then the final test IoU beside a supervised run's.
Usage: results/search/class-study.py RUN_DIR [SUPERVISED_RUN_DIR] [--points N]"""
import json, sys

def load(run):
    rows = [json.loads(l) for l in open(f"{run}/metrics.jsonl")]
    train = [r["stats"] for r in rows if r.get("kind") == "train"]
    test = [r["eval"] for r in rows if r.get("kind") == "eval" and r["eval"]["split"] == "test" and r["eval"]["model"] == "teacher"]
    return train, (test[-1]["per_class_io_u"] if test else None)

def f(x, scale=100, w=5):
    return "    –" if x in (None, "NaN") or x != x else f"{scale * x:{w}.1f}"

args = [a for a in sys.argv[1:] if not a.startswith("--")]
points = int(sys.argv[sys.argv.index("--points") + 1]) if "--points" in sys.argv else 4
train, iou = load(args[0])
sup_iou = load(args[1])[1] if len(args) > 1 else None
semi = [s for s in train if s.get("unsupervised_lambda", 0) > 0]
n = len(train[0]["class_weights"])
picks = [semi[min(len(semi) - 1, round(i * (len(semi) - 1) / (points - 1)))] for i in range(points)] if semi else []
print(f"run {args[0]}: {len(semi)} logged semi-supervised points; classes 0..{n - 1} (0 = background)")
head = "class | " + " | ".join(f"acc@{p['step']}" for p in picks) + " | " + " | ".join(f"share@{p['step']}" for p in picks) + \
       " | " + " | ".join(f"r_c@{p['step']}" for p in picks) + " | test IoU" + (" | supervised IoU" if sup_iou else "")
print(head)
for c in range(n):
    cells = [f(p["pseudo_label_accuracy_per_class"][c]) for p in picks] + [f(p["pseudo_label_share"][c]) for p in picks] + \
            [f(p["class_weights"][c], 1, 5) for p in picks] + [f(iou[c]) if iou else "–"] + ([f(sup_iou[c])] if sup_iou else [])
    print(f"{c:5d} | " + " | ".join(cells))
