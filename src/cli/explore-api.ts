import { existsSync } from 'node:fs';
import type { Design } from '../experiment/design.ts';
import { reportData } from '../experiment/report-data.ts';
import type { ReportData } from '../experiment/report-html.ts';
import type { Experiment } from '../experiment/schema.ts';
import { MODULES } from '../modules/index.ts';
import { Store, type ExperimentRow } from '../store/store.ts';
import { builtins } from './library.ts';

/**
 * The explorer's read-only view of the result store, as JSON under /api/. Each request opens the
 * store read-only and closes it before answering, so the explorer never holds the file while a
 * sweep wants to write it; a store held by a running sweep is answered with 503 and says so.
 */

/** One experiment in the list. */
export interface ExperimentListing {
  id: string;
  name: string;
  title: string | null;
  file: string;
  created: string;
  updated: string;
  scenario: string;
  runs: { done: number; failed: number; total: number };
  arms: string[];
  points: number;
  replicates: number;
}

export interface ExperimentList {
  store: string;
  experiments: ExperimentListing[];
  /** Why the list is empty, and how to fill it. */
  message?: string;
}

/** What the results view shows of one experiment: its description and the report's figures. */
export interface ExperimentResults extends ExperimentListing {
  description?: string;
  arms: string[];
  armDescriptions: Record<string, string>;
  design: ReportData['design'];
  command: string;
  /** The experiment file as it was swept. */
  text: string;
  summaries: ReportData['summaries'];
  effects: ReportData['effects'];
  series: ReportData['series'];
  /** Per output, each varied parameter's effect (main effects, Morris or Sobol indices); empty without `vary`. */
  sensitivity: ReportData['sensitivity'];
  /** Why there are no figures yet, when there are none. */
  message?: string;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

const error = (status: number, message: string): ApiAnswer => ({ status, body: { error: message } });

/** How to make a store, for an empty list or a missing file. */
const howToFill = (store: string): string => `run an experiment with \`sclab sweep EXPERIMENT.yaml --store ${store}\` (examples in examples/experiments/) and reload`;

function listing(e: ExperimentRow): ExperimentListing {
  const spec = e.spec as Experiment;
  const design = e.design as Design | null;
  return {
    id: e.name,
    name: e.name,
    title: e.title,
    file: e.file,
    created: e.created,
    updated: e.updated,
    scenario: spec.scenario,
    runs: { done: e.done, failed: e.failed, total: e.total },
    arms: spec.arms.map((a) => a.name),
    points: design?.points.length ?? 1,
    replicates: spec.replicates,
  };
}

async function results(store: Store, e: ExperimentRow): Promise<ExperimentResults> {
  const spec = e.spec as Experiment;
  const base = {
    ...listing(e),
    ...(spec.description === undefined ? {} : { description: spec.description }),
    armDescriptions: Object.fromEntries(spec.arms.flatMap((a) => (a.description ? [[a.name, a.description]] : []))),
    command: e.command,
    text: e.text,
  };
  if (!e.done) {
    const design = { method: (e.design as Design | null)?.method ?? 'single point', parameters: (e.design as Design | null)?.parameters.map((p) => p.path) ?? [], points: base.points, replicates: spec.replicates, arms: base.arms, runs: base.runs };
    return { ...base, design, summaries: [], effects: [], series: [], sensitivity: [], message: `no finished runs yet: run \`sclab sweep ${e.file}\`` };
  }
  const r = await reportData(store, e.name, builtins, MODULES);
  return { ...base, design: r.design, summaries: r.summaries, effects: r.effects, series: r.series, sensitivity: r.sensitivity };
}

/** Answers a GET under /api/ (`path` is the decoded path) from the store at `storePath`. */
export async function answerApi(path: string, storePath: string): Promise<ApiAnswer> {
  const route = /^\/api\/experiments(?:\/([^/]+))?\/?$/.exec(path);
  if (!route) return error(404, `no such API address: ${path} (have /api/experiments and /api/experiments/ID)`);
  const id = route[1];
  if (!existsSync(storePath)) {
    if (id !== undefined) return error(404, `no result store at ${storePath}: ${howToFill(storePath)}`);
    const list: ExperimentList = { store: storePath, experiments: [], message: `no result store at ${storePath} yet: ${howToFill(storePath)}` };
    return { status: 200, body: list };
  }
  let store: Store;
  try {
    store = await Store.open(storePath, { readOnly: true });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return error(/in use/.test(message) ? 503 : 500, message);
  }
  try {
    const all = await store.experiments();
    if (id === undefined) {
      const list: ExperimentList = { store: storePath, experiments: all.map(listing), ...(all.length ? {} : { message: `the result store ${storePath} holds no experiments: ${howToFill(storePath)}` }) };
      return { status: 200, body: list };
    }
    const e = all.find((x) => x.name === id);
    if (!e) return error(404, `no experiment "${id}" in ${storePath}${all.length ? ` (have: ${all.map((x) => x.name).join(', ')})` : ''}`);
    return { status: 200, body: await results(store, e) };
  } catch (e) {
    return error(500, e instanceof Error ? e.message : String(e));
  } finally {
    store.close();
  }
}

/**
 * answerApi, one request at a time: two DuckDB instances of one file in one process would share
 * its locks, and closing one could drop the other's.
 */
export function storeApi(storePath: string): (path: string) => Promise<ApiAnswer> {
  let last: Promise<unknown> = Promise.resolve();
  return (path) => {
    const next = last.then(() => answerApi(path, storePath));
    last = next.catch(() => undefined);
    return next;
  };
}
