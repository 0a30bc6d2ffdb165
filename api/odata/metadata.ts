import { type EntitySet, entitySets, type Property } from './entity-sets.js';

export const NAMESPACE = 'Monthend';

const xml = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function property(p: Property): string {
  const facets = p.type === 'Edm.Decimal' ? ` Precision="${p.precision ?? 20}" Scale="${p.scale ?? 4}"` : '';
  return `<Property Name="${xml(p.name)}" Type="${p.type}" Nullable="${p.nullable}"${facets}/>`;
}

function entityType(set: EntitySet): string {
  return [
    `      <EntityType Name="${xml(set.entityType)}">`,
    `        <Key>${set.key.map((name) => `<PropertyRef Name="${xml(name)}"/>`).join('')}</Key>`,
    ...set.properties.map((p) => `        ${property(p)}`),
    '      </EntityType>',
  ].join('\n');
}

/** The CSDL XML document Power Query and Power BI read to learn the sets and their column types. */
export function metadataDocument(): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:DataServices>',
    `    <Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
    ...entitySets.map(entityType),
    '      <EntityContainer Name="Container">',
    ...entitySets.map(
      (set) =>
        `        <EntitySet Name="${xml(set.name)}" EntityType="${NAMESPACE}.${xml(set.entityType)}"/>`,
    ),
    '      </EntityContainer>',
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}
