import type { Catalog, ElementKind, Sku } from './inputs.js';

/** The SKU an element or usage entry bills under: the mapping naming its product wins over the service's catch-all. */
export function skuResolver(
  catalog: Catalog,
): (kind: ElementKind, service: string, product: string) => Sku | null {
  const exact = new Map<string, string>();
  const catchAll = new Map<string, string>();
  for (const mapping of catalog.mappings) {
    if (mapping.product === null) catchAll.set(`${mapping.kind}\u0000${mapping.service}`, mapping.skuCode);
    else exact.set(`${mapping.kind}\u0000${mapping.service}\u0000${mapping.product}`, mapping.skuCode);
  }
  const resolved = new Map<string, Sku | null>();
  return (kind, service, product) => {
    const key = `${kind}\u0000${service}\u0000${product}`;
    let sku = resolved.get(key);
    if (sku === undefined) {
      const code = exact.get(key) ?? catchAll.get(`${kind}\u0000${service}`);
      sku = (code === undefined ? undefined : catalog.skus.get(code)) ?? null;
      resolved.set(key, sku);
    }
    return sku;
  };
}

/** Usage-priced: a usage entry, or any item of a SKU billed on usage. One unit is one unit used. */
export function pricedAsUsage(kind: ElementKind, sku: Sku): boolean {
  return kind === 'usage' || sku.billingModel === 'usage';
}
