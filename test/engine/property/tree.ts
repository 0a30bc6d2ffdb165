/**
 * The customer tree through time in the reference model: each customer's place (parent,
 * relationship, reseller billing mode, tags) from creation and from each `customer.updated` entry,
 * and invoice-to computed from billing.md's definition, independently of billing/invoice-to.ts.
 */

export interface TreeState {
  at: number;
  parent: string | null;
  relationship: 'direct' | 'via';
  resellerBilling: 'aggregate' | 'on_behalf';
  tags: string[];
}

/** The state a customer had just before `before` (a period reads entries before its end instant). */
export function treeAt(history: readonly TreeState[], before: number): TreeState | undefined {
  let found: TreeState | undefined;
  for (const state of history) if (state.at < before && (!found || state.at >= found.at)) found = state;
  return found;
}

/** The tree as it stood just before `before`: every customer with a place then. */
export function treeBefore(
  customers: Iterable<{ ref: string; tree: TreeState[] }>,
  before: number,
): Map<string, TreeState> {
  const tree = new Map<string, TreeState>();
  for (const c of customers) {
    const state = treeAt(c.tree, before);
    if (state) tree.set(c.ref, state);
  }
  return tree;
}

/** Parents up from `ref`, nearest first; throws on a loop (the generator never makes one). */
export function ancestorsIn(tree: ReadonlyMap<string, TreeState>, ref: string): string[] {
  const path: string[] = [];
  for (let p = tree.get(ref)?.parent ?? null; p !== null; p = tree.get(p)?.parent ?? null) {
    if (p === ref || path.includes(p)) throw new Error(`model: loop ${[ref, ...path, p].join(' -> ')}`);
    path.push(p);
  }
  return path;
}

/**
 * billing.md: invoice_to(c) = c when c is direct; when c is via p, invoice_to(p) if p bills
 * aggregate, and c itself if p bills on_behalf.
 */
export function invoiceToIn(tree: ReadonlyMap<string, TreeState>, ref: string): string {
  const state = tree.get(ref);
  if (!state) throw new Error(`model: ${ref} has no place in the tree`);
  if (state.relationship === 'direct') return ref;
  if (state.parent === null) throw new Error(`model: ${ref} is via without a parent`);
  const parent = tree.get(state.parent);
  if (!parent) throw new Error(`model: parent ${state.parent} of ${ref} has no place in the tree`);
  return parent.resellerBilling === 'on_behalf' ? ref : invoiceToIn(tree, state.parent);
}
