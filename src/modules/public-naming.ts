import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { CompileError } from '../core/engine/world.ts';
import { addTie, dropTie } from '../core/network/mutate.ts';
import { mulhi, threshold } from '../core/rng/threshold.ts';
import { column, days, layerName, probability, stream } from './params.ts';

/**
 * Public naming: the court blacklist publishes the names of the listed (websites, billboards,
 * cinema screens, a "deadbeat map"), so their contacts learn of it and some drop them, for shame or
 * to protect their own standing. Each agent rewrites only its own row of a slot layer; the news
 * may matter only in the first days after a listing.
 */
export const publicNaming = defineModule({
  name: 'public-naming',
  title: 'Public naming of the listed',
  summary: 'Listed agents are named in public; each day every agent drops each named contact with some probability (optionally only in the first days of the listing), and may form a tie with a random agent instead.',
  params: z.strictObject({
    layer: layerName('contacts', 'Slot layer whose ties to named agents are cut'),
    cut: probability(0.02, 'Daily probability that an agent drops each named contact (illustrative)'),
    window: days(0, 'Contacts react only in the first this many days of a listing, the day of listing being the first (0: for the whole listing)'),
    replace: probability(1, 'Probability of forming a tie with a random agent after dropping one'),
    listedColumn: column('listed', 'Column with the listing status: the listed are the named'),
    daysColumn: column('namedDays', 'Column with the days each agent has been named, kept when window > 0'),
    stream: stream(70, 'Stream the decisions draw from'),
  }),
  declare: (p) => ({
    columns: p.window ? [{ name: p.daysColumn, type: 'u16', description: 'days named in the current listing (0: not listed; stops at 65535)' }] : [],
    uses: [{ name: p.listedColumn, type: 'u8' }],
    layers: [p.layer],
    streams: [p.stream],
    metrics: [
      { name: 'namedAgents', kind: 'gauge', description: 'agents named in public (listed)' },
      { name: 'tiesLostToNaming', kind: 'counter', description: 'ties dropped because the contact was named' },
      { name: 'tiesFormedAfterNaming', kind: 'counter', description: 'ties formed with a random agent in place of a dropped one' },
    ],
    phases: {
      ...(p.window ? { sanction: 'counts the days each listed agent has been named' } : {}),
      adapt: 'drops named contacts and forms replacement ties',
    },
  }),
  bind(p, w) {
    const layer = w.layer(p.layer);
    if (layer.kind !== 'slots') throw new CompileError('a mutable layer of slots (ring-rewire) whose ties agents can drop', `"${p.layer}", a ${layer.kind} layer`);
    const listed = w.column(p.listedColumn, 'u8');
    const named = p.window ? w.column(p.daysColumn, 'u16') : undefined;
    const { capacity, targets, degree } = layer;
    const [cut, replace] = [threshold(p.cut), threshold(p.replace)];
    // Without a window every listed contact is fresh news.
    const window = p.window || 65535;
    const n = w.n;
    const [namedSlot, lostSlot, formedSlot] = ['namedAgents', 'tiesLostToNaming', 'tiesFormedAfterNaming'].map((name) => w.metric(name));
    const count = named && {
      sanction(lo: number, hi: number) {
        for (let i = lo; i < hi; i++) named[i] = listed[i] === 1 ? Math.min(named[i]! + 1, 65535) : 0;
      },
    };
    return {
      ...count,
      adapt(lo, hi, step, t) {
        const words = t.words;
        let nNamed = 0, nLost = 0, nFormed = 0;
        for (let i = lo; i < hi; i++) {
          if (listed[i] === 1) nNamed++;
          const base = i * capacity;
          let found = false;
          for (let s = 0; s < degree[i]! && !found; s++) {
            const j = targets[base + s]!;
            found = listed[j] === 1 && (!named || named[j]! <= window);
          }
          if (!found) continue;
          // Only agents with a named contact draw, each from its own address: (i, day, stream).
          words.at(i, step, p.stream);
          let dropped = 0;
          for (let s = 0; s < degree[i]!; ) {
            const j = targets[base + s]!;
            if (listed[j] === 1 && (!named || named[j]! <= window) && words.next() < cut) {
              dropTie(layer, i, s);
              dropped++;
            } else s++;
          }
          for (let k = 0; k < dropped; k++) {
            const a = words.next();
            const j = mulhi(words.next(), n);
            if (a < replace && j !== i && addTie(layer, i, j)) nFormed++;
          }
          nLost += dropped;
        }
        const m = t.m;
        m[namedSlot!]! += nNamed;
        m[lostSlot!]! += nLost;
        m[formedSlot!]! += nFormed;
      },
    };
  },
});
