// dashboard.mjs - the page at / in Debian's headless Chromium, driven
// through puppeteer-core: two runs overlaid in one chart, the legend, a
// hover value, the label filter, incremental polling, the token, the
// single-point, null and log-scale states.  Run by tests/dashboard.test,
// which starts evald with a read token and a write token and passes:
//   EVALD_URL, READ_TOKEN, WRITE_TOKEN, SHOTS (a directory for screenshots)
// Prints TAP lines (without a plan: the shell test counts and plans).
import puppeteer from "puppeteer-core";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

const URL_ = process.env.EVALD_URL;
const READ = process.env.READ_TOKEN;
const WRITE = process.env.WRITE_TOKEN;
const SHOTS = process.env.SHOTS;
let n = 0, failed = 0;

function ok(cond, what, diag) {
  n++;
  console.log((cond ? "ok " : "not ok ") + n + " - " + what);
  if (!cond) { failed++; if (diag !== undefined) console.log("# " + JSON.stringify(diag)); }
}

async function record(metric, inputs, rec, params) {
  const r = await fetch(URL_ + "/v1/metrics/" + metric, {
    method: "POST",
    headers: {"Content-Type": "application/json", Authorization: "Bearer " + WRITE},
    body: JSON.stringify({inputs, params: params || {}, record: rec}),
  });
  const body = await r.json();
  if (r.status !== 200) throw new Error("record " + rec.series + ": " + r.status + " " + JSON.stringify(body));
  return body;
}

const mae = (v, rec) => record("mae", {input: [0], target: [v]}, rec);

// Two runs of one metric, a single point of 0, a series whose last value
// was infinite, a gated point with thresholds.
try {
for (let k = 1; k <= 5; k++) {
  await mae(1.5 * k, {series: "run42/fid", step: k, labels: {model: "unet-s"}});
  await mae(2 * k + 0.25, {series: "run43/fid", step: k, labels: {model: "unet-m"}});
}
await mae(7, {series: "run42/fid", step: 6, labels: {model: "unet-s"}, fail_above: 9, fail_below: 1});
await mae(0, {series: "solo/acc", step: 1000});
await mae(2, {series: "nully/loss", step: 1});
await record("mse", {input: [1e200], target: [0]}, {series: "nully/loss", step: 2});
} catch (e) {
  ok(false, "the series are recorded", String(e && e.stack || e));
  process.exit(1);
}

const profile = mkdtempSync(join(tmpdir(), "evald-chromium-"));
const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  userDataDir: profile,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function shot(page, name) {
  const path = join(SHOTS, name + ".png");
  await page.screenshot({path, fullPage: name !== "hover"});
  console.log("# screenshot " + name + ": " + path);
}

const chart = (page, metric, fn, arg) =>
  page.evaluate((metric, fn, arg) => {
    const u = window.evaldCharts[metric];
    return u ? new Function("u", "arg", "return (" + fn + ")(u, arg)")(u, arg) : null;
  }, metric, fn.toString(), arg);

async function waitChart(page, metric, fn, arg, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await chart(page, metric, fn, arg).catch(() => null);
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

try {
  // ----- without the token: the page says how to pass one
  const bare = await browser.newPage();
  await bare.setViewport({width: 1280, height: 900});
  await bare.goto(URL_ + "/", {waitUntil: "load"});
  await bare.waitForFunction(() => !document.getElementById("msg").hidden, {timeout: 10000}).catch(() => {});
  const msg = await bare.$eval("#msg", (m) => (m.hidden ? "" : m.textContent));
  ok(/read token/.test(msg) && msg.includes("#token="), "without a token the page says how to pass one", msg);
  await shot(bare, "no-token");
  await bare.close();

  // ----- with the token (it holds '+' and '/'), polling every second
  const page = await browser.newPage();
  await page.setViewport({width: 1280, height: 1400});
  const asked = [];
  page.on("request", (r) => asked.push(r.url()));
  const offsite = [];
  page.on("request", (r) => { if (!r.url().startsWith(URL_)) offsite.push(r.url()); });
  await page.goto(URL_ + "/#token=" + READ + "&every=1", {waitUntil: "load"});
  const both = await waitChart(page, "fid", (u) => u.series.length >= 3 && u.data[0].length === 6);
  ok(both, "the token from the fragment is sent as it is ('+' and '/' kept): charts load");
  const labels = await chart(page, "fid", (u) => u.series.slice(1).map((s) => s.label));
  ok(labels && labels.includes("run42") && labels.includes("run43"),
     "run42/fid and run43/fid are two lines of one chart 'fid'", labels);
  const legend = await page.$$eval("section[data-metric=fid] .u-legend .u-series .u-label",
                                   (l) => l.map((e) => e.textContent));
  ok(legend.includes("run42") && legend.includes("run43"), "the legend names both runs", legend);
  ok(legend.some((t) => t.startsWith("fail_above 9")) && legend.some((t) => t.startsWith("fail_below 1")),
     "the recorded thresholds are drawn as lines with their values", legend);
  ok(offsite.length === 0, "nothing is fetched from outside evald", offsite);
  ok(asked.some((u) => /max_points=\d+/.test(u)), "the first load asks the server to downsample (max_points=)");
  await shot(page, "overlay");

  // ----- hover over step 3: the legend shows the recorded values
  const pos = await chart(page, "fid", (u) => {
    const r = u.over.getBoundingClientRect();
    return {x: r.left + u.valToPos(3, "x"), y: r.top + r.height / 2};
  });
  await page.mouse.move(pos.x, pos.y);
  await page.waitForFunction(() => !document.querySelector("section[data-metric=fid] .tip").hidden,
                             {timeout: 5000}).catch(() => {});
  const hover = await page.$$eval("section[data-metric=fid] .u-legend .u-series",
    (rows) => rows.map((r) => [r.querySelector(".u-label").textContent, r.querySelector(".u-value").textContent]));
  const val = (name) => { const row = hover.find((r) => r[0] === name); return row ? Number(row[1]) : NaN; };
  ok(val("step") === 3 && Math.abs(val("run42") - 4.5) < 1e-9 && Math.abs(val("run43") - 6.25) < 1e-9,
     "hovering step 3 shows run42 = 4.5 and run43 = 6.25, as recorded", hover);
  const tip = await page.$eval("section[data-metric=fid] .tip", (t) => t.textContent);
  ok(/step 3/.test(tip) && /run42: 4\.5/.test(tip) && /model=unet-s/.test(tip) && /\d{4}-\d\d-\d\d /.test(tip),
     "the hover box shows value, step, time and labels", tip);
  await shot(page, "hover");
  await page.mouse.move(5, 5);

  // ----- label filter hides a run
  await page.type("#flabel", "model=unet-s");
  const filtered = await waitChart(page, "fid", (u) => u.series.slice(1).map((s) => s.label).join(","), null, 3000);
  ok(filtered && filtered.includes("run42") && !filtered.includes("run43"),
     "the label filter model=unet-s hides run43", filtered);
  await shot(page, "label-filter");
  await page.$eval("#flabel", (e) => { e.value = ""; e.dispatchEvent(new Event("input")); });

  // ----- regroup by the label model
  await page.select("#groupby", "model");
  const grouped = await chart(page, "fid", (u) => u.series.slice(1).map((s) => s.label));
  ok(grouped && grouped.includes("model=unet-s") && grouped.includes("model=unet-m"),
     "lines by label model name the lines by its values", grouped);
  await page.select("#groupby", "");

  // ----- incremental polling: a point recorded now appears without reload
  const before = asked.length;
  await mae(17.25, {series: "run43/fid", step: 7, labels: {model: "unet-m"}});
  const grown = await waitChart(page, "fid", (u) => u.data[0].includes(7), null, 8000);
  ok(grown, "a point recorded after load appears without a reload");
  const since = asked.slice(before).filter((u) => u.includes("/v1/series/run43/fid?since="));
  ok(since.length > 0 && !since.some((u) => u.includes("max_points")),
     "the page asked only for the new points (since=)", asked.slice(before));
  await shot(page, "polled");

  // ----- a single point: a dot at its real step, an axis around its value
  const solo = await chart(page, "acc", (u) => ({x: [u.scales.x.min, u.scales.x.max],
                                                 y: [u.scales.y.min, u.scales.y.max],
                                                 dot: typeof u.series[1].points.show === "function"
                                                   ? u.series[1].points.show(u, 1) : u.series[1].points.show}));
  ok(solo && solo.x[0] < 1000 && solo.x[1] > 1000 && solo.x[0] > 1,
     "a single point's x axis is around its step 1000, not -1..1", solo);
  ok(solo && solo.y[0] < 0 && solo.y[1] > 0 && solo.y[1] - solo.y[0] < 1 && solo.dot === true,
     "a single value 0 is a dot on an axis around 0, not -1..1", solo);
  const soloNote = await page.$eval("section[data-metric=acc] .notes", (e) => e.textContent).catch(() => "");
  ok(/one point at step 1000, value 0/.test(soloNote), "the single point is said as such", soloNote);
  await page.$eval("section[data-metric=acc]", (e) => e.scrollIntoView());
  await shot(page, "single-point");

  // ----- the last value was not finite
  const nul = await page.$eval("section[data-metric=loss] .notes li.null", (e) => e.textContent).catch(() => "");
  ok(/last value was not finite: NaN\/inf stored as null/.test(nul), "a null latest value is explained", nul);
  const gap = await chart(page, "loss", (u) => u.data[1][1] === null);
  ok(gap, "the null value is a gap in the line, not a number");
  await shot(page, "null-value");

  // ----- log scale
  await page.click("#log");
  const log = await chart(page, "fid", (u) => u.scales.y.distr === 3 && u.scales.y.min > 0);
  const logNote = await page.$eval("section[data-metric=acc] .notes", (e) => e.textContent).catch(() => "");
  ok(log && /≤ 0 not drawn on the log scale/.test(logNote), "log scale: positive axis, values ≤ 0 said to be hidden",
     logNote);
  await shot(page, "log-scale");
} catch (e) {
  ok(false, "the browser run finished", String(e && e.stack || e));
} finally {
  await browser.close();
  rmSync(profile, {recursive: true, force: true});
}
process.exit(failed ? 1 : 0);
