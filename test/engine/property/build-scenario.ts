import { addDays } from '../../../billing/index.js';
import type { Choices } from './arbitraries.js';
import { type RuleSpec, type Scenario, SERVICES, type SkuSpec, SLOTS } from './catalog.js';
import { addLateEntries } from './late-entries.js';
import { LogBuilder, pick } from './log.js';
import { buildMainTimeline } from './main-timeline.js';
import { World } from './world.js';

/** Turns fast-check's choices into a scenario: catalogue, rules and a change log valid by construction. */
export function buildScenario(choices: Choices): Scenario {
  const skus: SkuSpec[] = [
    ...choices.recurring.map((s, i) => ({
      code: `R${i}`,
      vendor: s.vendor,
      price: s.price,
      model: 'recurring' as const,
      proration: s.full ? ('full' as const) : ('daily' as const),
      ...s.pricing,
    })),
    ...choices.usage.map((s, i) => ({
      code: `U${i}`,
      vendor: s.vendor,
      price: s.price,
      model: 'usage' as const,
      proration: 'daily' as const,
      ...s.pricing,
    })),
  ];
  // Each (kind, service, product) slot maps to a SKU of its model, or stays unmapped.
  const mappings: Scenario['mappings'] = [];
  SLOTS.forEach((slot, i) => {
    const choice = choices.mapping[i] ?? -1;
    const sku =
      choice < 0
        ? undefined
        : pick(
            skus.filter((s) => (s.model === 'usage') === (slot.kind === 'usage')),
            choice,
          );
    if (sku) mappings.push({ ...slot, skuCode: sku.code });
  });

  const log = new LogBuilder();
  buildMainTimeline(choices, log);
  addLateEntries(choices, log);
  // Sanity: the whole log replays in time order (throws on a generator bug).
  World.replay(log.entries);

  const rules: RuleSpec[] = choices.rules.map((r) => {
    const from = r.from === null ? null : addDays('2026-01-01', r.from);
    const to = r.length === null ? null : addDays(from ?? '2026-01-01', r.length);
    const spec: RuleSpec = {
      beforePeriod: r.beforePeriod,
      from,
      to,
      customer: r.customer,
      customerPattern: r.customerPattern,
      customerTag: r.customerTag,
      userPattern: r.userPattern,
      skuCode: r.sku === null ? null : (pick(skus, r.sku)?.code ?? null),
      vendor: r.vendor,
      service: r.service,
      elementKind: r.elementKind,
    };
    const { beforePeriod: _b, from: _f, to: _t, ...criteria } = spec;
    // A rule needs a criterion.
    if (Object.values(criteria).every((c) => c === null)) {
      spec.service = pick(SERVICES, r.beforePeriod + (r.from ?? 0) + 100) as string;
    }
    return spec;
  });

  return {
    skus,
    discounts: choices.discounts,
    mappings,
    entries: log.entries,
    rules,
    approve: choices.approve,
    janAfterFeb: !choices.approve[0] && choices.approve[1] && choices.janAfterFeb,
    chunks: choices.chunks,
    reverse: choices.reverse,
  };
}

/** A compact, readable listing of a scenario, for counterexamples. */
export function describeScenario(s: Scenario): string {
  const sku = (k: SkuSpec) =>
    `${k.code}(${k.model},${k.proration},${k.price},${k.vendor},${k.scheme}${k.tiers.map((t) => ` ${t.fromQuantity}:${t.unitPrice}`).join('')})`;
  const lines = [
    `skus: ${s.skus.map(sku).join(' ')}`,
    `discounts: ${s.discounts.map((d) => `${d.vendor}>=${d.minServices}:${d.percent}%`).join(' ')}`,
    `mappings: ${s.mappings.map((m) => `${m.kind}/${m.service}/${m.product ?? '*'}->${m.skuCode}`).join(' ')}`,
    `rules: ${JSON.stringify(s.rules)}`,
    `approve: Jan=${s.approve[0]} Feb=${s.approve[1]} Jan after Feb=${s.janAfterFeb}; chunks=${s.chunks} reverse=${s.reverse}`,
    'entries (slot | utc instant | entry):',
    ...[...s.entries]
      .sort((a, b) => a.seq - b.seq || a.at - b.at)
      .map(({ seq, at, entry }) => {
        const { key, actor: _actor, ...rest } = entry;
        return `  ${seq} | ${new Date(at).toISOString()} | ${key} ${JSON.stringify(rest)}`;
      }),
  ];
  return lines.join('\n');
}
