"""Input files for the bench scripts (bench-cli.sh, bench-peer.sh), from the digits dataset:

  calib.json        256 training images with labels (EZKL-style rows): zkmodel's calibration
  rows<B>.json      the first B test images as rows, B in 1, 16, 64: zkmodel's inputs
  test.json         the whole test split with labels: an accuracy statement's test set
  flat<B>.json      the first B test images as one flat list: EZKL's input for batch B
  flatcal<B>.json   the first B training images as one flat list: EZKL's calibration

Usage: bench_data.py <fixtures/digits/dataset.json> <output directory>
"""

import json
import sys

d = json.load(open(sys.argv[1]))
out = sys.argv[2]
pm = d["pixel_max"]


def rows(idx):
    return [[v / pm for v in d["images"][i]] for i in idx]


def labels(idx):
    return [d["labels"][i] for i in idx]


def write(name, value):
    json.dump(value, open(f"{out}/{name}", "w"))


write("calib.json", {"input_data": rows(d["train"][:256]), "labels": labels(d["train"][:256])})
write("test.json", {"input_data": rows(d["test"]), "labels": labels(d["test"])})
for b in (1, 16, 64):
    write(f"rows{b}.json", {"input_data": rows(d["test"][:b])})
    write(f"flat{b}.json", {"input_data": [[v for r in rows(d["test"][:b]) for v in r]]})
    write(f"flatcal{b}.json", {"input_data": [[v for r in rows(d["train"][:b]) for v in r]]})
