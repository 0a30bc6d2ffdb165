import type { EntitySet, Navigation, Property } from './model.js';

export const NAMESPACE = 'Monthend';

const xml = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function property(p: Property): string {
  const facets = p.type === 'Edm.Decimal' ? ` Precision="${p.precision ?? 20}" Scale="${p.scale ?? 4}"` : '';
  return `<Property Name="${xml(p.name)}" Type="${p.type}" Nullable="${p.nullable}"${facets}/>`;
}

/**
 * A single-valued navigation with its referential constraint, from which Power BI builds the
 * relationship itself. Nullable: a target outside a customer token's current subtree reads null.
 */
function navigationProperty(navigation: Navigation, sets: readonly EntitySet[]): string {
  const target = sets.find((set) => set.name === navigation.target);
  if (!target) throw new Error(`navigation ${navigation.name} leads to no set '${navigation.target}'`);
  return [
    `<NavigationProperty Name="${xml(navigation.name)}" Type="${NAMESPACE}.${xml(target.entityType)}">`,
    `<ReferentialConstraint Property="${xml(navigation.property)}" ReferencedProperty="${xml(navigation.references)}"/>`,
    '</NavigationProperty>',
  ].join('');
}

function entityType(set: EntitySet, sets: readonly EntitySet[]): string {
  return [
    `      <EntityType Name="${xml(set.entityType)}">`,
    `        <Key>${set.key.map((name) => `<PropertyRef Name="${xml(name)}"/>`).join('')}</Key>`,
    ...set.properties.map((p) => `        ${property(p)}`),
    ...set.navigations.map((n) => `        ${navigationProperty(n, sets)}`),
    '      </EntityType>',
  ].join('\n');
}

function entitySetElement(set: EntitySet): string {
  const open = `        <EntitySet Name="${xml(set.name)}" EntityType="${NAMESPACE}.${xml(set.entityType)}"`;
  if (set.navigations.length === 0) return `${open}/>`;
  return [
    `${open}>`,
    ...set.navigations.map(
      (n) => `          <NavigationPropertyBinding Path="${xml(n.name)}" Target="${xml(n.target)}"/>`,
    ),
    '        </EntitySet>',
  ].join('\n');
}

/**
 * The CSDL XML document Power Query and Power BI read to learn the sets, their column types and
 * relationships: the sets the token may read, whose navigations lead only to sets it may read too.
 */
export function metadataDocument(sets: readonly EntitySet[]): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:DataServices>',
    `    <Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
    ...sets.map((set) => entityType(set, sets)),
    '      <EntityContainer Name="Container">',
    ...sets.map(entitySetElement),
    '      </EntityContainer>',
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}
