// Contact policy 接触策略: the anti-harassment rules every batch list and real-time decision obeys —
// caps per channel and across channels over windows, intervals, stop rules, quiet hours, the
// complaint pause, reservations and the arbitration levers. Roles with policy.write edit and save a
// new version (audited on the server); others read it. The exclusion reasons are listed in the
// order the policy checks them.
import { useEffect, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Select, Space, Switch, Table, Tag, TimePicker, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { ApiError } from '../api/client.ts';
import { useChannels } from '../api/platform.ts';
import { savePolicy, usePolicy, usePolicyReasons, type ContactPolicy } from '../api/policy.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { FullPageSpin } from '../components/FullPageSpin.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLabels } from '../i18n/labels.ts';

type WindowKind = 'day' | 'week' | 'month' | 'sliding';

/** The form's shape: windows flattened, clock times as dayjs, maps as JSON text. */
interface PolicyForm extends Omit<ContactPolicy, 'caps' | 'quietHours' | 'levers' | 'minIntervalHoursPerChannel' | 'contextWeights'> {
  caps: Array<{ channel: string; kind: WindowKind; days?: number; max: number; counts: 'marketing' | 'all' }>;
  quietHours: Array<{ channel: string; from: dayjs.Dayjs; to: dayjs.Dayjs }>;
  intervals: Array<{ channel: string; hours: number }>;
  levers: Array<{ productId: string; lever: number }>;
  contextWeights: ContactPolicy['contextWeights'];
}

const toForm = (p: ContactPolicy): PolicyForm => ({
  ...p,
  caps: p.caps.map((c) => ({ channel: c.channel, kind: c.window.kind, days: c.window.kind === 'sliding' ? c.window.days : undefined, max: c.max, counts: c.counts })),
  quietHours: p.quietHours.map((q) => ({ channel: q.channel, from: dayjs(q.from, 'HH:mm'), to: dayjs(q.to, 'HH:mm') })),
  intervals: Object.entries(p.minIntervalHoursPerChannel).map(([channel, hours]) => ({ channel, hours })),
  levers: Object.entries(p.levers).map(([productId, lever]) => ({ productId, lever })),
});

const fromForm = (f: PolicyForm): ContactPolicy => {
  const { intervals, caps, quietHours, levers, ...rest } = f;
  return {
    ...rest,
    caps: caps.map((c) => ({ channel: c.channel, window: c.kind === 'sliding' ? { kind: 'sliding', days: c.days ?? 7 } : { kind: c.kind }, max: c.max, counts: c.counts })),
    quietHours: quietHours.map((q) => ({ channel: q.channel, from: q.from.format('HH:mm'), to: q.to.format('HH:mm') })),
    minIntervalHoursPerChannel: Object.fromEntries(intervals.map((i) => [i.channel, i.hours])),
    levers: Object.fromEntries(levers.map((l) => [l.productId, l.lever])),
    contextWeights: (f.contextWeights ?? []).map((w) => (w.productId ? w : { trigger: w.trigger, weight: w.weight })),
  };
};

export default function PolicyPage() {
  const { t, label, name } = useLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const policy = usePolicy();
  const reasons = usePolicyReasons();
  const channels = useChannels();
  const [form] = Form.useForm<PolicyForm>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<ApiError | Error | undefined>();
  const editable = can('policy.write');

  useEffect(() => {
    if (policy.data) form.setFieldsValue(toForm(policy.data.policy));
  }, [policy.data, form]);

  if (!policy.data) return policy.error ? <ErrorAlert error={policy.error} onRetry={policy.reload} /> : <FullPageSpin />;
  const channelOptions = [{ value: '*', label: t('policy.allChannels') }, ...(channels.data ?? []).map((c) => ({ value: c.channelId, label: name(c.nameZh, c.nameEn) }))];
  const channelOnly = channelOptions.slice(1);

  const save = async () => {
    setFailure(undefined);
    const values = await form.validateFields();
    setSaving(true);
    try {
      const saved = await savePolicy(policy.data!.version, fromForm(values));
      message.success(t('policy.saved', { version: saved.version }));
      policy.reload();
    } catch (e) {
      setFailure(e as Error);
    } finally {
      setSaving(false);
    }
  };

  const row = (fields: Array<[keyof PolicyForm, number, number, number?]>) => (
    <Row gutter={16}>
      {fields.map(([field, min, max, step]) => (
        <Col xs={24} md={8} key={field}>
          <Form.Item name={field} label={t(`policy.field.${field}`)} tooltip={t(`policy.help.${field}`)} rules={[{ required: true }]}>
            <InputNumber min={min} max={max} step={step ?? 1} style={{ width: '100%' }} disabled={!editable} />
          </Form.Item>
        </Col>
      ))}
    </Row>
  );

  return (
    <div data-testid="policy-page">
      <PageHeader
        title={t('policy.title')}
        extra={
          editable && (
            <Button type="primary" loading={saving} onClick={() => void save()} data-testid="policy-save">
              {t('policy.save')}
            </Button>
          )
        }
      >
        <Typography.Text type="secondary">
          {policy.data.version === 0 ? t('policy.defaultVersion') : t('policy.version', { version: policy.data.version, by: policy.data.updatedBy, at: policy.data.updatedAt })}
        </Typography.Text>
      </PageHeader>
      <ErrorAlert error={failure} />
      <Form form={form} layout="vertical" disabled={!editable}>
        <Card title={t('policy.caps')} size="small" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('policy.capsHelp')}</Typography.Paragraph>
          <Form.List name="caps">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline" wrap>
                    <Form.Item name={[field.name, 'channel']} rules={[{ required: true }]}>
                      <Select options={channelOptions} style={{ width: 180 }} aria-label={t('policy.channel')} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'kind']} rules={[{ required: true }]}>
                      <Select style={{ width: 140 }} options={(['day', 'week', 'month', 'sliding'] as const).map((k) => ({ value: k, label: t(`policy.window.${k}`) }))} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() =>
                        form.getFieldValue(['caps', field.name, 'kind']) === 'sliding' && (
                          <Form.Item name={[field.name, 'days']} rules={[{ required: true }]}>
                            <InputNumber min={1} max={366} suffix={t('policy.days')} style={{ width: 130 }} />
                          </Form.Item>
                        )
                      }
                    </Form.Item>
                    <Form.Item name={[field.name, 'max']} rules={[{ required: true }]}>
                      <InputNumber min={0} max={1000} prefix={t('policy.atMost')} style={{ width: 150 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'counts']} rules={[{ required: true }]}>
                      <Select style={{ width: 200 }} options={(['marketing', 'all'] as const).map((k) => ({ value: k, label: t(`policy.counts.${k}`) }))} />
                    </Form.Item>
                    {editable && <MinusCircleOutlined onClick={() => remove(field.name)} aria-label={t('common.remove')} />}
                  </Space>
                ))}
                {editable && (
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ channel: '*', kind: 'week', max: 3, counts: 'marketing' })}>
                    {t('policy.addCap')}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Card>

        <Card title={t('policy.rules')} size="small" style={{ marginBottom: 16 }}>
          {row([
            ['minIntervalHours', 0, 2160],
            ['maxRefusals', 0, 100],
            ['stopLookbackDays', 1, 366],
          ])}
          {row([
            ['complaintQuietDays', 0, 366],
            ['maxContactsPerWave', 1, 100],
            ['reservationTimeoutSeconds', 10, 604800],
          ])}
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="stopAfterAcceptance" label={t('policy.field.stopAfterAcceptance')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item label={t('policy.field.minIntervalHoursPerChannel')}>
                <Form.List name="intervals">
                  {(fields, { add, remove }) => (
                    <>
                      {fields.map((field) => (
                        <Space key={field.key} align="baseline">
                          <Form.Item name={[field.name, 'channel']} rules={[{ required: true }]}>
                            <Select options={channelOnly} style={{ width: 180 }} />
                          </Form.Item>
                          <Form.Item name={[field.name, 'hours']} rules={[{ required: true }]}>
                            <InputNumber min={0} max={2160} suffix={t('policy.hours')} />
                          </Form.Item>
                          {editable && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                        </Space>
                      ))}
                      {editable && (
                        <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ channel: 'outbound', hours: 72 })}>
                          {t('policy.addInterval')}
                        </Button>
                      )}
                    </>
                  )}
                </Form.List>
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('policy.quietHours')} size="small" style={{ marginBottom: 16 }}>
          <Form.List name="quietHours">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline">
                    <Form.Item name={[field.name, 'channel']} rules={[{ required: true }]}>
                      <Select options={channelOptions} style={{ width: 180 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'from']} rules={[{ required: true }]}>
                      <TimePicker format="HH:mm" minuteStep={5} placeholder={t('policy.from')} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'to']} rules={[{ required: true }]}>
                      <TimePicker format="HH:mm" minuteStep={5} placeholder={t('policy.to')} />
                    </Form.Item>
                    {editable && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                  </Space>
                ))}
                {editable && (
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ channel: 'outbound', from: dayjs('21:00', 'HH:mm'), to: dayjs('09:00', 'HH:mm') })}>
                    {t('policy.addQuiet')}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Card>

        <Card title={t('policy.arbitration')} size="small" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('policy.arbitrationHelp')}</Typography.Paragraph>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="defaultPropensity" label={t('policy.field.defaultPropensity')} rules={[{ required: true }]}>
                <InputNumber min={0} max={1} step={0.05} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="maxOffersPerDecision" label={t('policy.field.maxOffersPerDecision')} rules={[{ required: true }]}>
                <InputNumber min={1} max={10} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="feedbackMatchDays" label={t('policy.field.feedbackMatchDays')} tooltip={t('policy.help.feedbackMatchDays')} rules={[{ required: true }]}>
                <InputNumber min={0} max={60} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Text strong>{t('policy.levers')}</Typography.Text>
          <Form.List name="levers">
            {(fields, { add, remove }) => (
              <div>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline">
                    <Form.Item name={[field.name, 'productId']} rules={[{ required: true }]}>
                      <Input placeholder={t('policy.productId')} style={{ width: 180 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'lever']} rules={[{ required: true }]}>
                      <InputNumber min={0} max={100} step={0.1} prefix="×" />
                    </Form.Item>
                    {editable && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                  </Space>
                ))}
                {editable && (
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ productId: '', lever: 1 })}>
                    {t('policy.addLever')}
                  </Button>
                )}
              </div>
            )}
          </Form.List>
          <Typography.Text strong style={{ display: 'block', marginTop: 12 }}>
            {t('policy.contextWeights')}
          </Typography.Text>
          <Form.List name="contextWeights">
            {(fields, { add, remove }) => (
              <div>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline">
                    <Form.Item name={[field.name, 'trigger']} rules={[{ required: true }]}>
                      <Input placeholder={t('policy.trigger')} style={{ width: 180 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'productId']}>
                      <Input placeholder={t('policy.anyProduct')} style={{ width: 160 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'weight']} rules={[{ required: true }]}>
                      <InputNumber min={0} max={100} step={0.1} prefix="×" />
                    </Form.Item>
                    {editable && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                  </Space>
                ))}
                {editable && (
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ trigger: 'bill_payment', weight: 1.5 })}>
                    {t('policy.addWeight')}
                  </Button>
                )}
              </div>
            )}
          </Form.List>
        </Card>
      </Form>

      <Card title={t('policy.reasons')} size="small">
        <Typography.Paragraph type="secondary">{t('policy.reasonsHelp')}</Typography.Paragraph>
        <Table
          size="small"
          pagination={false}
          rowKey="code"
          dataSource={(reasons.data ?? []).map((code, i) => ({ code, order: i + 1 }))}
          columns={[
            { title: '#', dataIndex: 'order', width: 60 },
            { title: t('policy.reasonCode'), dataIndex: 'code', render: (code: string) => <Tag>{code}</Tag> },
            { title: t('policy.reasonMeaning'), dataIndex: 'code', key: 'meaning', render: (code: string) => label('policy.reason', code) },
          ]}
        />
        <Descriptions size="small" style={{ marginTop: 12 }} column={1}>
          <Descriptions.Item label={t('policy.decideApi')}>POST /api/decide · X-Channel-Key</Descriptions.Item>
        </Descriptions>
      </Card>
    </div>
  );
}
