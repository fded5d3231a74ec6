// The campaign editor: a draft's plan as a step form (basics and KPIs, budget, offers and their
// scripts, target group, channels and waves, promotion, review). Saves with the version it read;
// the server checks everything and its {code, message, field} is shown at the field and in an alert.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Radio, Row, Select, Space, Steps, Typography, Upload } from 'antd';
import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import type { FormInstance } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { advertisingMedia, budgetItems, campaignCategories, materialKinds, type BudgetItem } from '../../../src/campaigns/types.ts';
import { ApiError } from '../api/client.ts';
import { createCampaign, isStale, transitionCampaign, updateCampaign, useCampaign, type Campaign, type CampaignPlan } from '../api/campaigns.ts';
import { useChannels } from '../api/platform.ts';
import { useSegmentFields, useSegments, type SavedSegment, type SegmentFilter } from '../api/segments.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { FullPageSpin } from '../components/FullPageSpin.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { FilterField, FilterInModal, useFilterPreview, useFilterText } from '../components/FilterEditor.tsx';
import { filterOf, treeOf, type FieldSpec, type GroupNode } from '../components/filterTree.ts';
import { ProductSelect } from '../components/ProductSelect.tsx';
import { useLabels } from '../i18n/labels.ts';

type Target = NonNullable<CampaignPlan['target']>;

/** The plan as the form holds it: money in yuan, rates in percent, scripts and id lists as editable rows/text. */
interface PlanForm {
  name: string;
  category: CampaignPlan['category'];
  goal?: string;
  kpis?: { targetResponders?: number | null; targetSuccessRatePct?: number | null; valuePerResponseYuan?: number | null };
  budget?: Array<{ item: string; plannedYuan: number; note?: string; actualFen?: number }>;
  offers?: Array<{ productId: string; scripts?: Array<{ channelId: string; text: string }> }>;
  /** `tree`: the campaign's own conditions, as the segment builder edits them. */
  target?: { kind: 'none' | 'segment' | 'list' | 'filter'; segmentId?: number; subscriberIdsText?: string; tree?: GroupNode };
  /** `when`: the conditions a customer must meet for the rule (none: everyone), as the segment builder edits them. */
  channels?: Array<{ channelId: string; segment?: string; when?: GroupNode }>;
  waveMode?: 'parallel' | 'serial';
  channelPriority?: 'rules' | 'preference';
  waves?: Array<{ name?: string; startDate: string; endDate: string; size?: number | null; channels?: string[] }>;
  controlPercent?: number | null;
  promotion?: {
    advertising?: Array<{ medium: string; content: string; startDate: string; endDate: string; costYuan?: number | null }>;
    materials?: Array<{ kind: string; description?: string; quantity: number; destination: string }>;
  };
}

const toFen = (yuan: number | null | undefined) => Math.round((yuan ?? 0) * 100);
const present = <T,>(v: T | null | undefined): v is T => v !== null && v !== undefined && (v as unknown) !== '';
const optional = <K extends string, V>(key: K, v: V | null | undefined) => (present(v) ? ({ [key]: v } as Record<K, V>) : {});

/** The subscriber ids in an uploaded or pasted list: any run of digits, one id each. */
export const parseSubscriberIds = (text: string): number[] => (text.match(/\d+/g) ?? []).map(Number);

function planToForm(plan: CampaignPlan): PlanForm {
  return {
    name: plan.name,
    category: plan.category,
    goal: plan.goal,
    kpis: {
      targetResponders: plan.kpis?.targetResponders,
      targetSuccessRatePct: plan.kpis?.targetSuccessRate === undefined ? undefined : plan.kpis.targetSuccessRate * 100,
      valuePerResponseYuan: plan.kpis?.valuePerResponseFen === undefined ? undefined : plan.kpis.valuePerResponseFen / 100,
    },
    budget: plan.budget?.map((b) => ({ item: b.item, plannedYuan: b.plannedFen / 100, note: b.note, actualFen: b.actualFen })),
    offers: plan.offers?.map((o) => ({ productId: o.productId, scripts: Object.entries(o.scripts ?? {}).map(([channelId, text]) => ({ channelId, text })) })),
    target: plan.target
      ? { kind: plan.target.kind, segmentId: plan.target.segmentId, subscriberIdsText: plan.target.subscriberIds?.join('\n'), tree: treeOf(plan.target.filter) ?? undefined }
      : { kind: 'none' },
    channels: plan.channels?.map((c) => ({ channelId: c.channelId, segment: c.segment, when: c.when === undefined ? undefined : (treeOf(c.when) ?? undefined) })),
    waveMode: plan.waveMode ?? 'parallel',
    channelPriority: plan.channelPriority?.by ?? 'rules',
    waves: plan.waves?.map((w) => ({ ...w })),
    controlPercent: plan.controlPercent ?? 0,
    promotion: {
      advertising: plan.promotion?.advertising?.map((a) => ({ ...a, costYuan: a.costFen === undefined ? undefined : a.costFen / 100 })),
      materials: plan.promotion?.materials?.map((m) => ({ ...m })),
    },
  };
}

/**
 * The form back as the plan the API takes; what the form does not edit (alert thresholds) is kept.
 * Conditions still being filled in (or read before the field catalogue) go as an empty filter, which the
 * API refuses naming the field: never as "no conditions", which would mean everyone.
 */
function formToPlan(v: PlanForm, original: CampaignPlan | undefined, fields: ReadonlyMap<string, FieldSpec>): CampaignPlan {
  const channels = (v.channels ?? []).filter((c) => c?.channelId);
  const rules = channels.map((c) => ({ channelId: c.channelId, ...optional('segment', c.segment?.trim()), ...(c.when ? { when: filterOf(c.when, fields) ?? {} } : {}) }));
  let target: Target | undefined;
  if (v.target?.kind === 'segment') target = { kind: 'segment', ...optional('segmentId', v.target.segmentId) };
  else if (v.target?.kind === 'list') target = { kind: 'list', subscriberIds: parseSubscriberIds(v.target.subscriberIdsText ?? '') };
  else if (v.target?.kind === 'filter') {
    // a filter target opened and left untouched is kept; one just chosen and not yet built is empty
    const kept = original?.target?.kind === 'filter' ? original.target.filter : {};
    target = { kind: 'filter', filter: v.target.tree ? (filterOf(v.target.tree, fields) ?? {}) : kept };
  }
  const kpis = {
    ...optional('targetResponders', v.kpis?.targetResponders),
    ...(present(v.kpis?.targetSuccessRatePct) ? { targetSuccessRate: v.kpis.targetSuccessRatePct / 100 } : {}),
    ...(present(v.kpis?.valuePerResponseYuan) ? { valuePerResponseFen: toFen(v.kpis.valuePerResponseYuan) } : {}),
  };
  return {
    name: v.name ?? '',
    category: v.category,
    ...optional('goal', v.goal),
    kpis,
    ...(original?.alerts ? { alerts: original.alerts } : {}),
    budget: (v.budget ?? []).map((b) => ({ item: b.item as BudgetItem, plannedFen: toFen(b.plannedYuan), ...optional('note', b.note), ...optional('actualFen', b.actualFen) })),
    offers: (v.offers ?? []).map((o) => ({
      productId: (o.productId ?? '').trim(),
      scripts: Object.fromEntries((o.scripts ?? []).filter((s) => s?.channelId).map((s) => [s.channelId, s.text ?? ''])),
    })),
    ...(target ? { target } : {}),
    channels: rules,
    ...(v.channelPriority === 'preference' ? { channelPriority: { by: 'preference' as const } } : {}),
    waveMode: v.waveMode ?? 'parallel',
    waves: (v.waves ?? []).map((w) => ({
      startDate: w.startDate ?? '',
      endDate: w.endDate ?? '',
      ...optional('name', w.name),
      ...optional('size', w.size),
      ...(w.channels?.length ? { channels: w.channels } : {}),
    })),
    controlPercent: v.controlPercent ?? 0,
    promotion: {
      advertising: (v.promotion?.advertising ?? []).map((a) => ({
        medium: a.medium as 'tv',
        content: a.content ?? '',
        startDate: a.startDate ?? '',
        endDate: a.endDate ?? '',
        ...(present(a.costYuan) ? { costFen: toFen(a.costYuan) } : {}),
      })),
      materials: (v.promotion?.materials ?? []).map((m) => ({
        kind: m.kind as 'poster',
        quantity: m.quantity,
        destination: m.destination ?? '',
        ...optional('description', m.description),
      })),
    },
  };
}

const steps = ['basics', 'budget', 'offers', 'target', 'channels', 'promotion', 'review'] as const;

/** The step that edits a plan field the server named ('waves[0].endDate' → channels). */
function stepOfField(field: string): number {
  const root = field.split(/[.[]/)[0];
  const at: Record<string, (typeof steps)[number]> = {
    name: 'basics', category: 'basics', goal: 'basics', kpis: 'basics', alerts: 'basics',
    budget: 'budget', offers: 'offers', target: 'target',
    channels: 'channels', channelPriority: 'channels', waveMode: 'channels', waves: 'channels', controlPercent: 'channels',
    promotion: 'promotion',
  };
  return steps.indexOf(at[root] ?? 'review');
}

/** The form path of a plan field the server named, where the form has it. */
function formPathOf(field: string, scriptsOf?: (offer: number) => Array<{ channelId?: string }>): Array<string | number> | null {
  const path: Array<string | number> = [];
  // the schema check names 'budget.0.plannedFen', the domain checks 'budget[0].plannedFen'
  const bracketed = field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  for (const part of bracketed.matchAll(/([A-Za-z_]\w*)|\[(\d+)\]/g)) path.push(part[2] !== undefined ? Number(part[2]) : part[1]);
  if (path[0] === 'offers' && path[2] === 'scripts') {
    // scripts are keyed by channel in the plan and listed as rows in the form
    const rows = scriptsOf?.(path[1] as number) ?? [];
    const row = rows.findIndex((r) => r?.channelId === path[3]);
    return row >= 0 ? ['offers', path[1], 'scripts', row, 'channelId'] : ['offers', path[1], 'productId'];
  }
  if (path[0] === 'target' && (path[1] === 'subscriberIds')) return ['target', 'subscriberIdsText'];
  const renamed: Record<string, string> = { plannedFen: 'plannedYuan', costFen: 'costYuan', valuePerResponseFen: 'valuePerResponseYuan', targetSuccessRate: 'targetSuccessRatePct' };
  const last = path.at(-1);
  if (typeof last === 'string' && renamed[last]) path[path.length - 1] = renamed[last];
  // conditions are edited as a whole: their errors show on the builder
  if (path[0] === 'channels' && path[2] === 'when') return ['channels', path[1] as number, 'when'];
  if (path[0] === 'target' && path[1] === 'filter') return ['target', 'tree'];
  return path.length ? path : null;
}

const dateRule = { pattern: /^\d{4}-\d{2}-\d{2}$/, messageKey: 'campaign.editor.dateFormat' };

export default function CampaignEditorPage() {
  const { id } = useParams();
  const campaignId = id ? Number(id) : null;
  const { data: campaign, error: loadError, loading } = useCampaign(campaignId);
  if (campaignId !== null && !campaign) {
    if (loadError) return <ErrorAlert error={loadError} />;
    if (loading) return <FullPageSpin />;
  }
  return <CampaignEditor key={campaign?.campaignId ?? 'new'} campaign={campaign} />;
}

function CampaignEditor({ campaign }: { campaign: Campaign | undefined }) {
  const { t, label, name: pick } = useLabels();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<PlanForm>();
  const [step, setStep] = useState(0);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [saved, setSaved] = useState<Campaign | undefined>(campaign);
  const channels = useChannels();
  const segments = useSegments();
  const segmentFields = useSegmentFields();
  const fieldSpecs = useMemo(() => new Map((segmentFields.data ?? []).map((f) => [f.name, f])), [segmentFields.data]);
  const initial = useMemo<PlanForm>(
    () => (campaign ? planToForm(campaign.plan) : { name: '', category: 'new_service', target: { kind: 'none' }, waveMode: 'parallel', controlPercent: 10, kpis: {}, promotion: {} }),
    [campaign],
  );
  const editable = !saved || saved.status === 'draft';

  const channelOptions = (channels.data ?? []).map((c) => ({ value: c.channelId, label: `${pick(c.nameZh, c.nameEn)} (${c.channelId})` }));
  const ruleChannels: Array<{ channelId?: string }> = Form.useWatch('channels', form) ?? [];
  const chosenChannelOptions = channelOptions.filter((o) => ruleChannels.some((r) => r?.channelId === o.value));
  const targetKind = Form.useWatch(['target', 'kind'], form);
  const idsText: string = Form.useWatch(['target', 'subscriberIdsText'], form) ?? '';
  const targetSegmentId: number | undefined = Form.useWatch(['target', 'segmentId'], form);

  useEffect(() => {
    if (saved && saved.status !== 'draft') setError(new Error(t('campaign.editor.notEditable', { status: label('campaign.status', saved.status) })));
  }, [saved, t, label]);

  /** Saves the plan (create or update with the version read); returns the saved campaign or undefined. */
  async function save(): Promise<Campaign | undefined> {
    setError(undefined);
    const plan = formToPlan(form.getFieldsValue(true) as PlanForm, saved?.plan, fieldSpecs);
    setSaving(true);
    try {
      const result = saved ? await updateCampaign(saved.campaignId, plan, saved.version) : await createCampaign(plan);
      setSaved(result);
      return result;
    } catch (e) {
      showError(e);
      return undefined;
    } finally {
      setSaving(false);
    }
  }

  function showError(e: unknown) {
    const problem = e instanceof Error ? e : new Error(String(e));
    setError(problem);
    const field = (problem as Partial<ApiError>).field;
    if (field && !isStale(problem) && field !== 'role') {
      const path = formPathOf(field, (offer) => form.getFieldValue(['offers', offer, 'scripts']) ?? []);
      if (path) form.setFields([{ name: path as never, errors: [problem.message] }]);
      setStep(stepOfField(field));
    }
  }

  async function saveDraft() {
    const result = await save();
    if (result) message.success(t('campaign.editor.saved', { version: result.version }));
  }

  async function submit() {
    const result = await save();
    if (!result) return;
    try {
      const submitted = await transitionCampaign(result.campaignId, 'submit', result.version);
      message.success(t('campaign.editor.submitted'));
      navigate(`/campaigns/${submitted.campaignId}`);
    } catch (e) {
      showError(e);
    }
  }

  const next = async () => {
    // only the current step's own checks (required fields, formats); the server checks the rest
    try {
      await form.validateFields();
    } catch (e) {
      const fields = (e as { errorFields?: Array<{ name: Array<string | number> }> }).errorFields ?? [];
      const here = fields.filter((f) => stepOfField(String(f.name[0])) === step);
      if (here.length) return;
    }
    setStep((s) => Math.min(s + 1, steps.length - 1));
  };

  const removeButton = (onClick: () => void) => <Button type="text" danger icon={<DeleteOutlined />} onClick={onClick} aria-label={t('campaign.editor.remove')} />;
  const required = (what: string) => [{ required: true, message: t('campaign.editor.required', { field: what }) }];
  const dateRules = (what: string) => [...required(what), { pattern: dateRule.pattern, message: t(dateRule.messageKey) }];

  const staleAlert = isStale(error) && (
    <Alert
      type="warning"
      showIcon
      data-testid="stale-version"
      style={{ marginBottom: 16 }}
      message={t('campaign.stale')}
      description={error?.message}
      action={<Button size="small" onClick={() => window.location.reload()}>{t('campaign.reload')}</Button>}
    />
  );

  return (
    <>
      <PageHeader
        title={saved ? t('campaign.editor.editTitle', { name: saved.name, id: saved.campaignId }) : t('campaign.editor.newTitle')}
        extra={saved && <Button onClick={() => navigate(`/campaigns/${saved.campaignId}`)}>{t('campaign.openDetail')}</Button>}
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Steps size="small" current={step} onChange={setStep} items={steps.map((s) => ({ title: t(`campaign.editor.steps.${s}`) }))} data-testid="campaign-steps" />
      </Card>
      {staleAlert || <ErrorAlert error={error} />}
      <ErrorAlert error={segmentFields.error} onRetry={segmentFields.reload} />
      <Card>
        <Form<PlanForm> form={form} layout="vertical" initialValues={initial} disabled={!editable} data-testid="campaign-form" preserve>
          <div style={{ display: step === 0 ? undefined : 'none' }}>
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item name="name" label={t('campaign.name')} rules={required(t('campaign.name'))}>
                  <Input maxLength={100} data-testid="campaign-name" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="category" label={t('campaign.category')} rules={required(t('campaign.category'))}>
                  <Select data-testid="campaign-category" options={campaignCategories.map((c) => ({ value: c, label: label('campaign.categories', c) }))} />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="goal" label={t('campaign.goal')}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
            <Row gutter={16}>
              <Col xs={24} md={8}>
                <Form.Item name={['kpis', 'targetResponders']} label={t('campaign.kpi.targetResponders')}>
                  <InputNumber min={0} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name={['kpis', 'targetSuccessRatePct']} label={t('campaign.kpi.targetSuccessRate')}>
                  <InputNumber min={0} max={100} suffix="%" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name={['kpis', 'valuePerResponseYuan']} label={t('campaign.kpi.valuePerResponse')}>
                  <InputNumber min={0} precision={2} prefix="¥" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
          </div>

          <div style={{ display: step === 1 ? undefined : 'none' }}>
            <Typography.Paragraph type="secondary">{t('campaign.editor.budgetHelp')}</Typography.Paragraph>
            <Form.List name="budget">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline" wrap style={{ display: 'flex' }}>
                      <Form.Item name={[f.name, 'item']} label={t('campaign.budget.item')} rules={required(t('campaign.budget.item'))}>
                        <Select style={{ width: 200 }} data-testid={`budget-item-${f.name}`} options={budgetItems.map((b) => ({ value: b, label: label('campaign.budgetItems', b) }))} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'plannedYuan']} label={t('campaign.budget.planned')} rules={required(t('campaign.budget.planned'))}>
                        <InputNumber precision={2} prefix="¥" style={{ width: 200 }} data-testid={`budget-planned-${f.name}`} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'note']} label={t('campaign.budget.note')}>
                        <Input style={{ width: 260 }} maxLength={500} />
                      </Form.Item>
                      {removeButton(() => remove(f.name))}
                    </Space>
                  ))}
                  <div style={{ marginTop: 8 }}>
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} disabled={!editable || fields.length >= budgetItems.length} data-testid="budget-add">
                      {t('campaign.budget.add')}
                    </Button>
                  </div>
                </>
              )}
            </Form.List>
          </div>

          <div style={{ display: step === 2 ? undefined : 'none' }}>
            <Typography.Paragraph type="secondary">{t('campaign.editor.offersHelp')}</Typography.Paragraph>
            <Form.List name="offers">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Card key={f.key} size="small" style={{ marginBottom: 12 }} title={t('campaign.offer.title', { n: f.name + 1 })} extra={removeButton(() => remove(f.name))}>
                      <Form.Item name={[f.name, 'productId']} label={t('campaign.offer.productId')} rules={required(t('campaign.offer.productId'))} extra={t('campaign.offer.productHelp')}>
                        <ProductSelect data-testid={`offer-product-${f.name}`} />
                      </Form.Item>
                      <Form.List name={[f.name, 'scripts']}>
                        {(scripts, ops) => (
                          <>
                            {scripts.map((s) => (
                              <Space key={s.key} align="start" wrap style={{ display: 'flex' }}>
                                <Form.Item name={[s.name, 'channelId']} label={t('campaign.offer.channel')} rules={required(t('campaign.offer.channel'))}>
                                  <Select showSearch optionFilterProp="label" style={{ width: 220 }} options={channelOptions} />
                                </Form.Item>
                                <Form.Item name={[s.name, 'text']} label={t('campaign.offer.script')}>
                                  <Input.TextArea rows={2} style={{ width: 420 }} maxLength={4000} />
                                </Form.Item>
                                {removeButton(() => ops.remove(s.name))}
                              </Space>
                            ))}
                            <div>
                              <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => ops.add()} disabled={!editable}>
                                {t('campaign.offer.addScript')}
                              </Button>
                            </div>
                          </>
                        )}
                      </Form.List>
                    </Card>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ scripts: [] })} disabled={!editable} data-testid="offer-add">
                    {t('campaign.offer.add')}
                  </Button>
                </>
              )}
            </Form.List>
          </div>

          <div style={{ display: step === 3 ? undefined : 'none' }}>
            <Form.Item name={['target', 'kind']} label={t('campaign.target.kind')}>
              <Radio.Group data-testid="target-kind">
                <Radio value="none">{t('campaign.target.none')}</Radio>
                <Radio value="segment" data-testid="target-kind-segment">{t('campaign.target.segment')}</Radio>
                <Radio value="list" data-testid="target-kind-list">{t('campaign.target.list')}</Radio>
                <Radio value="filter" data-testid="target-kind-filter">{t('campaign.target.filter')}</Radio>
              </Radio.Group>
            </Form.Item>
            {targetKind === 'segment' && (
              <Form.Item name={['target', 'segmentId']} label={t('campaign.target.segment')} rules={required(t('campaign.target.segment'))}>
                <Select
                  style={{ width: 360 }}
                  loading={segments.loading}
                  showSearch
                  optionFilterProp="label"
                  notFoundContent={t('campaign.target.noSegments')}
                  options={(segments.data ?? []).map((s) => ({ value: s.segmentId, label: `${s.name} (#${s.segmentId})` }))}
                  data-testid="target-segment"
                />
              </Form.Item>
            )}
            {targetKind === 'segment' && <SegmentSummary segment={(segments.data ?? []).find((x) => x.segmentId === targetSegmentId)} />}
            {targetKind === 'list' && (
              <>
                <Upload
                  accept=".txt,.csv"
                  showUploadList={false}
                  beforeUpload={(file) => {
                    void file.text().then((text) => form.setFieldValue(['target', 'subscriberIdsText'], parseSubscriberIds(text).join('\n')));
                    return false;
                  }}
                >
                  <Button icon={<UploadOutlined />} style={{ marginBottom: 12 }}>
                    {t('campaign.target.upload')}
                  </Button>
                </Upload>
                <Form.Item
                  name={['target', 'subscriberIdsText']}
                  label={t('campaign.target.ids')}
                  extra={t('campaign.target.idsCount', { count: parseSubscriberIds(idsText).length })}
                  rules={required(t('campaign.target.ids'))}
                >
                  <Input.TextArea rows={6} data-testid="target-ids" placeholder={t('campaign.target.idsPlaceholder')} />
                </Form.Item>
              </>
            )}
            {targetKind === 'filter' && (
              <Form.Item
                name={['target', 'tree']}
                rules={[{ validator: (_, tree?: GroupNode) => (tree && filterOf(tree, fieldSpecs) ? Promise.resolve() : Promise.reject(new Error(t('segments.completeConditions')))) }]}
              >
                <FilterField fields={segmentFields.data ?? []} />
              </Form.Item>
            )}
          </div>

          <div style={{ display: step === 4 ? undefined : 'none' }}>
            <Typography.Title level={5}>{t('campaign.channels.title')}</Typography.Title>
            <Typography.Paragraph type="secondary">{t('campaign.channels.help')}</Typography.Paragraph>
            <Form.List name="channels">
              {(fields, { add, remove, move }) => (
                <>
                  {fields.map((f, i) => (
                    <Space key={f.key} align="baseline" wrap style={{ display: 'flex' }}>
                      <Typography.Text strong>{i + 1}.</Typography.Text>
                      <Form.Item name={[f.name, 'channelId']} label={t('campaign.channels.channel')} rules={required(t('campaign.channels.channel'))}>
                        <Select showSearch optionFilterProp="label" style={{ width: 240 }} options={channelOptions} data-testid={`channel-rule-${i}`} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'segment']} label={t('campaign.channels.segment')}>
                        <Input style={{ width: 200 }} maxLength={64} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'when']} label={t('campaign.channels.when')}>
                        <FilterInModal optional fields={segmentFields.data ?? []} testId={`channel-when-${i}`} />
                      </Form.Item>
                      <Button size="small" disabled={i === 0} onClick={() => move(i, i - 1)} aria-label={t('campaign.channels.up')}>
                        ↑
                      </Button>
                      {removeButton(() => remove(f.name))}
                    </Space>
                  ))}
                  <div style={{ marginTop: 8 }}>
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} disabled={!editable} data-testid="channel-add">
                      {t('campaign.channels.add')}
                    </Button>
                  </div>
                </>
              )}
            </Form.List>

            <Form.Item name="channelPriority" label={t('campaign.channelPriority.label')} tooltip={t('campaign.channelPriority.help')} initialValue="rules">
              <Radio.Group options={['rules', 'preference'].map((m) => ({ value: m, label: t(`campaign.channelPriority.${m}`) }))} data-testid="channel-priority" />
            </Form.Item>

            <Typography.Title level={5} style={{ marginTop: 24 }}>{t('campaign.waves.title')}</Typography.Title>
            <Form.Item name="waveMode" label={t('campaign.waves.mode')}>
              <Radio.Group options={['parallel', 'serial'].map((m) => ({ value: m, label: t(`campaign.waves.modes.${m}`) }))} />
            </Form.Item>
            <Form.List name="waves">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f, i) => (
                    <Space key={f.key} align="baseline" wrap style={{ display: 'flex' }}>
                      <Form.Item name={[f.name, 'name']} label={t('campaign.waves.name')}>
                        <Input style={{ width: 140 }} maxLength={100} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'startDate']} label={t('campaign.startDate')} rules={dateRules(t('campaign.startDate'))}>
                        <Input style={{ width: 130 }} placeholder="YYYY-MM-DD" data-testid={`wave-start-${i}`} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'endDate']} label={t('campaign.endDate')} rules={dateRules(t('campaign.endDate'))}>
                        <Input style={{ width: 130 }} placeholder="YYYY-MM-DD" data-testid={`wave-end-${i}`} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'size']} label={t('campaign.waves.size')}>
                        <InputNumber min={1} precision={0} style={{ width: 120 }} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'channels']} label={t('campaign.waves.channels')}>
                        <Select mode="multiple" style={{ minWidth: 220 }} options={chosenChannelOptions} />
                      </Form.Item>
                      {removeButton(() => remove(f.name))}
                    </Space>
                  ))}
                  <div style={{ marginTop: 8 }}>
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} disabled={!editable} data-testid="wave-add">
                      {t('campaign.waves.add')}
                    </Button>
                  </div>
                </>
              )}
            </Form.List>

            <Form.Item name="controlPercent" label={t('campaign.controlPercent')} style={{ marginTop: 24 }} extra={t('campaign.controlHelp')}>
              <InputNumber min={0} max={50} suffix="%" style={{ width: 160 }} data-testid="control-percent" />
            </Form.Item>
          </div>

          <div style={{ display: step === 5 ? undefined : 'none' }}>
            <Typography.Title level={5}>{t('campaign.promotion.advertising')}</Typography.Title>
            <Form.List name={['promotion', 'advertising']}>
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline" wrap style={{ display: 'flex' }}>
                      <Form.Item name={[f.name, 'medium']} label={t('campaign.promotion.medium')} rules={required(t('campaign.promotion.medium'))}>
                        <Select style={{ width: 120 }} options={advertisingMedia.map((m) => ({ value: m, label: label('campaign.media', m) }))} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'content']} label={t('campaign.promotion.content')} rules={required(t('campaign.promotion.content'))}>
                        <Input style={{ width: 260 }} maxLength={2000} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'startDate']} label={t('campaign.startDate')} rules={dateRules(t('campaign.startDate'))}>
                        <Input style={{ width: 130 }} placeholder="YYYY-MM-DD" />
                      </Form.Item>
                      <Form.Item name={[f.name, 'endDate']} label={t('campaign.endDate')} rules={dateRules(t('campaign.endDate'))}>
                        <Input style={{ width: 130 }} placeholder="YYYY-MM-DD" />
                      </Form.Item>
                      <Form.Item name={[f.name, 'costYuan']} label={t('campaign.promotion.cost')}>
                        <InputNumber min={0} precision={2} prefix="¥" style={{ width: 160 }} />
                      </Form.Item>
                      {removeButton(() => remove(f.name))}
                    </Space>
                  ))}
                  <div style={{ marginTop: 8 }}>
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} disabled={!editable}>
                      {t('campaign.promotion.addAdvertising')}
                    </Button>
                  </div>
                </>
              )}
            </Form.List>
            <Typography.Title level={5} style={{ marginTop: 24 }}>{t('campaign.promotion.materials')}</Typography.Title>
            <Form.List name={['promotion', 'materials']}>
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline" wrap style={{ display: 'flex' }}>
                      <Form.Item name={[f.name, 'kind']} label={t('campaign.promotion.kind')} rules={required(t('campaign.promotion.kind'))}>
                        <Select style={{ width: 130 }} options={materialKinds.map((m) => ({ value: m, label: label('campaign.materialKinds', m) }))} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'description']} label={t('campaign.promotion.description')}>
                        <Input style={{ width: 220 }} maxLength={500} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'quantity']} label={t('campaign.promotion.quantity')} rules={required(t('campaign.promotion.quantity'))}>
                        <InputNumber min={1} precision={0} style={{ width: 120 }} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'destination']} label={t('campaign.promotion.destination')} rules={required(t('campaign.promotion.destination'))}>
                        <Input style={{ width: 200 }} maxLength={200} />
                      </Form.Item>
                      {removeButton(() => remove(f.name))}
                    </Space>
                  ))}
                  <div style={{ marginTop: 8 }}>
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} disabled={!editable}>
                      {t('campaign.promotion.addMaterial')}
                    </Button>
                  </div>
                </>
              )}
            </Form.List>
          </div>

          {step === 6 && <Review form={form} fields={fieldSpecs} />}
        </Form>

        <div style={{ marginTop: 24, display: 'flex', justifyContent: 'space-between' }}>
          <Button disabled={step === 0} onClick={() => setStep((s) => s - 1)} data-testid="step-prev">
            {t('campaign.editor.prev')}
          </Button>
          <Space>
            <Button loading={saving} disabled={!editable || !segmentFields.data} onClick={() => void saveDraft()} data-testid="campaign-save">
              {t('campaign.editor.saveDraft')}
            </Button>
            {step < steps.length - 1 ? (
              <Button type="primary" onClick={() => void next()} data-testid="step-next">
                {t('campaign.editor.next')}
              </Button>
            ) : (
              <Button type="primary" loading={saving} disabled={!editable || !segmentFields.data} onClick={() => void submit()} data-testid="campaign-submit">
                {t('campaign.editor.saveSubmit')}
              </Button>
            )}
          </Space>
        </div>
      </Card>
    </>
  );
}

/** The chosen segment's conditions in words and its live count, so the planner sees whom the campaign targets. */
function SegmentSummary({ segment }: { segment: SavedSegment | undefined }) {
  const { t } = useLabels();
  const filterText = useFilterText();
  const preview = useFilterPreview((segment?.filter as SegmentFilter | undefined) ?? null);
  if (!segment) return null;
  return (
    <Typography.Paragraph type="secondary" data-testid="target-segment-summary">
      {filterText(segment.filter)}
      {preview.data && !preview.loading && ` · ${t('segments.countLine', { count: preview.data.count, percent: preview.data.total ? ((preview.data.count / preview.data.total) * 100).toFixed(1) : '0' })}`}
    </Typography.Paragraph>
  );
}

/** The review step: what will be saved, in a person's words. */
function Review({ form, fields }: { form: FormInstance<PlanForm>; fields: ReadonlyMap<string, FieldSpec> }) {
  const { t, label } = useLabels();
  const filterText = useFilterText();
  const v = form.getFieldsValue(true) as PlanForm;
  const ids = parseSubscriberIds(v.target?.subscriberIdsText ?? '');
  const targetFilter = v.target?.kind === 'filter' && v.target.tree ? filterOf(v.target.tree, fields) : null;
  const target =
    v.target?.kind === 'segment'
      ? t('campaign.target.segmentN', { id: v.target.segmentId ?? '—' })
      : v.target?.kind === 'list'
        ? t('campaign.target.listN', { count: ids.length })
        : v.target?.kind === 'filter'
          ? targetFilter ? filterText(targetFilter) : t('segments.incomplete')
          : t('campaign.target.none');
  return (
    <Descriptions bordered size="small" column={1} data-testid="campaign-review">
      <Descriptions.Item label={t('campaign.name')}>{v.name || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('campaign.category')}>{label('campaign.categories', v.category)}</Descriptions.Item>
      <Descriptions.Item label={t('campaign.goal')}>{v.goal || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('campaign.editor.steps.budget')}>
        {(v.budget ?? []).map((b) => `${label('campaign.budgetItems', b?.item)} ¥${(b?.plannedYuan ?? 0).toFixed(2)}`).join(t('common.clauseSep')) || '—'}
      </Descriptions.Item>
      <Descriptions.Item label={t('campaign.editor.steps.offers')}>{(v.offers ?? []).map((o) => o?.productId).filter(Boolean).join(t('common.clauseSep')) || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('campaign.editor.steps.target')}>{target}</Descriptions.Item>
      <Descriptions.Item label={t('campaign.channels.title')}>{(v.channels ?? []).map((c) => c?.channelId).filter(Boolean).join(' → ') || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('campaign.waves.title')}>
        {t(`campaign.waves.modes.${v.waveMode ?? 'parallel'}`)}{t('common.colon')}{(v.waves ?? []).map((w) => `${w?.startDate ?? '?'} ~ ${w?.endDate ?? '?'}`).join(t('common.clauseSep')) || '—'}
      </Descriptions.Item>
      <Descriptions.Item label={t('campaign.controlPercent')}>{v.controlPercent ?? 0}%</Descriptions.Item>
      <Descriptions.Item label={t('campaign.editor.steps.promotion')}>
        {t('campaign.promotion.summary', { advertising: v.promotion?.advertising?.length ?? 0, materials: v.promotion?.materials?.length ?? 0 })}
      </Descriptions.Item>
    </Descriptions>
  );
}
