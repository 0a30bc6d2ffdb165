import { Anchor, Group, Progress, Stack, Tabs, Text, Timeline, Title } from '@mantine/core';
import { useParams, useSearchParams } from 'react-router';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { formatInstant, formatPeriod } from '../../format';
import {
  type CloseProgress,
  closeWorkflowId,
  isRunning,
  useFiguresFollowRun,
  usePeriod,
} from '../../hooks/periods';
import { useSession } from '../../hooks/session';
import { ApprovalTab } from './ApprovalTab';
import { PeriodActions } from './PeriodActions';
import { ResellerTree } from './ResellerTree';
import { ServiceDetailTab } from './ServiceDetailTab';
import { ServiceSummaryTab } from './ServiceSummaryTab';

const TABS = ['approval', 'summary', 'detail', 'resellers'] as const;

/** One period: its state and decisions, the approval evidence, the views and the downloads. */
export function PeriodPage() {
  const { period = '' } = useParams();
  const query = usePeriod(period);
  const [search, setSearch] = useSearchParams();
  const tab = TABS.find((t) => t === search.get('tab')) ?? 'approval';
  const run = query.data;
  // The tabs read the period by its end date, whatever date of it the address holds.
  useFiguresFollowRun(
    run?.period?.endDate ?? period,
    run?.period ? `${run.period.revision}:${run.progress?.stage ?? run.period.status}` : undefined,
  );
  return (
    <QueryState query={query} label="the period">
      {({ period: row, progress }) =>
        row ? (
          <Stack>
            <Group justify="space-between" align="flex-start">
              <Stack gap={4}>
                <Title order={2}>Period {formatPeriod(row.startDate, row.endDate)}</Title>
                <Group gap="xs">
                  <StatusBadge status={progress?.stage ?? row.status} />
                  <Text size="sm">Revision {row.revision}</Text>
                  {row.rejectedReason ? <Text size="sm">Rejected: {row.rejectedReason}</Text> : null}
                </Group>
              </Stack>
              <PeriodActions period={row.endDate} status={row.status} stage={progress?.stage} />
            </Group>
            <RunProgress progress={progress} period={row.endDate} revision={row.revision} />
            <Downloads period={row.endDate} />
            <Tabs
              value={tab}
              onChange={(value) => {
                const next = new URLSearchParams(search);
                next.set('tab', value ?? 'approval');
                setSearch(next, { replace: true });
              }}
              keepMounted={false}
            >
              <Tabs.List>
                <Tabs.Tab value="approval">Approval</Tabs.Tab>
                <Tabs.Tab value="summary">Service Summary</Tabs.Tab>
                <Tabs.Tab value="detail">Service Detail</Tabs.Tab>
                <Tabs.Tab value="resellers">Reseller tree</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="approval" pt="md">
                <ApprovalTab
                  period={row.endDate}
                  running={isRunning(progress?.stage) || row.status === 'generating'}
                />
              </Tabs.Panel>
              <Tabs.Panel value="summary" pt="md">
                <ServiceSummaryTab period={row.endDate} />
              </Tabs.Panel>
              <Tabs.Panel value="detail" pt="md">
                <ServiceDetailTab period={row.endDate} />
              </Tabs.Panel>
              <Tabs.Panel value="resellers" pt="md">
                <ResellerTree period={row.endDate} />
              </Tabs.Panel>
            </Tabs>
          </Stack>
        ) : (
          <Text>
            This period has not been generated yet: an operator starts its close from the Periods page.
          </Text>
        )
      }
    </QueryState>
  );
}

function RunProgress({
  progress,
  period,
  revision,
}: {
  progress: CloseProgress | null;
  period: string;
  revision: number;
}) {
  const session = useSession();
  const config = consoleConfig();
  if (!progress) return null;
  const running = isRunning(progress.stage);
  const percent =
    progress.shardsTotal > 0 ? Math.round((100 * progress.shardsDone) / progress.shardsTotal) : 0;
  const workflowId = closeWorkflowId(session.tenant.id, period, revision);
  return (
    <Stack gap="xs">
      {running ? (
        <div>
          <Text size="sm" id="run-progress">
            {progress.stage}: {progress.shardsDone} of {progress.shardsTotal} shards
          </Text>
          {/* Mantine names the progressbar (its inner section) by aria-label only, not aria-labelledby. */}
          <Progress value={percent} animated aria-label="Shards computed" />
        </div>
      ) : null}
      {session.role !== 'customer' && config.temporalUi ? (
        <Anchor
          size="sm"
          href={`${config.temporalUi}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`}
          target="_blank"
          rel="noreferrer"
        >
          Open this run in the Temporal UI
        </Anchor>
      ) : null}
      {progress.events.length > 0 ? (
        <Timeline bulletSize={12} lineWidth={2} aria-label="Decisions">
          {progress.events.map((event) => (
            <Timeline.Item key={`${event.at}-${event.action}`} title={`${event.action} by ${event.by}`}>
              <Text size="xs" c="dimmed">
                {formatInstant(event.at, session.tenant)}
                {event.detail ? ` — ${event.detail}` : ''}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      ) : null}
    </Stack>
  );
}

function Downloads({ period }: { period: string }) {
  return (
    <Group gap="md">
      <Anchor href={`/v1/periods/${period}/export.xlsx`} download>
        Download workbook (xlsx)
      </Anchor>
      <Anchor href={`/v1/periods/${period}/export.csv`} download>
        Download Service Detail (csv)
      </Anchor>
    </Group>
  );
}

/** The run-time settings the API put in index.html (the Temporal UI's address). */
function consoleConfig(): { temporalUi: string; namespace: string } {
  const meta = document.querySelector('meta[name="monthend-config"]')?.getAttribute('content');
  try {
    return { temporalUi: '', namespace: 'default', ...(meta ? JSON.parse(meta) : {}) };
  } catch {
    return { temporalUi: '', namespace: 'default' };
  }
}
