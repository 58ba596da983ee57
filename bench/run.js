// `npm run bench`: runs each fixed scenario in a fresh Node process and prints wall time, events,
// events/s, delivered packets/s and peak RSS. Usage: node bench/run.js [scenario ...]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scenarios } from './scenarios.js';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  const { runExperiment } = await import('../dist/index.js');
  const name = process.argv[3];
  const t0 = performance.now();
  const r = runExperiment(scenarios[name]);
  const wall = (performance.now() - t0) / 1000;
  const delivered = r.fabric.traffic.deliveredPackets;
  const done = r.flows.records.filter((f) => f.status === 'done').length;
  process.stdout.write(
    JSON.stringify({
      scenario: name,
      wall_s: wall,
      loop_s: r.wallMs / 1000,
      events: r.events,
      events_per_s: r.events / (r.wallMs / 1000),
      delivered_packets: delivered,
      delivered_packets_per_s: delivered / (r.wallMs / 1000),
      flows_done: `${done}/${r.flows.records.length}`,
      sim_time_us: r.simTimePs / 1e6,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
  process.exit(0);
}

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(scenarios);
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log('scenario                          wall s  (loop s)        events    events/s  delivered pkts/s  peak RSS MB  flows');
for (const name of names) {
  if (!(name in scenarios)) {
    console.error(`unknown scenario '${name}'; expected one of: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  const res = spawnSync(process.execPath, [self, '--child', name], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (res.status !== 0) {
    console.error(res.stderr);
    process.exit(1);
  }
  const m = JSON.parse(res.stdout.trim().split('\n').pop());
  console.log(
    `${name.padEnd(32)} ${fmt(m.wall_s, 2).padStart(7)}  (${fmt(m.loop_s, 2)})  ${fmt(m.events).padStart(12)}  ${fmt(m.events_per_s).padStart(10)}  ${fmt(m.delivered_packets_per_s).padStart(16)}  ${fmt(m.peak_rss_mb).padStart(11)}  ${m.flows_done}`,
  );
}
