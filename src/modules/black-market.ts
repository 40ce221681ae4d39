import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { threshold } from '../core/rng/threshold.ts';
import { column, points, probability, stream } from './params.ts';

/**
 * A market in points: agents with a low score pay a broker to have deductions deleted, as paid
 * deletion of bad reviews and traffic-point transfers are sold. Some purchases are found out; then
 * the points are confiscated and a penalty is booked on top, but the money is gone. Only undetected
 * purchases are ground truth the system never sees.
 */
export const blackMarket = defineModule({
  name: 'black-market',
  title: 'Black market in points',
  summary: 'Agents below a score buy the deletion of deductions for money, if they can pay; a detected purchase is confiscated and penalised.',
  params: z.strictObject({
    below: points(600, 'Agents whose score is below this may buy (illustrative; RM-1\'s listing threshold)'),
    rate: probability(0.01, 'Daily probability that an agent below the threshold buys (illustrative)'),
    points: z.number().int().min(1).default(50).describe('Points of deductions deleted by one purchase (illustrative)'),
    price: z.number().int().min(0).default(200).describe('Price of one purchase in yuan (paid deletion of bad reviews: 100-300 yuan each [S138])'),
    detection: probability(0.1, 'Probability that a purchase is found out (illustrative)'),
    penalty: z.number().int().min(0).default(100).describe('Points deducted for a purchase found out, besides confiscating it (illustrative)'),
    scoreColumn: column('score', 'Column with the score'),
    pendingColumn: column('pending', 'Ledger accumulator the points go to'),
    savingsColumn: column('savings', 'Column with savings (economy) that must cover the price, when present; otherwise the price is only counted'),
    expensesColumn: column('expenses', 'Accumulator (economy\'s) the price is added to, paid from savings at the end of the next day'),
    column: column('boughtPoints', 'Column with the points each agent has bought and kept so far'),
    stream: stream(41, 'Stream of the purchases: word 0 buys, word 1 detects'),
  }),
  declare: (p) => ({
    columns: [{ name: p.column, type: 'i32', truth: true, description: 'points bought on the black market and not found out, so far (ground truth)' }],
    uses: [
      { name: p.scoreColumn, type: 'i32' },
      { name: p.pendingColumn, type: 'i32' },
      { name: p.savingsColumn, type: 'f32', optional: true },
      { name: p.expensesColumn, type: 'i32', optional: true },
    ],
    streams: [p.stream],
    metrics: [
      { name: 'blackMarketPurchases', kind: 'counter', description: 'purchases of points' },
      { name: 'pointsBought', kind: 'counter', description: 'points credited by purchases not found out (ground truth)' },
      { name: 'purchasesDetected', kind: 'counter', description: 'purchases found out, confiscated and penalised' },
      { name: 'moneySpentOnPoints', kind: 'counter', description: 'yuan paid for points, found out or not' },
    ],
    // After update (the ledger has booked today's score, the economy today's savings): points
    // bought today reach the ledger tomorrow.
    phases: { adapt: 'agents below the threshold buy points if they can pay; some purchases are found out' },
  }),
  bind(p, w) {
    const score = w.column(p.scoreColumn, 'i32');
    const pending = w.column(p.pendingColumn, 'i32');
    const savings = w.maybeColumn(p.savingsColumn, 'f32');
    const expenses = savings ? w.maybeColumn(p.expensesColumn, 'i32') : undefined;
    const bought = w.column(p.column, 'i32');
    const [buyT, detectT] = [threshold(p.rate), threshold(p.detection)];
    const { below, price, penalty } = p;
    const pts = p.points;
    const [purchases, credited, detected, money] = ['blackMarketPurchases', 'pointsBought', 'purchasesDetected', 'moneySpentOnPoints'].map((m) => w.metric(m)) as [number, number, number, number];
    const u = new Uint32Array(4);
    return {
      adapt(lo, hi, step, t) {
        let nBuy = 0, nCredited = 0, nDetected = 0;
        for (let i = lo; i < hi; i++) {
          if (score[i]! >= below) continue;
          t.rng.block(i, step, p.stream, 0, u);
          if (u[0]! >= buyT) continue;
          if (savings && savings[i]! < price) continue;
          if (expenses) Atomics.add(expenses, i, price);
          nBuy++;
          if (u[1]! < detectT) {
            nDetected++;
            if (penalty) Atomics.add(pending, i, -penalty);
          } else {
            nCredited += pts;
            bought[i]! += pts;
            Atomics.add(pending, i, pts);
          }
        }
        const m = t.m;
        m[purchases]! += nBuy;
        m[credited]! += nCredited;
        m[detected]! += nDetected;
        m[money]! += nBuy * price;
      },
    };
  },
});
