/**
 * Tenants this process could not serve at run time (a close schedule it could not create, say),
 * kept so `/health` can name them: one tenant's fault degrades that tenant, never the product.
 */
const faults = new Map<string, { reason: string; at: string }>();

export function recordTenantFault(tenantId: string, reason: string): void {
  faults.set(tenantId, { reason, at: new Date().toISOString() });
  console.error(`tenant '${tenantId}' is degraded: ${reason}`);
}

export function clearTenantFault(tenantId: string): void {
  faults.delete(tenantId);
}

export function tenantFaults(): { tenantId: string; reason: string; at: string }[] {
  return [...faults].map(([tenantId, fault]) => ({ tenantId, ...fault }));
}
