// A real-browser test of the exported lessons: Debian's headless Chromium (no downloaded browser),
// driven by playwright-core, opens each notebooks/html/*.html page with every network request refused
// (the pages must work offline) and checks that each Plotly chart was drawn: an SVG plot exists and
// holds traces, not merely that the page loaded, and that the page makes no network request at all. A chart
// with a class axis (some trace's x or y values hold the class names "0" … "9") must make it a category axis
// that draws "background" among its tick labels: issue 13 found plotly reading the names as numbers and
// dropping background. Issue 25 added: traces of one legend group in one colour, no scrolling legend, no mask key entry
// named "class N", a title on every visible axis, log axes labelled at powers of ten. Optionally saves screenshots: each page's first chart, or with --all-charts every
// chart (PAGE-chart-K.png; the page's line lists which have a class axis). With --same-traces-as DIR, each page's
// charts must also match those of DIR's page of the same name (a lesson's file-based app against the notebook's export,
// issue 23): as many charts, and chart by chart the same traces (kind and name; numbers in names, such as a live run's
// mIoU, may differ).
//
//   node check-export.mjs [--screenshots DIR [--all-charts]] [--same-traces-as DIR] [PAGE.html ...]
//                                                                                (default: every page in notebooks/html)
//
// Prints one line per page and ends with "N passed, N failed"; exits 1 on any failure.
import { chromium } from "playwright-core";
import { readdirSync, readFileSync, mkdirSync, existsSync } from "node:fs";
import { join, resolve, basename, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const htmlDir = resolve(here, "../../notebooks/html");
const args = process.argv.slice(2);
let screenshots = null, allCharts = false, sameTracesAs = null;
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--screenshots") screenshots = resolve(args[++i]);
  else if (args[i] === "--same-traces-as") sameTracesAs = resolve(args[++i]);
  else if (args[i] === "--all-charts") allCharts = true;
  else pages.push(resolve(args[i]));
}
if (pages.length === 0 && existsSync(htmlDir))
  for (const f of readdirSync(htmlDir).sort()) if (/^\d\d-.*\.html$/.test(f)) pages.push(join(htmlDir, f));
if (pages.length === 0) {
  console.log(`no exported lessons in ${htmlDir}: run notebooks/run-all.sh, then notebooks/export-html.sh`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
if (screenshots) mkdirSync(screenshots, { recursive: true });

// Each chart's traces as "kind: name", read from the page's source (Plotly.NET writes `var data = [...];` into each
// chart's drawing function), numbers in names masked.
function traces(html) {
  return [...html.matchAll(/var renderPlotly_[0-9a-f]+ = function\(\) \{\s*var data = (\[.*?\]);\s*var layout/gs)]
    .map((m) => JSON.parse(m[1]).map((t) => `${t.type ?? "scatter"}: ${String(t.name ?? "").replace(/[0-9]+([.,][0-9]+)?/g, "#")}`));
}
function compareTraces(page) {
  const reference = join(sameTracesAs, basename(page));
  if (!existsSync(reference)) return [`no page ${reference} to compare its charts with`];
  const mine = traces(readFileSync(page, "utf8")), theirs = traces(readFileSync(reference, "utf8"));
  const problems = [];
  if (mine.length !== theirs.length) problems.push(`${mine.length} charts, ${theirs.length} in ${reference}`);
  for (let i = 0; i < Math.min(mine.length, theirs.length); i++)
    if (mine[i].join(" | ") !== theirs[i].join(" | "))
      problems.push(`chart ${i + 1}'s traces [${mine[i].join(" | ")}] differ from [${theirs[i].join(" | ")}] in ${reference}`);
  return problems;
}

const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
let passed = 0, failed = 0;
try {
  for (const page of pages) {
    const name = basename(page);
    const problems = [];
    // The number of charts the page should draw: one drawing function per chart in the export.
    const expected = (readFileSync(page, "utf8").match(/var renderPlotly_[0-9a-f]+ = function/g) ?? []).length;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    const blocked = [];
    await tab.route(/^(?!file:|data:|about:)/, (route) => { blocked.push(route.request().url()); return route.abort(); });
    const pageErrors = [];
    tab.on("pageerror", (e) => pageErrors.push(String(e.message ?? e)));
    await tab.goto(pathToFileURL(page).href, { waitUntil: "load", timeout: 60_000 });
    if (expected > 0)
      await tab.waitForFunction((n) => document.querySelectorAll(".js-plotly-plot").length >= n, expected, { timeout: 30_000 })
        .catch(() => {});
    const charts = await tab.evaluate(() => [...document.querySelectorAll(".js-plotly-plot")].map((div) => ({
      svg: div.querySelectorAll("svg.main-svg").length,
      traces: (div._fullData ?? []).length,
      drawnTraces: div.querySelectorAll("g.trace, g.hm, g.imagelayer image, .heatmaplayer image").length,
      // Each axis that carries the class names in some trace's data (every digit "0" … "9" among a trace's x or y
      // values): its type, and the tick labels actually drawn.
      classAxes: [...new Set((div.data ?? []).flatMap((t) => ["x", "y"]
        .filter((d) => Array.isArray(t[d]) && ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"].every((n) => t[d].map(String).includes(n)))
        .map((d) => (t[`${d}axis`] ?? d).replace(/^([xy])(\d*)$/, "$1axis$2"))))]
        .map((key) => ({
          key,
          type: div._fullLayout?.[key]?.type,
          ticks: [...div.querySelectorAll(`g.${key.replace("axis", "")}tick text`)].map((t) => t.textContent),
        })),
      // Issue 25. Traces of one legend group share its legend entry, so they must share its colour (lesson 02's second
      // panel drew other colours than its legend showed).
      groupColors: Object.entries((div._fullData ?? []).reduce((groups, t) => {
        if (!t.legendgroup || t.visible === false) return groups;
        const color = t.type === "bar" ? t.marker?.color : (t.line?.color ?? t.marker?.color);
        (groups[t.legendgroup] ??= new Set()).add(String(color));
        return groups;
      }, {})).filter(([, colors]) => colors.size > 1).map(([group, colors]) => `${group}: ${[...colors].join(" ")}`),
      // A legend taller than its space scrolls and hides its last entries (lesson 05's digits 8 and 9).
      legendScrolls: [...div.querySelectorAll("g.legend rect.scrollbar")].some((r) => r.getBBox().height > 0),
      // A mask picture's colour key must name every class ("class 8" for digit 7 names nothing).
      unnamedKeys: [...div.querySelectorAll("g.legend text.legendtext")].map((t) => t.textContent).filter((t) => /^class \d+$/.test(t)),
      // Every visible axis that draws tick labels says what it measures.
      untitledAxes: Object.keys(div._fullLayout ?? {}).filter((k) => /^[xy]axis\d*$/.test(k))
        .filter((k) => div._fullLayout[k].visible !== false && div.querySelectorAll(`g.${k.replace("axis", "")}tick text`).length > 0)
        .filter((k) => !(div._fullLayout[k].title?.text ?? "").trim() || div._fullLayout[k].title.text === "Click to enter " + k[0].toUpperCase() + " axis title"),
      // Log axes label powers of ten only: a bare "5" or "2" between them reads as a value without its decade.
      bareLogTicks: Object.keys(div._fullLayout ?? {}).filter((k) => /^[xy]axis\d*$/.test(k) && div._fullLayout[k].type === "log")
        .flatMap((k) => [...div.querySelectorAll(`g.${k.replace("axis", "")}tick text`)].map((t) => t.textContent)
          .filter((text) => text && !/^(?:0\.0*1|10*|1e[+-−]?\d+|10\^?[−-]?\d+)$/.test(text.replace(/\u2212/g, "-").replace(/\u200b/g, "").trim()))
          .map((text) => `${k} "${text}"`)),
    })));
    if (expected === 0) problems.push("the page has no chart at all");
    if (charts.length < expected) problems.push(`${charts.length} of ${expected} charts drawn`);
    charts.forEach((c, i) => {
      if (c.svg === 0) problems.push(`chart ${i + 1}: no SVG plot`);
      if (c.traces === 0 || c.drawnTraces === 0) problems.push(`chart ${i + 1}: no traces drawn (${c.traces} in data, ${c.drawnTraces} in the SVG)`);
      if (c.groupColors.length) problems.push(`chart ${i + 1}: a legend entry's traces differ in colour (${c.groupColors.join("; ")})`);
      if (c.legendScrolls) problems.push(`chart ${i + 1}: its legend scrolls, hiding entries`);
      if (c.unnamedKeys.length) problems.push(`chart ${i + 1}: its colour key names no class: ${c.unnamedKeys.join(", ")}`);
      if (c.untitledAxes.length) problems.push(`chart ${i + 1}: axes without a title: ${c.untitledAxes.join(", ")}`);
      if (c.bareLogTicks.length) problems.push(`chart ${i + 1}: log-axis ticks that are not powers of ten: ${c.bareLogTicks.slice(0, 4).join(", ")}`);
      for (const a of c.classAxes)
        if (a.type !== "category" || !a.ticks.includes("background"))
          problems.push(`chart ${i + 1}: its class axis (${a.key}, type ${a.type}) draws no "background" tick (ticks: ${a.ticks.join(" ")})`);
    });
    const classCharts = charts.map((c, i) => i).filter((i) => charts[i].classAxes.length > 0);
    if (blocked.length) problems.push(`the page made ${blocked.length} network request(s), all refused: ${blocked.slice(0, 2).join(" ")}`);
    const plotlyErrors = pageErrors.filter((e) => /plotly/i.test(e) || /Plotly is not defined/.test(e));
    if (plotlyErrors.length) problems.push(`page errors: ${plotlyErrors.slice(0, 3).join(" | ")}`);
    if (screenshots && allCharts) {
      for (let i = 0; i < charts.length; i++) {
        const chart = tab.locator(".js-plotly-plot").nth(i);
        await chart.scrollIntoViewIfNeeded();
        await chart.screenshot({ path: join(screenshots, name.replace(/\.html$/, `-chart-${i + 1}.png`)) });
      }
    } else if (screenshots && charts.length > 0) {
      const first = tab.locator(".js-plotly-plot").first();
      await first.scrollIntoViewIfNeeded();
      await first.screenshot({ path: join(screenshots, name.replace(/\.html$/, ".png")) });
    }
    await context.close();
    if (sameTracesAs) problems.push(...compareTraces(page));
    if (problems.length === 0) {
      passed++;
      console.log(`ok   ${name}: ${charts.length} charts drawn as SVG with traces, ${classCharts.length} with a class axis that shows ` +
                  `background${classCharts.length ? ` (${classCharts.map((i) => i + 1).join(", ")})` : ""}, no network request` +
                  (sameTracesAs ? `, the same traces as ${join(sameTracesAs, name)}` : ""));
    } else {
      failed++;
      console.log(`FAIL ${name}: ${problems.join("; ")}`);
    }
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
