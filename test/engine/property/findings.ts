import { BillingDecimal } from '../../../billing/index.js';
import type { ItemRow } from './load.js';
import type { ElementModel } from './world.js';

/** What the invariants report: readable lines naming the item or element at fault. */

export const dec = (value: string | number) => new BillingDecimal(value);
export const sum = (values: string[]) => values.reduce((total, v) => total.plus(v), dec(0));
const MAX_PROBLEMS = 40;

export class Problems {
  readonly lines: string[] = [];
  add(line: string): void {
    if (this.lines.length < MAX_PROBLEMS) this.lines.push(line);
  }
  get empty(): boolean {
    return this.lines.length === 0;
  }
}

export function showItem(i: ItemRow): string {
  return `item{period ${i.period_id}, ${i.kind} ${i.service}/${i.product}, element ${i.element_id ?? '-'}, change ${i.change_id ?? '-'}, ${i.active_from}..${i.active_to} (${i.days_active}d/${i.period_days}), qty ${i.quantity}, ${i.billable ? 'billable' : `rule ${i.rule_id}`}, amount ${i.amount}${i.adjusts_period_id === null ? '' : `, adjusts ${i.adjusts_period_id}`}}`;
}

export function showElement(e: ElementModel): string {
  const end = e.endedAt === null ? 'live' : new Date(e.endedAt).toISOString();
  return `${e.kind} '${e.ref}' of ${e.customer}${e.user ? `/${e.user}` : ''} ${e.service}/${e.product} x${e.quantity} ${new Date(e.startedAt).toISOString()} -> ${end}`;
}

/** Rules whose criteria match an item (dates aside), as billing.md lists them. */
