// 客户视图 (customer 360): profile, holdings, three months of usage and bills, and the contact
// timeline across every channel. The full number appears only through the audited reveal.
import { useMemo, useState } from 'react';
import { App as AntApp, Badge, Button, Card, Col, Descriptions, Empty, Popconfirm, Result, Row, Select, Skeleton, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface.js';
import { ArrowLeftOutlined, EyeOutlined } from '@ant-design/icons';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { revealMsisdn, useContactTimeline, useCustomer360, type ContactItem, type Customer360 } from '../api/customers.ts';
import { useChannels } from '../api/platform.ts';
import { useBestPlans } from '../api/tariffs.ts';
import { useCustomerTags } from '../api/tags.ts';
import { useCustomerContactPoints, type CustomerContactPoints } from '../api/analytics.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { Chart, palette, type ChartOption } from '../charts/Chart.tsx';
import { BrandTag, StatusTag } from '../components/CodeTags.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { serverPagination } from '../components/paging.ts';
import { useLabels } from '../i18n/labels.ts';
import { count, yuan } from '../money.ts';

type Profile = Customer360['profile'];
type Usage = Customer360['usage'][number];
type Labels = ReturnType<typeof useLabels>;

const contactTypes = ['consultation', 'complaint', 'transaction', 'marketing', 'care', 'browse', 'ivr', 'order'] as const;
const typeColor: Record<string, string> = {
  consultation: 'blue',
  complaint: 'red',
  transaction: 'green',
  marketing: 'purple',
  care: 'cyan',
  browse: 'default',
  ivr: 'geekblue',
  order: 'orange',
};

function ProfileCard({ profile, revealed, labels }: { profile: Profile; revealed: string | null; labels: Labels }) {
  const { t, label, name } = labels;
  const yesNo = (v: boolean) => (v ? t('common.yes') : t('common.no'));
  const capabilities = [
    profile.handsetGprs && 'GPRS',
    profile.handsetMms && 'MMS',
    profile.handsetWap && 'WAP',
    profile.handsetSmart && t('customer.smart'),
  ].filter(Boolean) as string[];
  return (
    <Card title={t('customer.profile')} size="small">
      <Descriptions bordered size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
        <Descriptions.Item label={t('customers.msisdn')}>
          <Space>
            <Typography.Text code data-testid="msisdn">
              {profile.msisdn}
            </Typography.Text>
            {revealed && (
              <Typography.Text strong copyable data-testid="msisdn-revealed" title={t('customer.revealed')}>
                {revealed}
              </Typography.Text>
            )}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('customers.subscriberId')}>{profile.subscriberId}</Descriptions.Item>
        <Descriptions.Item label={t('customers.brand')}>
          <BrandTag brand={profile.brand} />
        </Descriptions.Item>
        <Descriptions.Item label={t('customers.plan')}>{name(profile.planNameZh, profile.planNameEn) ?? profile.planId}</Descriptions.Item>
        <Descriptions.Item label={t('customers.status')}>
          <StatusTag status={profile.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('customers.city')}>{name(profile.cityNameZh, profile.cityNameEn) ?? profile.cityCode}</Descriptions.Item>
        <Descriptions.Item label={t('customers.age')}>{profile.age}</Descriptions.Item>
        <Descriptions.Item label={t('customers.gender')}>{label('gender', profile.gender)}</Descriptions.Item>
        <Descriptions.Item label={t('customers.arpu')}>{yuan(profile.arpuFen)}</Descriptions.Item>
        <Descriptions.Item label={t('customers.vip')}>{profile.vipLevel}</Descriptions.Item>
        <Descriptions.Item label={t('customers.tenure')}>{profile.tenureMonths}</Descriptions.Item>
        <Descriptions.Item label={t('customer.joinDate')}>{profile.joinDate}</Descriptions.Item>
        <Descriptions.Item label={t('customer.paymentType')}>{label('paymentType', profile.paymentType)}</Descriptions.Item>
        <Descriptions.Item label={t('customer.handsetBrand')}>{profile.handsetBrand ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('customer.capabilities')}>
          {capabilities.length ? capabilities.map((c) => <Tag key={c}>{c}</Tag>) : t('common.none')}
        </Descriptions.Item>
        <Descriptions.Item label={t('customer.dnd')}>{profile.dnd ? <Badge status="error" text={t('common.yes')} /> : t('common.no')}</Descriptions.Item>
        <Descriptions.Item label={t('customer.group')}>{profile.groupName ?? profile.groupId ?? t('common.none')}</Descriptions.Item>
        <Descriptions.Item label={t('customer.vpmn')}>{profile.vpmnGroupId ?? t('common.none')}</Descriptions.Item>
        <Descriptions.Item label={t('customer.keyPerson')}>{yesNo(profile.isGroupKeyPerson)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function HoldingsCard({ holdings, labels }: { holdings: Customer360['holdings']; labels: Labels }) {
  const { t, label, name } = labels;
  const columns: ColumnsType<Customer360['holdings'][number]> = [
    { title: t('customer.product'), key: 'name', render: (_, h) => name(h.nameZh, h.nameEn) },
    { title: t('customer.productKind'), dataIndex: 'kind', render: (v: string) => label('productKind', v) },
    { title: t('customer.service'), dataIndex: 'service', render: (v: string | null) => label('service', v) },
    { title: t('customer.monthlyFee'), dataIndex: 'monthlyFeeFen', align: 'right', render: (v: number) => yuan(v) },
    { title: t('customer.startDate'), dataIndex: 'startDate' },
    { title: t('customer.endDate'), dataIndex: 'endDate', render: (v: string | null) => v ?? <Tag color="success">{t('customer.current')}</Tag> },
  ];
  return (
    <Card title={t('customer.holdings')} size="small">
      <Table rowKey={(h) => `${h.productId}-${h.startDate}`} size="small" columns={columns} dataSource={holdings} pagination={false} locale={{ emptyText: t('common.empty') }} data-testid="holdings-table" />
    </Card>
  );
}

const usageMetrics = ['voiceCalls', 'voiceMinutes', 'localMinutes', 'longDistanceMinutes', 'roamingMinutes', 'sms', 'mms', 'gprsMb', 'wlanMinutes'] as const;

function UsageCard({ usage, labels }: { usage: Usage[]; labels: Labels }) {
  const { t } = labels;
  const rows = usage.map((u) => ({ ...u, gprsMb: Math.round((u.gprsKb / 1024) * 10) / 10 }));
  const columns: ColumnsType<(typeof rows)[number]> = [
    { title: t('common.month'), dataIndex: 'month', fixed: 'left' },
    ...usageMetrics.map((m) => ({ title: t(`usage.${m}`), dataIndex: m, align: 'right' as const, render: (v: number) => (m === 'gprsMb' ? v.toFixed(1) : count(v)) })),
  ];
  const chart: ChartOption = {
    color: palette,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 32, bottom: 24 },
    xAxis: { type: 'category', data: rows.map((r) => r.month) },
    yAxis: [{ type: 'value' }, { type: 'value', splitLine: { show: false } }],
    series: [
      { type: 'bar', name: t('usage.voiceMinutes'), data: rows.map((r) => r.voiceMinutes), barMaxWidth: 24 },
      { type: 'bar', name: t('usage.sms'), data: rows.map((r) => r.sms), barMaxWidth: 24 },
      { type: 'line', name: t('usage.gprsMb'), yAxisIndex: 1, data: rows.map((r) => r.gprsMb) },
    ],
  };
  return (
    <Card title={t('customer.usage')} size="small">
      {rows.length === 0 ? (
        <Empty description={t('common.empty')} />
      ) : (
        <>
          <Table rowKey="month" size="small" columns={columns} dataSource={rows} pagination={false} scroll={{ x: 'max-content' }} data-testid="usage-table" />
          <Chart option={chart} height={220} testId="chart-usage" />
        </>
      )}
    </Card>
  );
}

function BillsCard({ bills, labels }: { bills: Customer360['bills']; labels: Labels }) {
  const { t, label } = labels;
  const items = [...new Set(bills.flatMap((b) => Object.keys(b.items)))];
  type Row = { item: string; total?: boolean } & Record<string, number | string | boolean | undefined>;
  const rows: Row[] = items.map((item) => ({ item, ...Object.fromEntries(bills.map((b) => [b.month, b.items[item]])) }));
  rows.push({ item: 'total', total: true, ...Object.fromEntries(bills.map((b) => [b.month, b.totalFen])) });
  const columns: ColumnsType<Row> = [
    { title: t('customer.billItem'), dataIndex: 'item', render: (v: string, r) => (r.total ? <strong>{t('customer.billTotal')}</strong> : label('billItem', v)) },
    ...bills.map((b) => ({
      title: b.month,
      dataIndex: b.month,
      align: 'right' as const,
      render: (v: number | undefined, r: Row) => (v === undefined ? '—' : r.total ? <strong>{yuan(v)}</strong> : yuan(v)),
    })),
  ];
  return (
    <Card title={t('customer.bills')} size="small">
      {bills.length === 0 ? (
        <Empty description={t('common.empty')} />
      ) : (
        <Table rowKey="item" size="small" columns={columns} dataSource={rows} pagination={false} data-testid="bills-table" />
      )}
    </Card>
  );
}

function ContactsCard({ subscriberId, labels }: { subscriberId: number; labels: Labels }) {
  const { t, label, name } = labels;
  const [query, setQuery] = useState<{ page: number; pageSize: number; channelId?: string; type?: string }>({ page: 1, pageSize: 20 });
  const { data, error, loading, reload } = useContactTimeline(subscriberId, query);
  const channels = useChannels().data;
  const channelName = useMemo(() => {
    const names = new Map((channels ?? []).map((c) => [c.channelId, name(c.nameZh, c.nameEn)]));
    return (id: string) => names.get(id) ?? id;
  }, [channels, name]);

  const columns: ColumnsType<ContactItem> = [
    { title: t('customer.time'), dataIndex: 'time', width: 170 },
    { title: t('customer.channel'), dataIndex: 'channelId', render: (v: string) => channelName(v) },
    { title: t('customer.type'), dataIndex: 'type', render: (v: string) => <Tag color={typeColor[v]}>{label('contactType', v)}</Tag> },
    { title: t('customer.business'), dataIndex: 'business', render: (v: string) => label('business', v) },
    { title: t('customer.outcome'), dataIndex: 'outcome', render: (v: string | null) => (v ? label('outcome', v) : '—') },
    { title: t('customer.duration'), dataIndex: 'durationS', align: 'right', render: (v: number | null) => (v === null ? '—' : t('customer.seconds', { n: v })) },
    { title: t('customer.contactDetail'), dataIndex: 'detail', render: (v: string | null) => v ?? '—' },
  ];

  return (
    <Card
      title={t('customer.contacts')}
      size="small"
      extra={
        <Space wrap>
          <Select
            allowClear
            size="small"
            style={{ width: 160 }}
            placeholder={t('customer.allChannels')}
            value={query.channelId}
            onChange={(channelId?: string) => setQuery((q) => ({ ...q, channelId, page: 1 }))}
            options={(channels ?? []).map((c) => ({ value: c.channelId, label: name(c.nameZh, c.nameEn) }))}
            data-testid="contacts-channel"
          />
          <Select
            allowClear
            size="small"
            style={{ width: 140 }}
            placeholder={t('customer.allTypes')}
            value={query.type}
            onChange={(type?: string) => setQuery((q) => ({ ...q, type, page: 1 }))}
            options={contactTypes.map((c) => ({ value: c, label: label('contactType', c) }))}
            data-testid="contacts-type"
          />
        </Space>
      }
    >
      <ErrorAlert error={error} onRetry={reload} />
      <Table<ContactItem>
        rowKey={(r) => `${r.time}|${r.source}|${r.type}|${r.channelId}|${r.business}|${r.detail ?? ''}`}
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('common.empty') }}
        scroll={{ x: 'max-content' }}
        data-testid="contacts-table"
        pagination={serverPagination(t, { ...query, total: data?.total ?? 0 }, (page, pageSize) =>
          setQuery((q) => ({ ...q, page: pageSize === q.pageSize ? page : 1, pageSize })),
        )}
      />
    </Card>
  );
}

function TagsCard({ subscriberId, labels }: { subscriberId: number; labels: Labels }) {
  const { t, name } = labels;
  const { data, error, reload } = useCustomerTags(subscriberId);
  return (
    <Card title={t('tags.card')} size="small" data-testid="customer-tags">
      <ErrorAlert error={error} onRetry={reload} />
      {data && data.length === 0 && <Typography.Text type="secondary">{t('tags.none')}</Typography.Text>}
      <Space wrap>
        {(data ?? []).map((tag) => (
          <Tooltip key={tag.tagId} title={tag.advice?.script ? `${t('tags.advice')}: ${tag.advice.script}${tag.advice.timing ? ` (${tag.advice.timing})` : ''}` : undefined}>
            <Tag color={tag.kind === 'value_tier' ? 'gold' : tag.kind === 'standard' ? 'blue' : 'purple'}>{name(tag.nameZh, tag.nameEn)}</Tag>
          </Tooltip>
        ))}
      </Space>
    </Card>
  );
}

function BestPlansCard({ subscriberId, labels }: { subscriberId: number; labels: Labels }) {
  const { t, name } = labels;
  const { data, error, loading, reload } = useBestPlans(subscriberId, true);
  const rows = data?.plans ?? [];
  return (
    <Card
      title={t('tariff.bestPlans')}
      size="small"
      extra={data && <Typography.Text type="secondary">{t('tariff.bestPlansHint', { months: data.monthsBilled, billed: yuan(data.billedFen) })}</Typography.Text>}
    >
      <ErrorAlert error={error} onRetry={reload} />
      <Table
        rowKey="planId"
        size="small"
        loading={loading}
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: t('tariff.noPlans') }}
        data-testid="best-plans"
        columns={[
          {
            title: t('customer.product'),
            key: 'name',
            render: (_, p) => (
              <Space>
                {name(p.nameZh, p.nameEn)}
                {p.current && <Tag color="blue">{t('tariff.currentTag')}</Tag>}
                {!p.eligible && <Tag>{t('tariff.notForBrand')}</Tag>}
              </Space>
            ),
          },
          { title: t('customer.monthlyFee'), dataIndex: 'monthlyFeeFen', align: 'right', render: (v: number) => yuan(v) },
          { title: t('tariff.costOverMonths'), dataIndex: 'costFen', align: 'right', render: (v: number) => yuan(v) },
          {
            title: t('tariff.savingCol'),
            dataIndex: 'savingFen',
            align: 'right',
            render: (v: number, p) => (p.current ? '—' : <Typography.Text type={v > 0 ? 'success' : v < 0 ? 'danger' : undefined}>{yuan(v)}</Typography.Text>),
          },
        ]}
      />
    </Card>
  );
}

/** A prepared answer's facts as one line, in the reader's language. */
function answerText(answer: NonNullable<CustomerContactPoints['hotline'][number]['answer']>, { t, name }: Labels): string {
  const f = answer.facts;
  const num = (k: string) => Number(f[k] ?? 0);
  if (answer.kind === 'bill') return t('contactPoints.answer.bill', { month: f.month, total: yuan(num('totalFen')), items: num('items') });
  if (answer.kind === 'plan') return t('contactPoints.answer.plan', { plan: name(String(f.nameZh), String(f.nameEn)), fee: yuan(num('monthlyFeeFen')) });
  if (answer.kind === 'data') return t('contactPoints.answer.data', { month: f.month, mb: num('mb') });
  if (answer.kind === 'roaming') return t('contactPoints.answer.roaming', { month: f.month, calls: num('calls'), minutes: num('minutes'), charge: yuan(num('chargeFen')) });
  return t('contactPoints.answer.services', { n: num('services'), list: name(String(f.heldZh ?? ''), String(f.heldEn ?? '')) || '—' });
}

function ContactPointsCard({ subscriberId, labels }: { subscriberId: number; labels: Labels }) {
  const { t, label, name } = labels;
  const { data, error, reload } = useCustomerContactPoints(subscriberId);
  const none = <Typography.Text type="secondary">{t('common.empty')}</Typography.Text>;
  return (
    <Card title={t('contactPoints.customerCard')} size="small" data-testid="customer-contact-points">
      <ErrorAlert error={error} onRetry={reload} />
      {data && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={8}>
            <Typography.Text strong>{t('contactPoints.personalMenu')}</Typography.Text>
            <div style={{ marginTop: 8 }} data-testid="personal-ivr-menu">
              {data.ivrMenu.agentFirst && (
                <Tag color="gold" style={{ marginBottom: 8 }}>
                  {t(`contactPoints.agentFirst.${data.ivrMenu.reason}`)}
                </Tag>
              )}
              {data.ivrMenu.shortcuts.length === 0
                ? !data.ivrMenu.agentFirst && none
                : data.ivrMenu.shortcuts.map((s, i) => (
                    <div key={s.path}>
                      <Typography.Text>{`${i + 1}. ${name(s.labelZh, s.labelEn)}`}</Typography.Text>{' '}
                      <Typography.Text type="secondary">{t('contactPoints.shortcutUses', { path: s.path, n: s.uses })}</Typography.Text>
                    </div>
                  ))}
            </div>
          </Col>
          <Col xs={24} lg={8}>
            <Typography.Text strong>{t('contactPoints.preparedAnswers')}</Typography.Text>
            <div style={{ marginTop: 8 }} data-testid="prepared-answers">
              {data.hotline.length === 0
                ? none
                : data.hotline.map((h) => (
                    <div key={h.business} style={{ marginBottom: 4 }}>
                      <Tag>{label('business', h.business)}</Tag>
                      <Typography.Text type="secondary">{t('contactPoints.askedTimes', { n: h.contacts })}</Typography.Text>
                      {h.answer && <div><Typography.Text>{answerText(h.answer, labels)}</Typography.Text></div>}
                    </div>
                  ))}
            </div>
          </Col>
          <Col xs={24} lg={8}>
            <Typography.Text strong>{t('contactPoints.interests')}</Typography.Text>
            <div style={{ marginTop: 8 }} data-testid="web-interests">
              {data.interests.length === 0
                ? none
                : data.interests.map((x) => (
                    <div key={x.topic} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
                      <span style={{ width: 96 }}>{t(`contactPoints.topic.${x.topic}`, { defaultValue: x.topic })}</span>
                      <div style={{ flex: 1, background: '#f0f0f0', height: 8, borderRadius: 4 }}>
                        <div style={{ width: `${Math.round(x.share * 100)}%`, background: palette[0], height: 8, borderRadius: 4 }} />
                      </div>
                      <Typography.Text type="secondary" style={{ width: 48, textAlign: 'right' }}>{`${Math.round(x.share * 100)}%`}</Typography.Text>
                    </div>
                  ))}
            </div>
          </Col>
        </Row>
      )}
    </Card>
  );
}

export default function CustomerPage() {
  const labels = useLabels();
  const { t } = labels;
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const location = useLocation();
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const { data, error, reload } = useCustomer360(Number.isInteger(id) && id > 0 ? id : null);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);

  const back = (
    // back to where the user came from (the filtered list), or to the list when opened directly
    <Button icon={<ArrowLeftOutlined />} onClick={() => (location.key === 'default' ? navigate('/customers') : navigate(-1))}>
      {t('common.back')}
    </Button>
  );
  if (!Number.isInteger(id) || id <= 0) return <Result status="404" title={t('error.notFoundTitle')} extra={back} />;
  if (error) {
    return (
      <>
        <PageHeader title={t('customer.title')} extra={back} />
        <ErrorAlert error={error} onRetry={error.status === 404 ? undefined : reload} />
      </>
    );
  }
  if (!data) return <Skeleton active paragraph={{ rows: 14 }} />;

  const reveal = async () => {
    setRevealing(true);
    try {
      setRevealed((await revealMsisdn(id)).msisdn);
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setRevealing(false);
    }
  };

  return (
    <>
      <PageHeader
        title={
          <Space>
            {t('customer.title')}
            <Typography.Text type="secondary" style={{ fontSize: 16 }}>
              {revealed ?? data.profile.msisdn}
            </Typography.Text>
          </Space>
        }
        extra={
          <>
            {can('pii.reveal') && !revealed && (
              <Popconfirm title={t('customer.revealConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={reveal}>
                <Button icon={<EyeOutlined />} loading={revealing} data-testid="reveal-button">
                  {t('customer.reveal')}
                </Button>
              </Popconfirm>
            )}
            {back}
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <ProfileCard profile={data.profile} revealed={revealed} labels={labels} />
        </Col>
        <Col span={24}>
          <TagsCard subscriberId={id} labels={labels} />
        </Col>
        <Col xs={24} xl={12}>
          <UsageCard usage={data.usage} labels={labels} />
        </Col>
        <Col xs={24} xl={12}>
          <BillsCard bills={data.bills} labels={labels} />
        </Col>
        {can('tariffs.read') && (
          <Col span={24}>
            <BestPlansCard subscriberId={id} labels={labels} />
          </Col>
        )}
        <Col span={24}>
          <HoldingsCard holdings={data.holdings} labels={labels} />
        </Col>
        <Col span={24}>
          <ContactPointsCard subscriberId={id} labels={labels} />
        </Col>
        <Col span={24}>
          <ContactsCard subscriberId={id} labels={labels} />
        </Col>
      </Row>
    </>
  );
}
