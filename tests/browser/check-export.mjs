// A real-browser test of the exported lessons: Debian's headless Chromium (no downloaded browser),
// driven by playwright-core, opens each notebooks/html/*.html page with every network request refused
// (the pages must work offline) and checks that each Plotly chart was drawn: an SVG plot exists and
// holds traces, not merely that the page loaded. Optionally saves a screenshot of each page's first chart.
//
//   node check-export.mjs [--screenshots DIR] [PAGE.html ...]     (default: every page in notebooks/html)
//
// Prints one line per page and ends with "N passed, N failed"; exits 1 on any failure.
import { chromium } from "playwright-core";
import { readdirSync, readFileSync, mkdirSync, existsSync } from "node:fs";
import { join, resolve, basename, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const htmlDir = resolve(here, "../../notebooks/html");
const args = process.argv.slice(2);
let screenshots = null;
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--screenshots") screenshots = resolve(args[++i]);
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
    })));
    if (expected === 0) problems.push("the page has no chart at all");
    if (charts.length < expected) problems.push(`${charts.length} of ${expected} charts drawn`);
    charts.forEach((c, i) => {
      if (c.svg === 0) problems.push(`chart ${i + 1}: no SVG plot`);
      if (c.traces === 0 || c.drawnTraces === 0) problems.push(`chart ${i + 1}: no traces drawn (${c.traces} in data, ${c.drawnTraces} in the SVG)`);
    });
    const plotlyErrors = pageErrors.filter((e) => /plotly/i.test(e) || /Plotly is not defined/.test(e));
    if (plotlyErrors.length) problems.push(`page errors: ${plotlyErrors.slice(0, 3).join(" | ")}`);
    if (screenshots && charts.length > 0) {
      const first = tab.locator(".js-plotly-plot").first();
      await first.scrollIntoViewIfNeeded();
      await first.screenshot({ path: join(screenshots, name.replace(/\.html$/, ".png")) });
    }
    await context.close();
    if (problems.length === 0) {
      passed++;
      console.log(`ok   ${name}: ${charts.length} charts drawn as SVG with traces (${blocked.length} network requests refused)`);
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
