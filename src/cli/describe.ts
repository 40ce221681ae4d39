import type { z } from 'zod';
import { ALL_PHASES, type ModuleDef } from '../core/engine/module.ts';
import type { Registry } from '../core/engine/world.ts';
import { layerSchema } from '../scenario/layers.ts';
import type { Scenario } from '../scenario/schema.ts';

/**
 * The model in plain words, in the order of the ODD protocol's overview (Grimm et al. 2020):
 * purpose, entities and state variables, process overview and scheduling, then initialisation,
 * submodels with every parameter, and what is observed.
 */
export function describeScenario(s: Scenario, registry: Registry): string {
  const uses = s.modules.map((m) => {
    const def = registry[m.module]!;
    return { id: m.id ?? m.module, def, params: m.params as Record<string, unknown>, decl: def.declare(m.params) };
  });
  const out: string[] = [];
  const h = (t: string): void => void out.push('', t, '-'.repeat(t.length));

  out.push(`${s.title ?? s.name} (${s.name})`);
  h('1. Purpose and patterns');
  if (s.description) out.push(wrap(s.description.trim()));
  for (const src of s.sources) out.push(`Source: ${typeof src === 'string' ? src : [src.title, src.url, src.note].filter(Boolean).join(', ')}`);

  h('2. Entities, state variables and scales');
  out.push(`${s.agents} agents, one step per day, ${s.days} days, seed ${s.seed}.`);
  out.push('Network layers:');
  for (const [name, spec] of Object.entries(s.layers)) {
    const { generator, ...rest } = spec;
    const option = layerSchema.options.find((o) => o.shape.generator.value === generator);
    out.push(`  ${name}: ${option?.description ?? generator} (${fmtObject(rest)})`);
  }
  out.push('Agent state (columns; * = ground truth the system cannot see):');
  for (const u of uses) for (const c of u.decl.columns ?? []) out.push(`  ${c.name}${c.truth ? '*' : ''} [${c.type}, ${u.id}]: ${c.description}`);

  h('3. Process overview and scheduling');
  out.push('Each day runs these phases in order; within a phase all agents are processed in parallel,');
  out.push('and modules act in the order listed.');
  for (const phase of ALL_PHASES) {
    const doers = uses.filter((u) => u.decl.phases[phase]);
    if (!doers.length) continue;
    out.push(`  ${phase}${phase === 'setup' ? ' (once, before day 0)' : ''}:`);
    for (const u of doers) out.push(`    ${u.id}: ${u.decl.phases[phase]}`);
  }

  h('4. Submodels and parameters (value; default)');
  for (const u of uses) {
    out.push(`  ${u.id} (${u.def.title}): ${u.def.summary}`);
    for (const line of paramLines(u.def, u.params)) out.push(`    ${line}`);
  }

  h('5. Observation (metrics per day)');
  for (const u of uses) for (const m of u.decl.metrics ?? []) out.push(`  ${m.name} [${m.kind}, ${u.id}]: ${m.description}`);
  if (s.output.metrics) out.push(`Reported: ${s.output.metrics.join(', ')}`);
  if (s.output.stateHash.length) out.push(`State fingerprint (FNV-1a) over: ${s.output.stateHash.join(', ')}`);
  out.push('Audit: figures from ground truth at the end of the run, where the modules they need are present (docs/audit.md).');
  const cf = s.audit.counterfactual;
  if (cf) {
    out.push(`Counterfactual, run under the same seed for paired effects (chilling, deterrence): ${cf.description}, with`);
    for (const [path, value] of Object.entries(cf.set)) out.push(`  ${path} = ${fmt(value)}`);
  }
  return out.join('\n') + '\n';
}

function paramLines(def: ModuleDef, params: Record<string, unknown>): string[] {
  const defaults = def.params.parse({}) as Record<string, unknown>;
  const shape = (def.params as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.keys(params).map((k) => {
    const v = fmt(params[k]);
    const d = fmt(defaults[k]);
    const text = shape[k]?.description ?? '';
    return `${k} = ${v}${v === d ? ' (default)' : `; default ${d}`}${text ? `: ${text}` : ''}`;
  });
}

function fmt(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(fmt).join(', ')}]`;
  if (v && typeof v === 'object') return `{${fmtObject(v as Record<string, unknown>)}}`;
  return String(v);
}

function fmtObject(o: Record<string, unknown>): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}: ${fmt(v)}`)
    .join(', ');
}

function wrap(text: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

