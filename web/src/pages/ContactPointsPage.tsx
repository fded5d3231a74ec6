// 触点分析 (contact-point analytics): the 10086 IVR menu paths, the hotline's hot topics by
// customer group, and how people move through the websites (GET /api/analytics/*).
import { useMemo, useState } from 'react';
import { Button, Card, Col, DatePicker, Empty, Progress, Row, Select, Space, Statistic, Table, Tabs, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useHotlineTopics, useIvrAnalytics, useWebAnalytics, webSites, type CustomerGroup, type IvrNode, type WebAnalytics } from '../api/analytics.ts';
import { Chart, palette, type ChartOption } from '../charts/Chart.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { downloadCsv } from '../components/csv.ts';
import { useLabels } from '../i18n/labels.ts';
import { count, percent } from '../money.ts';

type Labels = ReturnType<typeof useLabels>;
type Period = { from?: string; to?: string };

const groups: CustomerGroup[] = ['all', 'high_value', 'frequent', 'complaint'];
const rate = (part: number, whole: number) => (whole ? part / whole : 0);

function Filters({ period, onPeriod, group, onGroup, labels }: { period: Period; onPeriod: (p: Period) => void; group?: CustomerGroup; onGroup?: (g: CustomerGroup) => void; labels: Labels }) {
  const { t } = labels;
  return (
    <Space wrap style={{ marginBottom: 16 }}>
      <DatePicker.RangePicker
        allowEmpty={[true, true]}
        onChange={(range: [Dayjs | null, Dayjs | null] | null) =>
          onPeriod({ from: range?.[0]?.format('YYYY-MM-DD') ?? undefined, to: range?.[1]?.format('YYYY-MM-DD') ?? undefined })
        }
        data-testid="cp-window"
      />
      {onGroup && (
        <Select
          value={group}
          style={{ width: 220 }}
          onChange={onGroup}
          options={groups.map((g) => ({ value: g, label: t(`contactPoints.group.${g}`) }))}
          data-testid="cp-group"
        />
      )}
      {period.from || period.to ? <Typography.Text type="secondary">{`${period.from ?? '…'} – ${period.to ?? '…'}`}</Typography.Text> : null}
    </Space>
  );
}

/** The flat node list as a tree for the table: children under their parent path. */
type IvrRow = IvrNode & { children?: IvrRow[] };
function ivrTree(nodes: IvrNode[]): IvrRow[] {
  const byPath = new Map<string, IvrRow>(nodes.map((n) => [n.path, { ...n }]));
  const roots: IvrRow[] = [];
  for (const row of byPath.values()) {
    const parent = row.parent === null ? undefined : byPath.get(row.parent);
    if (parent) (parent.children ??= []).push(row);
    else roots.push(row);
  }
  return roots;
}

function IvrTab({ labels }: { labels: Labels }) {
  const { t, name } = labels;
  const [period, setPeriod] = useState<Period>({});
  const [group, setGroup] = useState<CustomerGroup>('all');
  const { data, error, loading, reload } = useIvrAnalytics({ ...period, group });
  const tree = useMemo(() => (data ? ivrTree(data.nodes) : []), [data]);
  const dropOuts = useMemo(
    () => (data ? [...data.nodes].filter((n) => n.abandoned > 0).sort((a, b) => b.abandoned - a.abandoned).slice(0, 10) : []),
    [data],
  );
  const chart: ChartOption = {
    color: [palette[3]],
    tooltip: { trigger: 'axis' },
    grid: { left: 140, right: 24, top: 8, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', inverse: true, data: dropOuts.map((n) => `${n.path} ${name(n.labelZh, n.labelEn)}`) },
    series: [{ type: 'bar', name: t('contactPoints.abandoned'), data: dropOuts.map((n) => n.abandoned), barMaxWidth: 20 }],
  };
  const s = data?.summary;
  const exportCsv = () =>
    data &&
    downloadCsv(
      'ivr-paths.csv',
      ['path', 'label', 'reached', 'ended_here', 'self_served', 'to_agent', 'abandoned', 'average_duration_s'],
      data.nodes.map((n) => [n.path, name(n.labelZh, n.labelEn), n.reached, n.endedHere, n.selfServed, n.toAgent, n.abandoned, Math.round(n.averageDurationS)]),
    );
  return (
    <>
      <Filters period={period} onPeriod={setPeriod} group={group} onGroup={setGroup} labels={labels} />
      <ErrorAlert error={error} onRetry={reload} />
      {s && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={12} lg={4}><Card size="small"><Statistic title={t('contactPoints.sessions')} value={count(s.sessions)} valueRender={(v) => <span data-testid="ivr-sessions">{v}</span>} /></Card></Col>
          <Col xs={12} lg={4}><Card size="small"><Statistic title={t('contactPoints.callers')} value={count(s.callers)} /></Card></Col>
          <Col xs={12} lg={4}><Card size="small"><Statistic title={t('contactPoints.selfServedRate')} value={percent(rate(s.selfServed, s.sessions), 1)} /></Card></Col>
          <Col xs={12} lg={4}><Card size="small"><Statistic title={t('contactPoints.agentRate')} value={percent(rate(s.toAgent, s.sessions), 1)} /></Card></Col>
          <Col xs={12} lg={4}><Card size="small"><Statistic title={t('contactPoints.abandonRate')} value={percent(rate(s.abandoned, s.sessions), 1)} /></Card></Col>
          <Col xs={12} lg={4}><Card size="small"><Statistic title={t('contactPoints.averageDepth')} value={s.averageDepth.toFixed(2)} /></Card></Col>
        </Row>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card size="small" title={t('contactPoints.menuTree')} extra={<Button size="small" icon={<DownloadOutlined />} onClick={exportCsv} disabled={!data?.nodes.length}>{t('contactPoints.export')}</Button>}>
            <Table<IvrRow>
              rowKey="path"
              size="small"
              loading={loading}
              pagination={false}
              dataSource={tree}
              expandable={{ defaultExpandAllRows: true }}
              key={tree.length}
              locale={{ emptyText: <Empty description={t('contactPoints.noIvr')} /> }}
              data-testid="ivr-tree"
              columns={[
                { title: t('contactPoints.menu'), key: 'menu', render: (_, n) => <Space><Typography.Text code>{n.path}</Typography.Text>{name(n.labelZh, n.labelEn)}</Space> },
                { title: t('contactPoints.reached'), dataIndex: 'reached', align: 'right', sorter: (a, b) => a.reached - b.reached, render: count },
                { title: t('contactPoints.selfServed'), dataIndex: 'selfServed', align: 'right', render: count },
                { title: t('contactPoints.toAgent'), dataIndex: 'toAgent', align: 'right', render: count },
                { title: t('contactPoints.abandoned'), dataIndex: 'abandoned', align: 'right', render: count },
                {
                  title: t('contactPoints.dropRate'),
                  key: 'drop',
                  width: 140,
                  render: (_, n) => <Progress percent={Math.round(rate(n.abandoned, n.reached) * 1000) / 10} size="small" status={rate(n.abandoned, n.reached) > 0.2 ? 'exception' : 'normal'} />,
                },
                { title: t('contactPoints.averageDuration'), dataIndex: 'averageDurationS', align: 'right', render: (v: number, n) => (n.endedHere ? `${Math.round(v)} s` : '—') },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card size="small" title={t('contactPoints.dropOuts')}>
            {dropOuts.length ? <Chart option={chart} height={320} testId="chart-ivr-dropouts" /> : <Empty description={t('common.empty')} />}
          </Card>
        </Col>
      </Row>
    </>
  );
}

function HotlineTab({ labels }: { labels: Labels }) {
  const { t, label } = labels;
  const [period, setPeriod] = useState<Period>({});
  const [group, setGroup] = useState<CustomerGroup>('high_value');
  const { data, error, loading, reload } = useHotlineTopics({ ...period, group });
  const top = data?.topics.slice(0, 10) ?? [];
  const chart: ChartOption = {
    color: palette,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 120, right: 24, top: 32, bottom: 24 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', inverse: true, data: top.map((x) => label('business', x.business)) },
    series: (data?.months ?? []).map((m, i) => ({ type: 'bar', stack: 'months', name: m, data: top.map((x) => x.byMonth[i]) })),
  };
  const exportCsv = () =>
    data &&
    downloadCsv(
      `hotline-topics-${group}.csv`,
      ['business', 'contacts', 'customers', 'share', 'complaints', 'unresolved', ...data.months],
      data.topics.map((x) => [x.business, x.contacts, x.customers, x.share.toFixed(4), x.complaints, x.unresolved, ...x.byMonth]),
    );
  return (
    <>
      <Filters period={period} onPeriod={setPeriod} group={group} onGroup={setGroup} labels={labels} />
      <ErrorAlert error={error} onRetry={reload} />
      <Typography.Paragraph type="secondary">{t('contactPoints.hotlineHint')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('contactPoints.topTopics')}>
            {top.length ? <Chart option={chart} height={360} testId="chart-hotline" /> : <Empty description={t('contactPoints.noHotline')} />}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={data ? t('contactPoints.hotlineTotals', { contacts: count(data.contacts), customers: count(data.customers) }) : t('contactPoints.topTopics')}
            extra={<Button size="small" icon={<DownloadOutlined />} onClick={exportCsv} disabled={!data?.topics.length}>{t('contactPoints.export')}</Button>}
          >
            <Table
              rowKey="business"
              size="small"
              loading={loading}
              dataSource={data?.topics ?? []}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description={t('contactPoints.noHotline')} /> }}
              data-testid="hotline-topics"
              columns={[
                { title: t('contactPoints.business'), dataIndex: 'business', render: (b: string) => label('business', b) },
                { title: t('contactPoints.contacts'), dataIndex: 'contacts', align: 'right', sorter: (a, b) => a.contacts - b.contacts, render: count },
                { title: t('contactPoints.customers'), dataIndex: 'customers', align: 'right', sorter: (a, b) => a.customers - b.customers, render: count },
                { title: t('contactPoints.share'), dataIndex: 'share', align: 'right', render: (v: number) => percent(v, 1) },
                { title: t('contactPoints.unresolved'), dataIndex: 'unresolved', align: 'right', sorter: (a, b) => a.unresolved - b.unresolved, render: count },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}

/**
 * The commonest paths as a flow, step by step (nodes are step × page, so the graph has no cycles);
 * pages carry their site's name when the paths span several sites.
 */
function flowChart(paths: WebAnalytics['paths'], labels: Labels): ChartOption {
  const oneSite = new Set(paths.map((p) => p.site)).size <= 1;
  const links = new Map<string, number>();
  const nodes = new Set<string>();
  for (const p of paths) {
    const node = (i: number) => `${i + 1}. ${oneSite ? '' : `${labels.label('business', p.site)} `}${p.pages[i]}`;
    p.pages.slice(0, 4).forEach((_, i) => {
      nodes.add(node(i));
      if (i > 0) {
        const key = `${node(i - 1)}\u0000${node(i)}`;
        links.set(key, (links.get(key) ?? 0) + p.sessions);
      }
    });
  }
  return {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'sankey',
        emphasis: { focus: 'adjacency' },
        nodeAlign: 'left',
        data: [...nodes].map((name) => ({ name })),
        links: [...links].map(([key, value]) => {
          const [source, target] = key.split('\u0000');
          return { source, target, value };
        }),
        lineStyle: { color: 'gradient', curveness: 0.5 },
        label: { fontSize: 11 },
      },
    ],
    title: links.size ? undefined : { text: labels.t('contactPoints.noMoves'), left: 'center', top: 'middle', textStyle: { fontSize: 13, color: '#999' } },
  };
}

function WebTab({ labels }: { labels: Labels }) {
  const { t, label } = labels;
  const [period, setPeriod] = useState<Period>({});
  const [site, setSite] = useState<string | undefined>(undefined);
  const { data, error, loading, reload } = useWebAnalytics({ ...period, site });
  const flow = useMemo(() => (data ? flowChart(data.paths, labels) : null), [data, labels]);
  const s = data?.summary;
  const exportCsv = () =>
    data &&
    downloadCsv(
      'web-pages.csv',
      ['site', 'page', 'views', 'visitors', 'entries', 'exits', 'average_duration_s'],
      data.pages.map((p) => [p.site, p.page, p.views, p.visitors, p.entries, p.exits, Math.round(p.averageDurationS)]),
    );
  return (
    <>
      <Space wrap>
        <Filters period={period} onPeriod={setPeriod} labels={labels} />
        <Select
          allowClear
          placeholder={t('contactPoints.allSites')}
          style={{ width: 180, marginBottom: 16 }}
          value={site}
          onChange={setSite}
          options={webSites.map((x) => ({ value: x, label: label('business', x) }))}
          data-testid="cp-site"
        />
      </Space>
      <ErrorAlert error={error} onRetry={reload} />
      {s && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={12} lg={6}><Card size="small"><Statistic title={t('contactPoints.webSessions')} value={count(s.sessions)} valueRender={(v) => <span data-testid="web-sessions">{v}</span>} /></Card></Col>
          <Col xs={12} lg={6}><Card size="small"><Statistic title={t('contactPoints.visitors')} value={count(s.visitors)} /></Card></Col>
          <Col xs={12} lg={6}><Card size="small"><Statistic title={t('contactPoints.pagesPerSession')} value={s.pagesPerSession.toFixed(2)} /></Card></Col>
          <Col xs={12} lg={6}><Card size="small"><Statistic title={t('contactPoints.bounceRate')} value={percent(s.bounceRate, 1)} /></Card></Col>
        </Row>
      )}
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card size="small" title={t('contactPoints.flow')}>
            {flow && data?.paths.length ? <Chart option={flow} height={380} testId="chart-web-flow" /> : <Empty description={t('contactPoints.noWeb')} />}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" title={t('contactPoints.pages', { n: data?.pages.length ?? 0 })} extra={<Button size="small" icon={<DownloadOutlined />} onClick={exportCsv} disabled={!data?.pages.length}>{t('contactPoints.export')}</Button>}>
            <Table
              rowKey={(p) => `${p.site}${p.page}`}
              size="small"
              loading={loading}
              dataSource={data?.pages ?? []}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description={t('contactPoints.noWeb')} /> }}
              data-testid="web-pages"
              columns={[
                { title: t('contactPoints.site'), dataIndex: 'site', render: (x: string) => label('business', x) },
                { title: t('contactPoints.page'), dataIndex: 'page', render: (x: string) => <Typography.Text code>{x}</Typography.Text> },
                { title: t('contactPoints.views'), dataIndex: 'views', align: 'right', sorter: (a, b) => a.views - b.views, render: count },
                { title: t('contactPoints.entries'), dataIndex: 'entries', align: 'right', sorter: (a, b) => a.entries - b.entries, render: count },
                { title: t('contactPoints.exitRate'), key: 'exit', align: 'right', sorter: (a, b) => rate(a.exits, a.views) - rate(b.exits, b.views), render: (_, p) => percent(rate(p.exits, p.views), 1) },
                { title: t('contactPoints.averageDuration'), dataIndex: 'averageDurationS', align: 'right', render: (v: number) => `${Math.round(v)} s` },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('contactPoints.moves', { n: data?.transitions.length ?? 0 })}>
            <Table
              rowKey={(m) => `${m.site}${m.from}>${m.to}`}
              size="small"
              dataSource={data?.transitions ?? []}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description={t('contactPoints.noMoves')} /> }}
              columns={[
                { title: t('contactPoints.from'), dataIndex: 'from', render: (x: string) => <Typography.Text code>{x}</Typography.Text> },
                { title: t('contactPoints.to'), dataIndex: 'to', render: (x: string) => <Typography.Text code>{x}</Typography.Text> },
                { title: t('contactPoints.webSessions'), dataIndex: 'sessions', align: 'right', render: count },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}

export default function ContactPointsPage() {
  const labels = useLabels();
  const { t } = labels;
  return (
    <>
      <PageHeader title={t('contactPoints.title')} />
      <Tabs
        destroyInactiveTabPane
        items={[
          { key: 'ivr', label: <span data-testid="tab-ivr">{t('contactPoints.ivr')}</span>, children: <IvrTab labels={labels} /> },
          { key: 'hotline', label: <span data-testid="tab-hotline">{t('contactPoints.hotline')}</span>, children: <HotlineTab labels={labels} /> },
          { key: 'web', label: <span data-testid="tab-web">{t('contactPoints.web')}</span>, children: <WebTab labels={labels} /> },
        ]}
      />
    </>
  );
}
