import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { threshold } from '../core/rng/threshold.ts';
import { column, probability, stream } from './params.ts';

/**
 * The records themselves are at risk. A breach (one event for the whole population on the day it
 * happens) exposes a share of the records; a leaked record stays leaked, and its owner runs a
 * daily risk of fraud from then on. Insiders with write access tamper with single records: some
 * deduct points out of malice, some sell improvements. The system books both as if they were real.
 */
export const dataBreach = defineModule({
  name: 'data-breach',
  title: 'Data breaches and record tampering',
  summary: 'Breaches expose records to fraud; insiders deduct points maliciously or sell improvements, booked as if real.',
  params: z.strictObject({
    rate: probability(0.001, 'Daily probability of a breach (illustrative; the 2022 Shanghai police leak is one [S142])'),
    share: probability(0.1, 'Share of the records a breach exposes (illustrative; the Shanghai leak held ~1 bn residents\' records [S142])'),
    fraud: z
      .strictObject({
        rate: probability(0.001, 'Daily probability that an agent whose record was exposed is defrauded (illustrative)'),
        amount: z.number().int().min(0).default(500).describe('Yuan taken by one fraud (illustrative)'),
      })
      .prefault({})
      .describe('Fraud against agents whose records were exposed'),
    tamper: z
      .strictObject({
        rate: probability(0.0001, 'Daily probability that an insider tampers with an agent\'s record (illustrative)'),
        malicious: probability(0.5, 'Share of tamperings that are malicious deductions; the rest are sold improvements (illustrative)'),
        deduction: z.number().int().min(0).default(100).describe('Points a malicious tampering deducts (illustrative)'),
        improvement: z.number().int().min(0).default(100).describe('Points a sold improvement adds (illustrative)'),
      })
      .prefault({})
      .describe('Insiders changing records'),
    expensesColumn: z.string().optional().describe('Accumulator (economy\'s `expenses`, i32) that fraud losses are added to, taken from savings (beyond them, owed) at the end of the day; unset: the loss is only recorded'),
    pendingColumn: column('pending', 'Ledger accumulator tampered points go to'),
    column: column('exposed', 'Column marking agents whose record has ever been exposed'),
    fraudColumn: column('fraudLoss', 'Column with the yuan each agent has lost to fraud'),
    tamperedColumn: column('tamperedPoints', 'Column with the net points insiders have changed on each record'),
    stream: stream(42, 'Stream of breaches (block (0, day, stream, 0), one for all) and of each agent\'s draws (block 1)'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u8', truth: true, description: 'record exposed by a breach, ever (ground truth)' },
      { name: p.fraudColumn, type: 'f32', truth: true, description: 'yuan lost to fraud after a breach, so far (ground truth)' },
      { name: p.tamperedColumn, type: 'i32', truth: true, description: 'net points changed on the record by insiders, so far (ground truth)' },
    ],
    uses: [{ name: p.pendingColumn, type: 'i32' }, ...(p.expensesColumn ? [{ name: p.expensesColumn, type: 'i32' as const }] : [])],
    streams: [p.stream],
    metrics: [
      { name: 'breaches', kind: 'counter', description: 'breaches' },
      { name: 'recordsExposed', kind: 'counter', description: 'records exposed by breaches (again if already exposed)' },
      { name: 'agentsExposed', kind: 'gauge', description: 'agents whose record has ever been exposed' },
      { name: 'frauds', kind: 'counter', description: 'frauds against agents whose records were exposed' },
      { name: 'fraudLosses', kind: 'counter', description: 'yuan lost to fraud (rounded per fraud)' },
      { name: 'tamperedRecords', kind: 'counter', description: 'records tampered with by insiders' },
      { name: 'maliciousTamperings', kind: 'counter', description: 'tamperings that deducted points' },
      { name: 'pointsTampered', kind: 'counter', description: 'points changed by insiders, deductions and improvements alike' },
    ],
    phases: { interact: 'a breach may expose records; exposed agents may be defrauded; insiders tamper with records' },
  }),
  bind(p, w) {
    const exposed = w.column(p.column, 'u8');
    const lost = w.column(p.fraudColumn, 'f32');
    const tampered = w.column(p.tamperedColumn, 'i32');
    const pending = w.column(p.pendingColumn, 'i32');
    const expenses = p.expensesColumn ? w.column(p.expensesColumn, 'i32') : undefined;
    const [breachT, shareT, fraudT, tamperT, maliciousT] = [p.rate, p.share, p.fraud.rate, p.tamper.rate, p.tamper.malicious].map(threshold) as [number, number, number, number, number];
    const { amount } = p.fraud;
    const { deduction, improvement } = p.tamper;
    const names = ['breaches', 'recordsExposed', 'agentsExposed', 'frauds', 'fraudLosses', 'tamperedRecords', 'maliciousTamperings', 'pointsTampered'];
    const [sBreach, sRecords, sAgents, sFrauds, sLosses, sTampered, sMalicious, sPoints] = names.map((m) => w.metric(m)) as [number, number, number, number, number, number, number, number];
    const u = new Uint32Array(4);
    return {
      interact(lo, hi, step, t) {
        // Every call draws the same word, so every thread agrees on whether today has a breach.
        const breach = t.rng.word0(0, step, p.stream, 0) < breachT;
        const anyDraw = breach || tamperT > 0;
        let records = 0, agents = 0, frauds = 0, losses = 0, nTampered = 0, malicious = 0, points = 0;
        for (let i = lo; i < hi; i++) {
          if (anyDraw || exposed[i]) {
            t.rng.block(i, step, p.stream, 1, u);
            if (breach && u[0]! < shareT) {
              exposed[i] = 1;
              records++;
            }
            if (exposed[i] && u[1]! < fraudT) {
              if (expenses) Atomics.add(expenses, i, amount);
              lost[i]! += amount;
              frauds++;
              losses += amount;
            }
            if (u[2]! < tamperT) {
              const bad = u[3]! < maliciousT;
              const change = bad ? -deduction : improvement;
              if (bad) malicious++;
              if (change) Atomics.add(pending, i, change);
              tampered[i]! += change;
              nTampered++;
              points += Math.abs(change);
            }
          }
          agents += exposed[i]!;
        }
        const m = t.m;
        // Counted by the one call that holds agent 0, so once a day whatever the threads.
        if (breach && lo === 0) m[sBreach]! += 1;
        m[sRecords]! += records;
        m[sAgents]! += agents;
        m[sFrauds]! += frauds;
        m[sLosses]! += losses;
        m[sTampered]! += nTampered;
        m[sMalicious]! += malicious;
        m[sPoints]! += points;
      },
    };
  },
});
