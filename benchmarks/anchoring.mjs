// The JS half of benchmarks/anchoring.py: node benchmarks/anchoring.mjs SCENARIO.json [RUNS]
// Re-anchors every highlight of the scenario (anchorAll + describe), prints JSON:
// {median_ms, median_cpu_ms, results: [[start, end, score] | null]}.
import { readFileSync } from "node:fs";
import { anchorAll, describe } from "../static/js/anchoring/match.js";

const [file, runsArg] = process.argv.slice(2);
const scenario = JSON.parse(readFileSync(file, "utf-8"));
const runs = Number(runsArg || 7);

function reanchor({ text, selectors }) {
  return anchorAll(text, selectors).map((m) => {
    if (m === null) return null;
    describe(text, m.start, m.end);
    return [m.start, m.end, m.score];
  });
}

const wall = [], cpu = [];
let results = null;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now(), c0 = process.cpuUsage();
  results = reanchor(scenario);
  wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
process.stdout.write(JSON.stringify({ median_ms: median(wall), median_cpu_ms: median(cpu), results }));
