import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Metrics } from '../../src/metrics';
import { openSqliteStore } from '../../src/store/sqlite-store';

/**
 * docs/prometheus-rules.yml (issue #16) names only metrics and labels the bot exports, so a renamed
 * metric cannot leave an example rule that never fires.
 */
it('the example alerting rules name only metrics and labels /metrics has', async () => {
  const doc = parse(
    readFileSync(join(__dirname, '..', '..', 'docs', 'prometheus-rules.yml'), 'utf8'),
  ) as { groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[] };
  const store = await openSqliteStore(':memory:');
  const { registry } = new Metrics(store, () => new Date());
  const labelsOf = (name: string): string[] | undefined =>
    (registry.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined)
      ?.labelNames;
  const rules = doc.groups.flatMap((g) => g.rules);
  expect(rules.length).toBeGreaterThan(5);
  const used: string[] = [];
  for (const rule of rules) {
    expect(['warning', 'critical']).toContain(rule.labels.severity);
    for (const [, name, selector] of rule.expr.matchAll(/(fedtrust_\w+)(\{[^}]*\})?/g)) {
      used.push(name!);
      expect({ rule: rule.alert, metric: name, exported: labelsOf(name!) !== undefined }).toEqual({
        rule: rule.alert,
        metric: name,
        exported: true,
      });
      for (const [, label] of (selector ?? '').matchAll(/(\w+)\s*=/g))
        expect({ rule: rule.alert, label, known: labelsOf(name!)!.includes(label!) }).toEqual({
          rule: rule.alert,
          label,
          known: true,
        });
    }
  }
  expect(new Set(used).size).toBeGreaterThanOrEqual(6);
  await store.close();
});
