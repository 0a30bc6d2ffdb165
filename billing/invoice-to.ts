/**
 * Who pays for a customer's items. `direct` customers are invoiced themselves; a `via` customer is
 * invoiced through its parent when the parent bills `aggregate`, or itself (on the parent's behalf)
 * when the parent bills `on_behalf`.
 */

export type CustomerNode = {
  id: number;
  parentId: number | null;
  relationship: 'direct' | 'via';
  resellerBilling: 'aggregate' | 'on_behalf';
};

function nodeOf(customerId: number, nodesById: ReadonlyMap<number, CustomerNode>): CustomerNode {
  const node = nodesById.get(customerId);
  if (!node) throw new RangeError(`unknown customer ${customerId}`);
  return node;
}

function cycleError(path: number[], repeated: number): RangeError {
  return new RangeError(`customer tree has a cycle: ${[...path, repeated].join(' -> ')}`);
}

/** invoice_to(c) = c when direct; when c is via p: invoice_to(p) if p aggregates, else c. */
export function invoiceTo(customerId: number, nodesById: ReadonlyMap<number, CustomerNode>): number {
  const path: number[] = [];
  let current = nodeOf(customerId, nodesById);
  while (true) {
    if (path.includes(current.id)) throw cycleError(path, current.id);
    path.push(current.id);
    if (current.relationship === 'direct') return current.id;
    if (current.parentId === null) {
      throw new RangeError(`customer ${current.id} is billed via a parent but has none`);
    }
    const parent = nodeOf(current.parentId, nodesById);
    if (parent.resellerBilling === 'on_behalf') return current.id;
    current = parent;
  }
}

/** Every reseller above the customer, nearest first: the roll-ups its items count towards. */
export function ancestors(customerId: number, nodesById: ReadonlyMap<number, CustomerNode>): number[] {
  const path = [customerId];
  let current = nodeOf(customerId, nodesById);
  while (current.parentId !== null) {
    if (path.includes(current.parentId)) throw cycleError(path, current.parentId);
    path.push(current.parentId);
    current = nodeOf(current.parentId, nodesById);
  }
  return path.slice(1);
}

export type BillingTreeNode = { id: number; invoiceToId: number; depth: number; ancestorIds: number[] };

/**
 * The whole tree's payers and roll-up paths, for a period's snapshot. A customer whose chain does
 * not reach a root (a cycle, a missing parent, a `via` root: all refused at ingestion) is left out,
 * since nobody can be said to pay for it.
 */
export function billingTree(nodes: readonly CustomerNode[]): BillingTreeNode[] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  return nodes.flatMap((node) => {
    try {
      const path = ancestors(node.id, byId);
      return [{ id: node.id, invoiceToId: invoiceTo(node.id, byId), depth: path.length, ancestorIds: path }];
    } catch (error) {
      if (error instanceof RangeError) return [];
      throw error;
    }
  });
}
