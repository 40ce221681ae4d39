import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunOutcome } from '../experiment/execute.ts';

/** Where a project's results live unless told otherwise: one file, beside the experiments. */
export const DEFAULT_STORE = '.sclab/results.duckdb';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS experiments (
  name VARCHAR PRIMARY KEY, title VARCHAR, file VARCHAR, text VARCHAR, spec JSON, design JSON,
  command VARCHAR, versions JSON, created TIMESTAMPTZ, updated TIMESTAMPTZ);
CREATE TABLE IF NOT EXISTS runs (
  run_id VARCHAR PRIMARY KEY, experiment VARCHAR NOT NULL, point INTEGER, arm VARCHAR, replicate INTEGER,
  seed VARCHAR, params JSON, scenario JSON, status VARCHAR NOT NULL, error VARCHAR, attempts INTEGER DEFAULT 0,
  agents INTEGER, days INTEGER, threads INTEGER, seconds DOUBLE, state_hash VARCHAR,
  started TIMESTAMPTZ, finished TIMESTAMPTZ, worker VARCHAR, versions JSON);
CREATE TABLE IF NOT EXISTS summaries (run_id VARCHAR NOT NULL, metric VARCHAR NOT NULL, value DOUBLE);
CREATE TABLE IF NOT EXISTS series (run_id VARCHAR NOT NULL, metric VARCHAR NOT NULL, day INTEGER NOT NULL, value DOUBLE);
`;

/** A run as planned: what the store needs before it has run. */
export interface PlannedRun {
  id: string;
  point: number;
  arm: string;
  replicate: number;
  seed: string;
  params: Record<string, unknown>;
  scenario: string;
  agents: number;
  days: number;
}

export interface RunMeta {
  worker: string;
  started: Date;
  finished: Date;
  versions: Record<string, string>;
}

export interface ExperimentRow {
  name: string;
  title: string | null;
  file: string;
  text: string;
  spec: unknown;
  design: unknown;
  command: string;
  versions: Record<string, string>;
  created: string;
  updated: string;
  done: number;
  failed: number;
  total: number;
}

export interface RunRow {
  run_id: string;
  point: number;
  arm: string;
  replicate: number;
  seed: string;
  params: Record<string, number | string | boolean>;
  status: 'pending' | 'done' | 'failed';
  error: string | null;
  seconds: number | null;
  state_hash: string | null;
  worker: string | null;
}

/**
 * The result store: one DuckDB file per project. Only one process writes it (the sweep that owns
 * the experiment); runner processes and queue workers hand their outcomes to that process. Each
 * run's figures and its status change land in one transaction, so an interrupted sweep leaves every
 * run either stored whole or still pending; readers see only runs marked done.
 */
export class Store {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly c: DuckDBConnection,
    readonly path: string,
  ) {}

  static async open(path: string, o: { readOnly?: boolean } = {}): Promise<Store> {
    if (!o.readOnly) mkdirSync(dirname(path), { recursive: true });
    let db: DuckDBInstance;
    try {
      db = await DuckDBInstance.create(path, o.readOnly ? { access_mode: 'READ_ONLY' } : {});
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/lock/i.test(msg)) throw new Error(`the result store ${path} is in use by another sclab process (a sweep still running?): ${msg.split('\n')[0]}`, { cause: e });
      if (o.readOnly && /does not exist|No such file/i.test(msg)) throw new Error(`no result store at ${path}: run \`sclab sweep\` first, or name one with --store`, { cause: e });
      throw new Error(`cannot open the result store ${path}: ${msg.split('\n')[0]}`, { cause: e });
    }
    const c = await db.connect();
    if (!o.readOnly) await c.run(SCHEMA);
    return new Store(db, c, path);
  }

  close(): void {
    this.c.closeSync();
    this.db.closeSync();
  }

  private async rows<T>(sql: string, values: DuckDBValue[] = []): Promise<T[]> {
    return (await this.c.runAndReadAll(sql, values)).getRowObjectsJson() as T[];
  }

  /**
   * Records an experiment and its runs: new runs as pending; finished runs stay. Runs of an earlier
   * version of the experiment that the new plan no longer has are removed with their figures, so
   * the store always describes the experiment as its file now says. Returns how many were removed.
   */
  async saveExperiment(e: { name: string; title?: string | undefined; file: string; text: string; spec: unknown; design: unknown; command: string; versions: Record<string, string> }, runs: PlannedRun[]): Promise<number> {
    await this.c.run('BEGIN TRANSACTION');
    try {
      await this.c.run(
        `INSERT INTO experiments VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), now())
         ON CONFLICT (name) DO UPDATE SET title = excluded.title, file = excluded.file, text = excluded.text, spec = excluded.spec,
           design = excluded.design, command = excluded.command, versions = excluded.versions, updated = now()`,
        [e.name, e.title ?? null, e.file, e.text, JSON.stringify(e.spec), JSON.stringify(e.design ?? null), e.command, JSON.stringify(e.versions)],
      );
      await this.c.run('CREATE OR REPLACE TEMP TABLE planned (run_id VARCHAR)');
      const ids = await this.c.createAppender('planned', 'main', 'temp');
      for (const r of runs) {
        ids.appendVarchar(r.id);
        ids.endRow();
      }
      ids.closeSync();
      const stale = await this.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM runs WHERE experiment = $1 AND run_id NOT IN (SELECT run_id FROM planned)`, [e.name]);
      for (const t of ['summaries', 'series']) {
        await this.c.run(`DELETE FROM ${t} WHERE run_id IN (SELECT run_id FROM runs WHERE experiment = $1 AND run_id NOT IN (SELECT run_id FROM planned))`, [e.name]);
      }
      await this.c.run(`DELETE FROM runs WHERE experiment = $1 AND run_id NOT IN (SELECT run_id FROM planned)`, [e.name]);
      const known = new Set((await this.rows<{ run_id: string }>('SELECT run_id FROM runs WHERE experiment = $1', [e.name])).map((r) => r.run_id));
      const app = await this.c.createAppender('runs');
      for (const r of runs) {
        if (known.has(r.id)) continue;
        for (const v of [r.id, e.name]) app.appendVarchar(v);
        app.appendInteger(r.point);
        app.appendVarchar(r.arm);
        app.appendInteger(r.replicate);
        app.appendVarchar(r.seed);
        app.appendVarchar(JSON.stringify(r.params));
        app.appendVarchar(r.scenario);
        app.appendVarchar('pending');
        app.appendNull();
        app.appendInteger(0);
        app.appendInteger(r.agents);
        app.appendInteger(r.days);
        for (let k = 0; k < 7; k++) app.appendNull();
        app.endRow();
      }
      app.closeSync();
      await this.c.run('DROP TABLE planned');
      await this.c.run('COMMIT');
      return stale[0]?.n ?? 0;
    } catch (err) {
      await this.c.run('ROLLBACK');
      throw err;
    }
  }

  /** Ids of the experiment's runs already stored whole. */
  async doneIds(experiment: string): Promise<Set<string>> {
    return new Set((await this.rows<{ run_id: string }>(`SELECT run_id FROM runs WHERE experiment = $1 AND status = 'done'`, [experiment])).map((r) => r.run_id));
  }

  /**
   * Stores finished runs, each with its summary, its series and its status, in one transaction:
   * all or nothing. A run already stored is left as it is (a queue may deliver a run twice). Returns
   * which were stored. Many runs per transaction, because a commit costs more than a small run's rows.
   */
  async recordRuns(batch: readonly { id: string; outcome: RunOutcome; meta: RunMeta }[]): Promise<boolean[]> {
    if (!batch.length) return [];
    const ids = batch.map((b) => b.id);
    const list = ids.map((_, k) => `$${k + 1}`).join(', ');
    await this.c.run('BEGIN TRANSACTION');
    try {
      const status = new Map((await this.rows<{ run_id: string; status: string }>(`SELECT run_id, status FROM runs WHERE run_id IN (${list})`, ids)).map((r) => [r.run_id, r.status]));
      const missing = ids.find((id) => !status.has(id));
      if (missing) throw new Error(`no planned run ${missing} in the store`);
      const stored = new Set<string>();
      const fresh = batch.filter((b) => status.get(b.id) !== 'done' && !stored.has(b.id) && stored.add(b.id));
      const sum = await this.c.createAppender('summaries');
      const ser = await this.c.createAppender('series');
      for (const { id, outcome: o } of fresh) {
        for (const [metric, value] of Object.entries(o.summary)) {
          sum.appendVarchar(id);
          sum.appendVarchar(metric);
          sum.appendDouble(value);
          sum.endRow();
        }
        const { names, values } = o.series;
        for (let d = 0; d < o.days; d++) {
          for (let k = 0; k < names.length; k++) {
            ser.appendVarchar(id);
            ser.appendVarchar(names[k]!);
            ser.appendInteger(d);
            ser.appendDouble(values[d * names.length + k]!);
            ser.endRow();
          }
        }
      }
      sum.closeSync();
      ser.closeSync();
      for (const { id, outcome: o, meta } of fresh) {
        await this.c.run(
          `UPDATE runs SET status = 'done', error = NULL, attempts = attempts + 1, threads = $2, seconds = $3, state_hash = $4,
             started = to_timestamp($5), finished = to_timestamp($6), worker = $7, versions = $8 WHERE run_id = $1`,
          [id, o.threads, o.seconds, o.stateHash, meta.started.getTime() / 1000, meta.finished.getTime() / 1000, meta.worker, JSON.stringify(meta.versions)],
        );
      }
      await this.c.run('COMMIT');
      return batch.map((b) => fresh.includes(b));
    } catch (err) {
      await this.c.run('ROLLBACK');
      throw err;
    }
  }

  /** Stores one finished run (see recordRuns); false if it was stored already. */
  async recordRun(id: string, outcome: RunOutcome, meta: RunMeta): Promise<boolean> {
    return (await this.recordRuns([{ id, outcome, meta }]))[0]!;
  }

  /** Records a failed run with its error; a later sweep tries it again. */
  async recordFailure(id: string, error: string, meta: RunMeta): Promise<void> {
    await this.c.run(
      `UPDATE runs SET status = 'failed', error = $2, attempts = attempts + 1, started = to_timestamp($3), finished = to_timestamp($4), worker = $5, versions = $6
       WHERE run_id = $1 AND status <> 'done'`,
      [id, error, meta.started.getTime() / 1000, meta.finished.getTime() / 1000, meta.worker, JSON.stringify(meta.versions)],
    );
  }

  async experiments(): Promise<ExperimentRow[]> {
    const rows = await this.rows<Omit<ExperimentRow, 'spec' | 'design' | 'versions'> & { spec: string; design: string; versions: string }>(
      `SELECT e.*, strftime(created, '%Y-%m-%d %H:%M:%S') AS created, strftime(updated, '%Y-%m-%d %H:%M:%S') AS updated,
         count(r.run_id) FILTER (WHERE r.status = 'done')::INTEGER AS done, count(r.run_id) FILTER (WHERE r.status = 'failed')::INTEGER AS failed,
         count(r.run_id)::INTEGER AS total
       FROM experiments e LEFT JOIN runs r ON r.experiment = e.name GROUP BY ALL ORDER BY e.name`,
    );
    return rows.map((r) => ({ ...r, spec: JSON.parse(r.spec) as unknown, design: JSON.parse(r.design) as unknown, versions: JSON.parse(r.versions) as Record<string, string> }));
  }

  async experiment(name: string): Promise<ExperimentRow> {
    const e = (await this.experiments()).find((x) => x.name === name);
    if (!e) {
      const have = (await this.experiments()).map((x) => x.name);
      throw new Error(`no experiment "${name}" in ${this.path} (${have.length ? `have: ${have.join(', ')}` : 'it holds none yet'})`);
    }
    return e;
  }

  async runs(experiment: string): Promise<RunRow[]> {
    const rows = await this.rows<Omit<RunRow, 'params'> & { params: string }>(
      `SELECT run_id, point, arm, replicate, seed, params, status, error, seconds, state_hash, worker FROM runs WHERE experiment = $1 ORDER BY point, replicate, arm`,
      [experiment],
    );
    return rows.map((r) => ({ ...r, params: JSON.parse(r.params) as RunRow['params'] }));
  }

  /** The resolved scenario (JSON) a run was planned with. */
  async scenarioOf(runId: string): Promise<string> {
    const r = await this.rows<{ scenario: string }>('SELECT scenario FROM runs WHERE run_id = $1', [runId]);
    if (!r.length) throw new Error(`no run ${runId} in ${this.path}`);
    return r[0]!.scenario;
  }

  /** End-of-run values of finished runs, one row per run and metric. */
  async summaries(experiment: string, metrics?: readonly string[]): Promise<{ run_id: string; point: number; arm: string; replicate: number; metric: string; value: number }[]> {
    const only = metrics ?? [];
    const filter = only.length ? `AND s.metric IN (${only.map((_, k) => `$${k + 2}`).join(', ')})` : '';
    return this.rows(
      `SELECT r.run_id, r.point, r.arm, r.replicate, s.metric, s.value FROM runs r JOIN summaries s USING (run_id)
       WHERE r.experiment = $1 AND r.status = 'done' ${filter} ORDER BY r.point, r.replicate, r.arm, s.metric`,
      [experiment, ...only],
    );
  }

  /** Daily values of finished runs, in a fixed order (run, metric, day). */
  async series(experiment: string, metrics: readonly string[]): Promise<{ run_id: string; metric: string; day: number; value: number }[]> {
    if (!metrics.length) return [];
    return this.rows(
      `SELECT s.run_id, s.metric, s.day, s.value FROM runs r JOIN series s USING (run_id)
       WHERE r.experiment = $1 AND r.status = 'done' AND s.metric IN (${metrics.map((_, k) => `$${k + 2}`).join(', ')})
       ORDER BY s.run_id, s.metric, s.day`,
      [experiment, ...metrics],
    );
  }

  /**
   * Per day, the mean, sample standard deviation and count over finished runs of each arm (and point,
   * `byPoint`); a `cumulative` metric is summed from day 0 in each run first.
   */
  async seriesStats(
    experiment: string,
    metrics: readonly string[],
    o: { byPoint: boolean; cumulative?: readonly string[] },
  ): Promise<{ metric: string; arm: string; point: number; day: number; mean: number; sd: number | null; n: number }[]> {
    if (!metrics.length) return [];
    const cumulative = o.cumulative ?? [];
    const running = cumulative.length ? `s.metric IN (${cumulative.map((_, k) => `$${metrics.length + k + 2}`).join(', ')})` : 'false';
    return this.rows(
      `WITH v AS (
         SELECT s.run_id, s.metric, s.day,
           CASE WHEN ${running} THEN sum(s.value) OVER (PARTITION BY s.run_id, s.metric ORDER BY s.day) ELSE s.value END AS value
         FROM runs r JOIN series s USING (run_id)
         WHERE r.experiment = $1 AND r.status = 'done' AND s.metric IN (${metrics.map((_, k) => `$${k + 2}`).join(', ')}))
       SELECT v.metric, r.arm, ${o.byPoint ? 'r.point' : '-1 AS point'}, v.day, avg(v.value) AS mean, stddev_samp(v.value) AS sd, count(*)::INTEGER AS n
       FROM runs r JOIN v USING (run_id)
       GROUP BY ALL ORDER BY v.metric, r.arm, point, v.day`,
      [experiment, ...metrics, ...cumulative],
    );
  }

  /** Writes the experiment's runs, summaries and series as Parquet or CSV files into `dir`; returns their paths. */
  async export(experiment: string, dir: string, format: 'parquet' | 'csv'): Promise<string[]> {
    // Only a stored experiment's name (checked against the name rules when it was stored) becomes a file name.
    await this.experiment(experiment);
    mkdirSync(dir, { recursive: true });
    const opts = format === 'parquet' ? `(FORMAT parquet, COMPRESSION zstd)` : `(FORMAT csv, HEADER true)`;
    const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
    const queries: [string, string][] = [
      ['runs', `SELECT * EXCLUDE (scenario) FROM runs WHERE experiment = ${lit(experiment)} ORDER BY point, replicate, arm`],
      ['summaries', `SELECT r.point, r.arm, r.replicate, r.seed, s.* FROM runs r JOIN summaries s USING (run_id) WHERE r.experiment = ${lit(experiment)} AND r.status = 'done' ORDER BY r.point, r.replicate, r.arm, s.metric`],
      ['series', `SELECT r.point, r.arm, r.replicate, s.* FROM runs r JOIN series s USING (run_id) WHERE r.experiment = ${lit(experiment)} AND r.status = 'done' ORDER BY r.point, r.replicate, r.arm, s.metric, s.day`],
    ];
    const out: string[] = [];
    for (const [table, q] of queries) {
      const file = `${dir}/${experiment}-${table}.${format}`;
      // Written beside the target and renamed, so an interrupted export never leaves a file that looks whole.
      const tmp = `${dir}/.${experiment}-${table}.${process.pid}.tmp`;
      await this.c.run(`COPY (${q}) TO ${lit(tmp)} ${opts}`);
      renameSync(tmp, file);
      out.push(file);
    }
    return out;
  }
}
