// The inputs of each kind of condition in the segment builder (components/FilterEditor.tsx): a
// field with its operator and value, a product held, contacts, browsing, a model score, a tariff
// recommendation, a diversion outcome; and the lists their pickers choose from, loaded once per editor.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { AutoComplete, Input, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { webSites } from '../api/analytics.ts';
import { useCampaigns, type CampaignSummary } from '../api/campaigns.ts';
import { useApi } from '../api/client.ts';
import { useAllModelRuns, useScoreLabels, type ModelRun } from '../api/models.ts';
import { useChannels, useCities, type Channel } from '../api/platform.ts';
import type { SegmentField } from '../api/segments.ts';
import type { TariffRun } from '../api/tariffs.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useLabels } from '../i18n/labels.ts';
import { ProductSelect } from './ProductSelect.tsx';
import { diversionOutcomes, scoreOps, type ComparisonOp, type ConditionKind, type Params } from './filterTree.ts';

/** What the pickers choose from, loaded once for the whole editor. */
export interface Pickers {
  fields: SegmentField[];
  channels: Channel[];
  modelRuns: ModelRun[];
  tariffRuns: TariffRun[];
  diversionCampaigns: CampaignSummary[];
}

export const PickerContext = createContext<Pickers>({ fields: [], channels: [], modelRuns: [], tariffRuns: [], diversionCampaigns: [] });

const contactTypes = ['consultation', 'complaint', 'transaction', 'marketing', 'care', 'browse'] as const;

/** The codes under a translation group (e.g. 'business', 'contactPoints.topic'), for pickers and suggestions. */
function useCodes(group: string): string[] {
  const { i18n } = useTranslation();
  return useMemo(() => {
    let node: unknown = i18n.getResourceBundle(i18n.language, 'translation');
    for (const part of group.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
    return Object.keys((node as Record<string, string> | undefined) ?? {});
  }, [i18n, i18n.language, group]);
}

/** The codes of a field picked from their list: tariff plans, or cities. */
function CodeSelect({ source, multiple, value, onChange }: { source: 'plans' | 'cities'; multiple: boolean; value: unknown; onChange: (value: unknown) => void }) {
  const { name } = useLabels();
  const cities = useCities();
  const shown = multiple ? (Array.isArray(value) ? value.map(String) : []) : (value as string | undefined);
  if (source === 'plans') return <ProductSelect includeInactive kinds={['tariff_plan']} multiple={multiple} value={shown} onChange={onChange} width={240} data-testid="condition-value" />;
  return (
    <Select
      showSearch
      mode={multiple ? 'multiple' : undefined}
      optionFilterProp="label"
      style={{ minWidth: 180 }}
      value={shown}
      onChange={onChange}
      options={(cities ?? []).map((c) => ({ value: c.cityCode, label: name(c.nameZh, c.nameEn) }))}
      data-testid="condition-value"
    />
  );
}

function FieldValueInput({ field, op, value, onChange }: { field: SegmentField; op: ComparisonOp | undefined; value: unknown; onChange: (value: unknown) => void }) {
  const { t, label } = useLabels();
  if (!op || op === 'isTrue' || op === 'isFalse') return null;
  const valueLabel = (v: string) => label(field.name, v);
  if (op === 'between') {
    // a half-filled range keeps NaN in the empty end; the model waits for both
    const [low, high] = (Array.isArray(value) ? value : [NaN, NaN]).map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
    const set = (l: number | null | undefined, h: number | null | undefined) => onChange([l ?? NaN, h ?? NaN]);
    return (
      <Space.Compact>
        <InputNumber placeholder={t('segments.low')} value={low} onChange={(v) => set(v, high)} style={{ width: 90 }} />
        <InputNumber placeholder={t('segments.high')} value={high} onChange={(v) => set(low, v)} style={{ width: 90 }} />
      </Space.Compact>
    );
  }
  if (field.source) return <CodeSelect source={field.source} multiple={op === 'in' || op === 'notIn'} value={value} onChange={onChange} />;
  if (op === 'in' || op === 'notIn') {
    const values = Array.isArray(value) ? value.map(String) : [];
    const toValue = (list: string[]) => (field.type === 'number' ? list.map(Number).filter((n) => Number.isFinite(n)) : list);
    return field.values ? (
      <Select mode="multiple" style={{ minWidth: 180 }} value={values} onChange={(list: string[]) => onChange(list)} options={field.values.map((v) => ({ value: v, label: valueLabel(v) }))} />
    ) : (
      <Select mode="tags" style={{ minWidth: 180 }} placeholder={t('segments.values')} value={values} open={false} onChange={(list: string[]) => onChange(toValue(list))} tokenSeparators={[',', ' ']} />
    );
  }
  if (field.values) {
    return <Select style={{ width: 180 }} value={value as string | undefined} onChange={(v: string) => onChange(v)} options={field.values.map((v) => ({ value: v, label: valueLabel(v) }))} />;
  }
  if (field.type === 'number') return <InputNumber style={{ width: 180 }} value={value as number | undefined} onChange={(v) => onChange(v ?? undefined)} />;
  return <Input style={{ width: 180 }} value={value as string | undefined} onChange={(e) => onChange(e.target.value)} />;
}

function FieldInputs({ params, set }: InputsProps) {
  const { t, english } = useLabels();
  const { fields } = useContext(PickerContext);
  const field = fields.find((f) => f.name === params.field);
  const options = (['profile', 'usage', 'contact'] as const).map((group) => ({
    label: t(`segments.group.${group}`),
    options: fields.filter((f) => f.group === group).map((f) => ({ value: f.name, label: english ? f.labelEn : f.labelZh })),
  }));
  return (
    <>
      <Select
        showSearch
        optionFilterProp="label"
        placeholder={t('segments.field')}
        style={{ width: 190 }}
        value={params.field as string | undefined}
        options={options}
        onChange={(name: string) => set({ field: name, op: fields.find((f) => f.name === name)?.ops[0], value: undefined })}
        data-testid="condition-field"
      />
      <Select
        placeholder={t('segments.operator')}
        style={{ width: 120 }}
        value={params.op as ComparisonOp | undefined}
        disabled={!field}
        options={(field?.ops ?? []).map((op) => ({ value: op, label: t(`segments.op.${op}`) }))}
        onChange={(op: ComparisonOp) => set({ op, value: undefined })}
        data-testid="condition-op"
      />
      {field && <FieldValueInput field={field} op={params.op as ComparisonOp | undefined} value={params.value} onChange={(value) => set({ value })} />}
    </>
  );
}

/** "within N days, at least M times": the window of the contacted and browsed conditions. */
function WindowInputs({ params, set }: InputsProps) {
  const { t } = useLabels();
  return (
    <>
      <InputNumber
        prefix={t('segments.withinDays')}
        suffix={t('segments.days')}
        min={1}
        max={366}
        precision={0}
        style={{ width: 220 }}
        value={params.withinDays as number | undefined}
        onChange={(v) => set({ withinDays: v ?? undefined })}
        data-testid="condition-within-days"
      />
      <InputNumber
        prefix={t('segments.atLeast')}
        suffix={t('segments.times')}
        min={1}
        max={1000}
        precision={0}
        placeholder="1"
        style={{ width: 180 }}
        value={params.atLeast as number | undefined}
        onChange={(v) => set({ atLeast: v ?? undefined })}
        data-testid="condition-at-least"
      />
    </>
  );
}

/** A business code, suggested from the businesses the console knows by name; any code may be typed. */
export function BusinessInput({ value, onChange, testId }: { value: unknown; onChange: (v: string | undefined) => void; testId: string }) {
  const { t, label } = useLabels();
  // the translations' business group also names the websites and the IVR menu: not businesses
  const codes = useCodes('business').filter((c) => !(webSites as readonly string[]).includes(c) && c !== 'ivr_menu');
  return (
    <AutoComplete
      allowClear
      style={{ width: 200 }}
      placeholder={t('segments.business')}
      value={value as string | undefined}
      options={codes.map((c) => ({ value: c, label: `${label('business', c)} (${c})` }))}
      filterOption={(input, option) => String(option?.label ?? '').toLowerCase().includes(input.toLowerCase())}
      onChange={(v: string) => onChange(v || undefined)}
      data-testid={testId}
    />
  );
}

type InputsProps = { params: Params; set: (patch: Params) => void };

/** A Select of one optional text param of the condition: cleared, the param goes (the condition then means "any"). */
function OptionalSelect({ params, set, name, placeholder, width, options }: InputsProps & { name: string; placeholder: string; width: number; options: Array<{ value: string; label: string }> }) {
  return (
    <Select
      allowClear
      placeholder={placeholder}
      style={{ width }}
      value={params[name] as string | undefined}
      options={options}
      onChange={(value?: string) => set({ [name]: value })}
      data-testid={`condition-${name}`}
    />
  );
}

/** A record (a model run, a tariff run, a campaign) picked by its id, searchable by its label. */
function RecordSelect(props: { value: unknown; placeholder: string; width: number; options: Array<{ value: number; label: string }>; onChange: (id: number) => void; testId: string }) {
  return (
    <Select
      showSearch
      optionFilterProp="label"
      placeholder={props.placeholder}
      style={{ width: props.width }}
      value={props.value as number | undefined}
      options={props.options}
      onChange={props.onChange}
      data-testid={props.testId}
    />
  );
}

function ContactedInputs({ params, set }: InputsProps) {
  const { t, label, name } = useLabels();
  const { channels } = useContext(PickerContext);
  return (
    <>
      <WindowInputs params={params} set={set} />
      <OptionalSelect params={params} set={set} name="type" placeholder={t('segments.anyType')} width={140} options={contactTypes.map((c) => ({ value: c, label: label('contactType', c) }))} />
      <OptionalSelect
        params={params}
        set={set}
        name="channelId"
        placeholder={t('segments.anyChannel')}
        width={160}
        options={channels.map((c) => ({ value: c.channelId, label: name(c.nameZh, c.nameEn) }))}
      />
      <BusinessInput value={params.business} onChange={(business) => set({ business })} testId="condition-business" />
    </>
  );
}

function BrowsedInputs({ params, set }: InputsProps) {
  const { t, label } = useLabels();
  const topics = useCodes('contactPoints.topic');
  return (
    <>
      <WindowInputs params={params} set={set} />
      <OptionalSelect params={params} set={set} name="site" placeholder={t('segments.anySite')} width={150} options={webSites.map((s) => ({ value: s, label: label('business', s) }))} />
      <OptionalSelect params={params} set={set} name="topic" placeholder={t('segments.anyTopic')} width={150} options={topics.map((x) => ({ value: x, label: t(`contactPoints.topic.${x}`) }))} />
      <Input
        allowClear
        placeholder={t('segments.page')}
        style={{ width: 160 }}
        value={params.page as string | undefined}
        onChange={(e) => set({ page: e.target.value || undefined })}
        data-testid="condition-page"
      />
    </>
  );
}

function HoldsInputs({ params, set }: InputsProps) {
  const { t } = useLabels();
  return <ProductSelect includeInactive placeholder={t('segments.product')} value={params.productId as string | undefined} onChange={(productId) => set({ productId })} data-testid="condition-product" />;
}

function ScoreLabelSelect({ runId, value, onChange }: { runId: number | undefined; value: unknown; onChange: (label: string | undefined) => void }) {
  const { t } = useLabels();
  const labels = useScoreLabels(runId ?? null);
  const named = (labels.data ?? []).filter((l) => l.label !== '');
  if (named.length === 0 && !value) return null;
  return (
    <Select
      showSearch
      allowClear
      placeholder={t('segments.scoreLabel')}
      style={{ width: 170 }}
      value={value as string | undefined}
      loading={labels.loading}
      options={named.map((l) => ({ value: l.label, label: `${l.label} · ${t('segments.scoredCustomers', { n: l.customers })}` }))}
      onChange={(label: string) => onChange(label)}
      data-testid="condition-score-label"
    />
  );
}

function ModelScoreInputs({ params, set }: InputsProps) {
  const { t } = useLabels();
  const { modelRuns } = useContext(PickerContext);
  const runId = params.runId as number | undefined;
  const op = params.op as string | undefined;
  const value = params.value;
  return (
    <>
      <RecordSelect
        value={runId}
        placeholder={t('segments.modelRun')}
        width={280}
        options={modelRuns.map((r) => ({ value: r.runId, label: `#${r.runId} ${t(`models.kind.${r.model}`, { defaultValue: r.model })} · ${r.target} v${r.version}` }))}
        onChange={(id) => set({ runId: id, label: undefined })}
        testId="condition-model-run"
      />
      {/* keyed by run: the labels of the run chosen before are never offered for this one */}
      <ScoreLabelSelect key={runId ?? 0} runId={runId} value={params.label} onChange={(label) => set({ label })} />
      <Select
        style={{ width: 110 }}
        placeholder={t('segments.operator')}
        value={op}
        options={scoreOps.map((o) => ({ value: o, label: t(`segments.op.${o}`) }))}
        onChange={(o: string) => set({ op: o, value: o === 'between' ? [NaN, NaN] : undefined })}
        data-testid="condition-score-op"
      />
      {op === 'between' ? (
        <Space.Compact>
          {[0, 1].map((i) => {
            const pair = Array.isArray(value) ? value : [NaN, NaN];
            const shown = typeof pair[i] === 'number' && Number.isFinite(pair[i]) ? (pair[i] as number) : null;
            return (
              <InputNumber
                key={i}
                min={0}
                max={100}
                placeholder={t(i === 0 ? 'segments.low' : 'segments.high')}
                style={{ width: 80 }}
                value={shown}
                onChange={(v) => set({ value: pair.map((x, j) => (j === i ? (v ?? NaN) : x)) })}
              />
            );
          })}
        </Space.Compact>
      ) : (
        <InputNumber min={0} max={100} placeholder="0–100" style={{ width: 90 }} value={value as number | undefined} onChange={(v) => set({ value: v ?? undefined })} data-testid="condition-score" />
      )}
    </>
  );
}

function TariffInputs({ params, set }: InputsProps) {
  const { t } = useLabels();
  const { tariffRuns } = useContext(PickerContext);
  const run = tariffRuns.find((r) => r.runId === params.runId);
  return (
    <>
      <RecordSelect
        value={params.runId}
        placeholder={t('segments.tariffRun')}
        width={260}
        options={tariffRuns.map((r) => ({ value: r.runId, label: `#${r.runId} ${r.name}` }))}
        onChange={(runId) => set({ runId, planId: undefined })}
        testId="condition-tariff-run"
      />
      <OptionalSelect params={params} set={set} name="planId" placeholder={t('segments.anyBestPlan')} width={180} options={(run?.planIds ?? []).map((p) => ({ value: p, label: p }))} />
    </>
  );
}

function DiversionInputs({ params, set }: InputsProps) {
  const { t } = useLabels();
  const { diversionCampaigns } = useContext(PickerContext);
  return (
    <>
      <RecordSelect
        value={params.campaignId}
        placeholder={t('segments.diversionCampaign')}
        width={240}
        options={diversionCampaigns.map((c) => ({ value: c.campaignId, label: `#${c.campaignId} ${c.name}` }))}
        onChange={(campaignId) => set({ campaignId })}
        testId="condition-diversion-campaign"
      />
      <Select
        mode="multiple"
        placeholder={t('segments.secondRoundDefault')}
        style={{ minWidth: 200 }}
        value={(params.outcomes as string[] | undefined) ?? []}
        options={diversionOutcomes.map((o) => ({ value: o, label: t(`campaign.diversion.${o}`) }))}
        onChange={(outcomes: string[]) => set({ outcomes })}
        data-testid="condition-diversion-outcomes"
      />
      <BusinessInput value={params.business} onChange={(business) => set({ business })} testId="condition-diversion-business" />
    </>
  );
}

export const inputsOf: Record<ConditionKind, (props: InputsProps) => ReactNode> = {
  field: FieldInputs,
  holds: HoldsInputs,
  contacted: ContactedInputs,
  browsed: BrowsedInputs,
  modelScore: ModelScoreInputs,
  tariffRecommended: TariffInputs,
  diversion: DiversionInputs,
};

/** The pickers' lists, each loaded only where the user may read it. */
export function usePickers(fields: SegmentField[]): Pickers {
  const { can } = useAuth();
  const channels = useChannels();
  const modelRuns = useAllModelRuns(can('models.read'));
  const tariffRuns = useApi<{ items: TariffRun[] }>(can('tariffs.read') ? '/api/tariffs/runs' : null, { pageSize: 200 });
  const campaigns = useCampaigns({ category: 'diversion', pageSize: 200 });
  return useMemo(
    () => ({
      fields,
      channels: channels.data ?? [],
      // runs trained on a file score row numbers, not subscribers
      modelRuns: (modelRuns.data?.items ?? []).filter((r) => r.status === 'succeeded' && !r.target.startsWith('file:')),
      tariffRuns: (tariffRuns.data?.items ?? []).filter((r) => r.status === 'succeeded'),
      diversionCampaigns: campaigns.data?.items ?? [],
    }),
    [fields, channels.data, modelRuns.data, tariffRuns.data, campaigns.data],
  );
}
