import { Counter, Histogram, Registry, type Metric } from 'prom-client';
import { CounterCells, HistogramCells } from './metric-cells.collector.js';

const BUCKETS = [0.001, 0.01, 0.1];

/** The same observations through prom-client's own classes and through cells must render the same text. */
describe('metric cells', () => {
  it('render a histogram exactly like prom-client, bucket edges (value <= le) and +Inf included', async () => {
    const reference = new Registry();
    const histogram = new Histogram({ name: 'h_seconds', help: 'help', labelNames: ['result'], buckets: BUCKETS, registers: [reference] });
    const cells = new HistogramCells('h_seconds', 'help', BUCKETS);
    const mine = new Registry();
    mine.registerMetric(cells as unknown as Metric);
    const observations: Array<[string, number]> = [['valid', 0.0005], ['valid', 0.001], ['valid', 0.05], ['refused', 0.1], ['refused', 3]];
    for (const [result, value] of observations) {
      histogram.observe({ result }, value);
      cells.cell({ result }).observe(value);
    }
    expect(await mine.metrics()).toBe(await reference.metrics());
  });

  it('render a counter like prom-client, with series bound before their first event at zero', async () => {
    const reference = new Registry();
    const counter = new Counter({ name: 'c_total', help: 'help', labelNames: ['code'], registers: [reference] });
    counter.inc({ code: 'unused' }, 0);
    counter.inc({ code: 'valid' }, 3);
    const cells = new CounterCells('c_total', 'help');
    const mine = new Registry();
    mine.registerMetric(cells as unknown as Metric);
    cells.cell({ code: 'unused' });
    const valid = cells.cell({ code: 'valid' });
    valid.inc();
    valid.inc();
    cells.cell({ code: 'valid' }).inc();
    expect(await mine.metrics()).toBe(await reference.metrics());
  });

  it('reset to zero with the registry, keeping the bound cells usable', async () => {
    const cells = new CounterCells('c_total', 'help');
    const registry = new Registry();
    registry.registerMetric(cells as unknown as Metric);
    const cell = cells.cell({ code: 'valid' });
    cell.inc();
    registry.resetMetrics();
    cell.inc();
    expect(await registry.metrics()).toContain('c_total{code="valid"} 1');
  });
});
