import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { type Customer, type CustomerPatch, useUpdateCustomer } from '../../hooks/customers';

// An option for "no parent": a clear button would be hidden from the keyboard and screen readers.
const TOP = '(top level)';
const FIELDS = ['name', 'parent', 'relationship', 'resellerBilling', 'tags'] as const;

interface Draft {
  name: string;
  parent: string | null;
  relationship: Customer['relationship'];
  resellerBilling: Customer['resellerBilling'];
  tags: string;
}

const draftOf = (customer: Customer): Draft => ({
  name: customer.name,
  parent: customer.parent,
  relationship: customer.relationship,
  resellerBilling: customer.resellerBilling,
  tags: customer.tags.join(', '),
});

const tagsOf = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

/** Only what the person changed goes to the API: an untouched field writes nothing to the change log. */
export function patchOf(customer: Customer, draft: Draft): CustomerPatch {
  const patch: CustomerPatch = {};
  if (draft.name.trim() !== customer.name) patch.name = draft.name;
  if (draft.parent !== customer.parent) patch.parent = draft.parent;
  if (draft.relationship !== customer.relationship) patch.relationship = draft.relationship;
  if (draft.resellerBilling !== customer.resellerBilling) patch.resellerBilling = draft.resellerBilling;
  const tags = tagsOf(draft.tags);
  if (JSON.stringify(tags) !== JSON.stringify(customer.tags)) patch.tags = tags;
  return patch;
}

/**
 * Rename, move, and set the billing relationship, reseller billing and tags of a customer (admin).
 * The API writes it to the change log from now on; its reasons show under the field they concern.
 */
export function CustomerEditor({ customer, customers }: { customer: Customer; customers: Customer[] }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(customer));
  const update = useUpdateCustomer();
  const error = update.error instanceof ApiError ? update.error : undefined;
  // "tags.0" is a reason about the tags field.
  const reason = (field: string) =>
    error?.problem.errors?.find((e) => e.field === field || e.field.startsWith(`${field}.`))?.reason;
  const general = error && !FIELDS.some((field) => reason(field)) ? error : undefined;
  const patch = patchOf(customer, draft);
  const unchanged = Object.keys(patch).length === 0;
  const set = (changes: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...changes }));
    update.reset();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!unchanged) update.mutate({ ref: customer.ref, patch });
  };
  const parents = [
    { value: TOP, label: 'top level (no parent)' },
    ...customers
      .filter((c) => c.ref !== customer.ref && c.deletedAt === null)
      .map((c) => ({ value: c.ref, label: `${c.name} (${c.ref})` })),
  ];
  return (
    <form onSubmit={submit} aria-label={`Edit ${customer.ref}`}>
      <Stack gap="xs" mt="xs">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
            error={reason('name')}
          />
          <Select
            label="Parent"
            value={draft.parent ?? TOP}
            onChange={(parent) => set({ parent: parent === TOP ? null : parent })}
            data={parents}
            searchable
            allowDeselect={false}
            error={reason('parent')}
          />
          <Select
            label="Billing relationship"
            value={draft.relationship}
            onChange={(value) => value && set({ relationship: value as Draft['relationship'] })}
            data={[
              { value: 'direct', label: 'direct (invoiced itself)' },
              { value: 'via', label: 'via its parent' },
            ]}
            allowDeselect={false}
            error={reason('relationship')}
          />
          <Select
            label="Reseller billing"
            description="aggregate: it pays for all beneath; on behalf: each pays"
            value={draft.resellerBilling}
            onChange={(value) => value && set({ resellerBilling: value as Draft['resellerBilling'] })}
            data={[
              { value: 'aggregate', label: 'aggregate' },
              { value: 'on_behalf', label: 'on behalf' },
            ]}
            allowDeselect={false}
            error={reason('resellerBilling')}
          />
          <TextInput
            label="Tags"
            description="comma-separated"
            value={draft.tags}
            onChange={(e) => set({ tags: e.currentTarget.value })}
            error={reason('tags')}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" variant="default" loading={update.isPending} disabled={unchanged}>
            Save customer
          </Button>
          {update.isSuccess ? (
            <Text size="sm" role="status">
              Saved: in effect from now on; earlier periods keep what they were billed with.
            </Text>
          ) : null}
        </Group>
        {general ? (
          <Alert color="red" role="alert">
            {general.problem.title}: {general.message}
          </Alert>
        ) : null}
      </Stack>
    </form>
  );
}
