import { Alert, Anchor, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import type { components } from '../../api/schema';
import { Money, useUnitPrice } from '../../components/Money';
import { QueryState } from '../../components/QueryState';
import { Section } from '../../components/Section';
import { formatDate, formatDecimal, formatInstant, formatPeriod } from '../../format';
import { useSession } from '../../hooks/session';
import { useExplanation } from '../../hooks/views';

type ChangeEntry = components['schemas']['ChangeEntry'];

/** Explain this item: the entries that started and ended its element, the rules, the arithmetic. */
export function ItemPage() {
  const id = Number(useParams().id);
  const explanation = useExplanation(id);
  const unitPrice = useUnitPrice();
  return (
    <QueryState query={explanation} label="the explanation">
      {({ item, period, element, changes, rules, parts, sku, arithmetic }) => (
        <Stack>
          <Title order={2}>
            Item {item.id}: {item.product} for {item.customer.name}
          </Title>
          <Text>
            <Anchor component={Link} to={`/periods/${period.endDate}?tab=detail`}>
              Period {formatPeriod(period.startDate, period.endDate)}, revision {period.revision}
            </Anchor>
            {item.user ? ` · user ${item.user.name}` : ''} · {formatDate(item.activeFrom)} to{' '}
            {formatDate(item.activeTo)} (exclusive) · <Money amount={item.amount} />
            {item.billable ? '' : ' · not billable'}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Section title="The element it bills">
              {element ? (
                <Text size="sm">
                  {element.kind} <strong>{element.name}</strong> ({element.service}/{element.product}),
                  quantity {formatDecimal(element.quantity)}
                </Text>
              ) : (
                <Text size="sm">A usage record.</Text>
              )}
              <Table aria-label="Change-log entries" mt="xs" fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Entry</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Occurred</Table.Th>
                    <Table.Th>Recorded</Table.Th>
                    <Table.Th>Actor</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  <EntryRow label="Started it" entry={changes.started} />
                  <EntryRow label="Ended it" entry={changes.ended} />
                </Table.Tbody>
              </Table>
            </Section>
            <Section title="Rules that cut it">
              {rules.length === 0 ? (
                <Text size="sm">No rule applies to this element in this period.</Text>
              ) : (
                <ul>
                  {rules.map((rule) => (
                    <li key={rule.id}>
                      {rule.name} ({formatDate(rule.from)} – {formatDate(rule.to)})
                    </li>
                  ))}
                </ul>
              )}
              {parts.length > 1 ? (
                <Table aria-label="Parts of the element" fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>From</Table.Th>
                      <Table.Th>To (excl.)</Table.Th>
                      <Table.Th>Days</Table.Th>
                      <Table.Th>Billable</Table.Th>
                      <Table.Th style={{ textAlign: 'right' }}>Amount</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {parts.map((part) => (
                      <Table.Tr key={part.itemId}>
                        <Table.Td>{formatDate(part.activeFrom)}</Table.Td>
                        <Table.Td>{formatDate(part.activeTo)}</Table.Td>
                        <Table.Td>{part.daysActive}</Table.Td>
                        <Table.Td>{part.billable ? 'yes' : `no (${part.rule?.name ?? 'no rule'})`}</Table.Td>
                        <Table.Td style={{ textAlign: 'right' }}>
                          <Money amount={part.amount} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              ) : null}
            </Section>
          </SimpleGrid>
          <Section title="The arithmetic of its amount">
            {sku ? (
              <Text size="sm">
                SKU {sku.code} ({sku.name}): {sku.billingModel}, {sku.proration} proration,{' '}
                {sku.pricingScheme} price {unitPrice(sku.unitPrice)}
                {sku.tiers.length > 0
                  ? `; tiers ${sku.tiers.map((t) => `from ${t.fromQuantity}: ${unitPrice(t.unitPrice)}`).join(', ')}`
                  : ''}
                {arithmetic.unitsHeld ? `; ${formatDecimal(arithmetic.unitsHeld)} units held` : ''}
              </Text>
            ) : (
              <Text size="sm">Unmapped: no SKU prices this element.</Text>
            )}
            <Table aria-label="Arithmetic" fz="sm" mt="xs">
              <Table.Tbody>
                {arithmetic.steps.map((step) => (
                  <Table.Tr key={`${step.step}-${step.description}`}>
                    <Table.Td>{step.description}</Table.Td>
                    <Table.Td style={{ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                      {step.step === 'unitPrice' ? unitPrice(step.value) : formatDecimal(step.value)}
                    </Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr>
                  <Table.Th>Amount</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>
                    <Money amount={arithmetic.amount} />
                  </Table.Th>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            {arithmetic.matchesStoredAmount ? null : (
              <Alert color="yellow" mt="xs">
                The SKU's price or tiers changed after this item was priced: the stored amount is{' '}
                <Money amount={item.amount} />.
              </Alert>
            )}
          </Section>
        </Stack>
      )}
    </QueryState>
  );
}

function EntryRow({ label, entry }: { label: string; entry: ChangeEntry }) {
  const { tenant } = useSession();
  return (
    <Table.Tr>
      <Table.Td>{label}</Table.Td>
      {entry ? (
        <>
          <Table.Td>
            #{entry.id} {entry.kind}
          </Table.Td>
          <Table.Td>{formatInstant(entry.occurredAt, tenant)}</Table.Td>
          <Table.Td>{formatInstant(entry.recordedAt, tenant)}</Table.Td>
          <Table.Td>{entry.actor}</Table.Td>
        </>
      ) : (
        <Table.Td colSpan={4}>{label === 'Ended it' ? 'Still active' : '—'}</Table.Td>
      )}
    </Table.Tr>
  );
}
