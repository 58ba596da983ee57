import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/experiment/slurm.js';
import { ensureBuilt } from '../helpers/build.js';
import { cli, sameResults, SMALL_SWEEP, writeFile } from './helpers.js';

/**
 * The Slurm path for real: a sharded sweep submitted as an array job to the single-node cluster
 * that .ci/slurm-up.sh starts (Debian's slurm-wlm and munge), then the merge job, and the result
 * compared byte for byte with the same sweep run locally. Where Slurm is absent the test says so
 * and is skipped, except in CI (CI set), where a missing or stopped cluster is a failure.
 */

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const sbatch = has('sbatch');
const clusterUp = sbatch && spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim().length > 0;
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const runIt = clusterUp || inCi;
if (!runIt) {
  console.warn(
    sbatch
      ? 'slurm.test.ts: sbatch is installed but no Slurm cluster answers (sinfo); skipping the Slurm test here. Start one with `bash .ci/slurm-up.sh` (root).'
      : 'slurm.test.ts: sbatch not found; skipping the Slurm test here (CI installs Slurm with .ci/slurm-up.sh; so can you, as root).',
  );
}

const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-slurm-'));
/** The first run folder of a sweep folder. */
const planned = (dir: string) => readdirSync(dir).filter((d) => d.startsWith('run-')).sort()[0]!;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fabricsim sweep --slurm', () => {
  it('writes an array job, a merge job and a submit script, and says how to submit them', async () => {
    const file = writeFile(tmp, 'gen.yaml', SMALL_SWEEP);
    const out = join(tmp, 'gen out');
    const r = await cli('sweep', file, '--slurm', '--shards', '3', '--out', out, '--set', "workload.jitter_ns=0,10", '--sbatch', 'partition=debug');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/array job: 8 runs in 3 tasks/);
    expect(r.out).toContain(`bash ${shellQuote(join(out, 'slurm', 'submit.sh'))}`);
    const array = readFileSync(join(out, 'slurm', 'sweep.sbatch'), 'utf8');
    expect(array).toMatch(/^#!\/bin\/bash\n/);
    expect(array).toContain('#SBATCH --array=0-2');
    expect(array).toContain('#SBATCH --partition=debug');
    expect(array).toContain(`--shard "\${SLURM_ARRAY_TASK_ID}/3" --out ${shellQuote(out)}/shard-"\${SLURM_ARRAY_TASK_ID}"`);
    expect(array).toContain("--set 'workload.jitter_ns=0,10'");
    const merge = readFileSync(join(out, 'slurm', 'merge.sbatch'), 'utf8');
    expect(merge).toContain(`merge ${shellQuote(out)}`);
    expect(merge).toContain(shellQuote(join(out, 'shard-2')));
    expect(readFileSync(join(out, 'slurm', 'submit.sh'), 'utf8')).toContain('--dependency=afterok:"$array"');
    for (const f of ['sweep.sbatch', 'merge.sbatch', 'submit.sh']) expect(spawnSync('bash', ['-n', join(out, 'slurm', f)]).status, f).toBe(0);
    expect(existsSync(join(out, 'slurm', 'logs'))).toBe(true);
    // --shards is clamped to the number of runs; --shard and --slurm do not mix
    expect((await cli('sweep', file, '--slurm', '--shards', '50', '--out', join(tmp, 'g2'))).out).toMatch(/4 runs in 4 tasks/);
    expect((await cli('sweep', file, '--slurm', '--shard', '0/2', '--out', join(tmp, 'g3'))).code).toBe(2);
  });

  it.runIf(runIt)(
    'runs as an array job on the local cluster; merged, byte-identical to the local sweep',
    async () => {
      expect(sbatch, 'sbatch is missing: .ci/slurm-up.sh should have installed slurm-wlm').toBe(true);
      expect(clusterUp, 'no Slurm cluster answers sinfo: .ci/slurm-up.sh should have started it').toBe(true);
      ensureBuilt(); // the jobs run the compiled command line
      const file = writeFile(tmp, 'slurm.yaml', SMALL_SWEEP);
      const local = join(tmp, 'local');
      expect((await cli('sweep', file, '--jobs', '1', '--out', local, '--quiet')).code).toBe(0);

      const out = join(tmp, 'cluster');
      const gen = await cli('sweep', file, '--slurm', '--shards', '3', '--out', out);
      expect(gen.code, gen.err).toBe(0);
      const slurmDir = join(out, 'slurm');
      const array = execFileSync('sbatch', ['--parsable', join(slurmDir, 'sweep.sbatch')], { encoding: 'utf8' }).trim().split(';')[0]!;
      const logs = () =>
        readdirSync(join(slurmDir, 'logs'))
          .map((f) => `--- ${f}\n${readFileSync(join(slurmDir, 'logs', f), 'utf8')}`)
          .join('\n');
      const merged = spawnSync('sbatch', ['--wait', `--dependency=afterok:${array}`, '--kill-on-invalid-dep=yes', join(slurmDir, 'merge.sbatch')], {
        encoding: 'utf8',
        timeout: 150_000,
      });
      if (merged.status !== 0) throw new Error(`the merge job failed (${merged.status}): ${merged.stderr}\n${logs()}`);
      expect(readdirSync(out).filter((d) => d.startsWith('shard-')).sort()).toEqual(['shard-0', 'shard-1', 'shard-2']);
      expect(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')).complete).toBe(true);
      const compared = sameResults(local, out);
      expect(compared).toContain('summary.csv');
      const csvPerRun = readdirSync(join(local, planned(local))).filter((f) => f.endsWith('.csv')).length;
      expect(compared.filter((f) => f.startsWith('run-')).length).toBe(4 * csvPerRun);
    },
    180_000,
  );
});
