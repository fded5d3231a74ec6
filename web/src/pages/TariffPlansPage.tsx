// 资费套餐: the tariff plans of the catalogue, a JSON editor checked by the server (its message is
// shown at the line of the field at fault), a readable summary of the plan, and JSON import.
import { useRef, useState } from 'react';
import { App as AntApp, Alert, Button, Card, Col, Descriptions, Drawer, Empty, Input, Popconfirm, Row, Select, Space, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface.js';
import { CheckCircleOutlined, ImportOutlined, PlusOutlined } from '@ant-design/icons';
import type { TextAreaRef } from 'antd/es/input/TextArea.js';
import { ApiError } from '../api/client.ts';
import { createPlan, deletePlan, importPlans, updatePlan, useTariffPlans, validatePlan, type PlanProduct, type TariffPlan } from '../api/tariffs.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { BrandTag } from '../components/CodeTags.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { domainOfClass, useTariffLabels } from '../i18n/tariffLabels.ts';
import { count, yuan } from '../money.ts';

type Labels = ReturnType<typeof useTariffLabels>;

/**
 * The line of a JSON path ('rates[0].groups[1].price') in the editor's text: the key's line,
 * or the nearest enclosing one when the field is missing (a required property).
 */
export function lineOfField(text: string, field: string): number | null {
  const target = field.replace(/^plan\.?/, '').match(/[^.[\]]+/g) ?? [];
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = () => {
    i++;
    let s = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        s += text[i + 1];
        i += 2;
      } else s += text[i++];
    }
    i++;
    return s;
  };
  const value = (path: string[]): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      for (let index = 0; i < text.length; index++) {
        ws();
        if (text[i] === '}' || text[i] === ']') break;
        let at = String(index);
        if (c === '{') {
          const keyLine = line;
          at = str();
          lines.set([...path, at].join('.'), keyLine);
          ws();
          i++; // ':'
        } else {
          ws();
          lines.set([...path, at].join('.'), line);
        }
        value([...path, at]);
        ws();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (c === '"') str();
    else while (i < text.length && !/[,\]}\s]/.test(text[i])) i++;
  };
  try {
    value([]);
  } catch {
    return null;
  }
  for (let n = target.length; n > 0; n--) {
    const found = lines.get(target.slice(0, n).join('.'));
    if (found !== undefined) return found;
  }
  return null;
}

function PlanSummary({ plan, labels }: { plan: TariffPlan; labels: Labels }) {
  const { t, className, priceText, quantityText } = labels;
  const scale = plan.priceScale;
  const bandText = (bands: string[] | undefined) => (bands ? bands.join(', ') : t('tariff.allBands'));
  const groupsText = (rate: TariffPlan['rates'][number]) => {
    const domain = domainOfClass(rate.class);
    return rate.groups
      .map((g, i) => {
        const price = priceText(g.price, scale, g.increment, domain);
        if (rate.groups.length === 1) return price;
        const next = rate.groups[i + 1];
        return next ? t('tariff.groupUntil', { until: quantityText(domain, next.from), price }) : t('tariff.groupThen', { price });
      })
      .join(t('common.clauseSep'));
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="plan-summary">
      <Descriptions size="small" bordered column={1}>
        <Descriptions.Item label={t('tariff.monthlyFee')}>{yuan(plan.monthlyFeeFen)}</Descriptions.Item>
        <Descriptions.Item label={t('tariff.rounding')}>
          {t(`tariff.roundAt.${plan.rounding.at}`)} · {t(`tariff.roundMode.${plan.rounding.mode}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('tariff.bands')}>
          {plan.bands.rules.map((r, i) => (
            <div key={i}>
              {r.band}{t('common.colon')}{r.days.map((d) => (d === 'holiday' ? t('tariff.holiday') : t(`tariff.weekday.${d}`))).join(' ')} {r.from}–{r.to}
            </div>
          ))}
          {plan.bands.split && <Tag>{t('tariff.splitCalls')}</Tag>}
        </Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        pagination={false}
        rowKey={(_, i) => String(i)}
        dataSource={plan.rates}
        columns={[
          { title: t('tariff.class'), dataIndex: 'class', render: (v: string) => className(v) },
          { title: t('tariff.band'), dataIndex: 'bands', render: (v: string[] | undefined) => bandText(v) },
          { title: t('tariff.price'), key: 'price', render: (_, r) => groupsText(r) },
          { title: t('tariff.setup'), dataIndex: 'setupFee', render: (v: number) => (v ? yuan(v / scale) : '—') },
          { title: t('tariff.callCap'), dataIndex: 'callCapFen', render: (v: number | undefined) => (v === undefined ? '—' : yuan(v)) },
        ]}
      />
      <Descriptions size="small" bordered column={1}>
        <Descriptions.Item label={t('tariff.allowances')}>
          {plan.allowances.length === 0
            ? t('tariff.none')
            : plan.allowances.map((a) => (
                <div key={a.id}>
                  {a.id}{t('common.colon')}{count(a.amount)} {t(`tariff.unit.${a.unit}`)} · {a.classes.map(className).join(t('common.listSep'))}
                  {a.bands ? ` · ${bandText(a.bands)}` : ''}
                </div>
              ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('tariff.tiers')}>
          {plan.tieredCharges.length === 0
            ? t('tariff.none')
            : plan.tieredCharges.map((c) => {
                const domain = domainOfClass(c.classes[0]);
                return (
                  <div key={c.id}>
                    {c.id}{t('common.parenOpen')}{t(`tariff.tierMode.${c.mode}`)}{t('common.comma')}{c.classes.map(className).join(t('common.listSep'))}{t('common.parenClose')}{t('common.colon')}
                    {c.tiers
                      .map((s) => `${quantityText(domain, s.from * c.unitSize)}${s.to === null ? '+' : `–${quantityText(domain, s.to * c.unitSize)}`} ${priceText(s.price, scale, c.unitSize, domain)}${s.flatFen ? ` + ${yuan(s.flatFen)}` : ''}`)
                      .join(t('common.clauseSep'))}
                  </div>
                );
              })}
        </Descriptions.Item>
        <Descriptions.Item label={t('tariff.caps')}>
          {plan.monthCaps.length === 0 ? t('tariff.none') : plan.monthCaps.map((c, i) => <div key={i}>{c.classes.map(className).join(t('common.listSep'))}{t('common.colon')}{yuan(c.capFen)}</div>)}
        </Descriptions.Item>
        <Descriptions.Item label={t('tariff.carried')}>{plan.carry.length ? plan.carry.map(className).join(t('common.listSep')) : t('tariff.none')}</Descriptions.Item>
        <Descriptions.Item label={t('tariff.excluded')}>{plan.exclude.length ? plan.exclude.map(className).join(t('common.listSep')) : t('tariff.none')}</Descriptions.Item>
        <Descriptions.Item label={t('tariff.carriedBills')}>{plan.carryBillItems.map((i) => t(`billItem.${i}`)).join(t('common.listSep')) || t('tariff.none')}</Descriptions.Item>
      </Descriptions>
    </Space>
  );
}

interface EditorState {
  planId: string | null;
  text: string;
  service: string;
  brands: string[];
  /** the stored definition, already valid */
  plan: TariffPlan | null;
}

const blankPlan = {
  id: 'NEW_PLAN',
  nameZh: '新资费套餐',
  nameEn: 'New plan',
  monthlyFeeFen: 5800,
  rates: [{ class: 'local', groups: [{ from: 0, increment: 60, price: 15 }] }],
};

function PlanEditor({ editor, onClose, onSaved, readOnly, labels }: { editor: EditorState; onClose: () => void; onSaved: () => void; readOnly: boolean; labels: Labels }) {
  const { t } = labels;
  const { message } = AntApp.useApp();
  const [state, setState] = useState(editor);
  const [problem, setProblem] = useState<{ message: string; field?: string; line: number | null } | null>(null);
  const [checked, setChecked] = useState<TariffPlan | null>(editor.plan);
  const [busy, setBusy] = useState(false);
  const area = useRef<TextAreaRef>(null);

  const parsed = (): unknown => {
    try {
      return JSON.parse(state.text);
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message);
      const line = position ? state.text.slice(0, Number(position[1])).split('\n').length : null;
      setProblem({ message: t('tariff.invalidJson', { message: (error as Error).message }), line });
      setChecked(null);
      return undefined;
    }
  };
  const body = (plan: unknown) => ({ service: state.service, brands: state.brands.length ? state.brands : null, plan });

  const run = async (action: 'validate' | 'save') => {
    const plan = parsed();
    if (plan === undefined) return;
    setBusy(true);
    try {
      if (action === 'validate') {
        setChecked((await validatePlan(body(plan))).plan);
        setProblem(null);
        void message.success(t('tariff.valid'));
      } else {
        if (state.planId) await updatePlan(state.planId, body(plan));
        else await createPlan(body(plan));
        void message.success(t('tariff.saved'));
        onSaved();
      }
    } catch (error) {
      const e = error as ApiError;
      setProblem({ message: e.message, field: e.field, line: e.field ? lineOfField(state.text, e.field) : null });
      setChecked(null);
    } finally {
      setBusy(false);
    }
  };

  const locate = (line: number) => {
    const element = area.current?.resizableTextArea?.textArea;
    if (!element) return;
    const lines = state.text.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    element.focus();
    element.setSelectionRange(start, start + lines[line - 1].length);
    element.scrollTop = Math.max(0, (line - 5) * 20);
  };

  return (
    <Drawer
      open
      width={1180}
      onClose={onClose}
      title={state.planId ? t('tariff.editorTitle', { id: state.planId }) : t('tariff.newTitle')}
      extra={
        <Space>
          <Button icon={<CheckCircleOutlined />} loading={busy} onClick={() => run('validate')} data-testid="plan-validate">
            {t('tariff.validate')}
          </Button>
          {!readOnly && (
            <Button type="primary" loading={busy} onClick={() => run('save')} data-testid="plan-save">
              {t('common.save')}
            </Button>
          )}
        </Space>
      }
    >
      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Space style={{ marginBottom: 8 }} wrap>
            <Select
              style={{ width: 140 }}
              value={state.service}
              onChange={(service: string) => setState((s) => ({ ...s, service }))}
              options={['voice', 'gprs', 'sms', 'mms', 'wlan'].map((s) => ({ value: s, label: t(`service.${s}`) }))}
              aria-label={t('tariff.service')}
            />
            <Select
              mode="multiple"
              style={{ minWidth: 240 }}
              placeholder={t('tariff.allBrands')}
              value={state.brands}
              onChange={(brands: string[]) => setState((s) => ({ ...s, brands }))}
              options={['gotone', 'mzone', 'easyown'].map((b) => ({ value: b, label: t(`brand.${b}`) }))}
              aria-label={t('tariff.brands')}
            />
          </Space>
          <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 4 }}>
            {t('tariff.json')}
          </Typography.Text>
          <Input.TextArea
            ref={area}
            value={state.text}
            readOnly={readOnly}
            onChange={(e) => {
              setState((s) => ({ ...s, text: e.target.value }));
              setChecked(null);
            }}
            autoSize={{ minRows: 24, maxRows: 36 }}
            spellCheck={false}
            style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12, lineHeight: '20px' }}
            status={problem ? 'error' : undefined}
            data-testid="plan-json"
          />
          {problem && (
            <Alert
              type="error"
              showIcon
              style={{ marginTop: 8 }}
              data-testid="plan-error"
              message={
                <Space wrap>
                  {problem.line !== null && <Tag color="red">{t('tariff.errorAt', { line: problem.line })}</Tag>}
                  {problem.field && <Typography.Text code>{problem.field}</Typography.Text>}
                  <span>{problem.message}</span>
                </Space>
              }
              action={
                problem.line !== null && (
                  <Button size="small" onClick={() => locate(problem.line!)}>
                    {t('tariff.locate')}
                  </Button>
                )
              }
            />
          )}
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('tariff.summary')}>
            {checked ? <PlanSummary plan={checked} labels={labels} /> : <Empty description={t('tariff.summaryHint')} />}
          </Card>
        </Col>
      </Row>
    </Drawer>
  );
}

export default function TariffPlansPage() {
  const labels = useTariffLabels();
  const { t, name, label } = labels;
  const { can } = useAuth();
  const { message } = AntApp.useApp();
  const plans = useTariffPlans();
  const [editor, setEditor] = useState<EditorState | null>(null);
  const writable = can('tariffs.write');

  const open = (p: PlanProduct | null) =>
    setEditor(
      p
        ? { planId: p.planId, text: JSON.stringify(p.definition ?? {}, null, 2), service: p.service ?? 'voice', brands: p.brands ?? [], plan: p.defined ? (p.definition as TariffPlan) : null }
        : { planId: null, text: JSON.stringify(blankPlan, null, 2), service: 'voice', brands: [], plan: null },
    );

  const remove = async (planId: string) => {
    try {
      await deletePlan(planId);
      void message.success(t('tariff.deleted'));
      plans.reload();
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  const importFile = async (file: File) => {
    try {
      const json = JSON.parse(await file.text()) as unknown;
      const { imported } = await importPlans(json);
      void message.success(t('tariff.imported', { count: imported.length }));
      plans.reload();
    } catch (e) {
      void message.error(describeError(e));
    }
    return false;
  };

  const columns: ColumnsType<PlanProduct> = [
    { title: t('tariff.planId'), dataIndex: 'planId', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('tariff.name'), key: 'name', render: (_, p) => name(p.nameZh, p.nameEn) },
    { title: t('tariff.brands'), dataIndex: 'brands', render: (v: string[] | null) => (v ? v.map((b) => <BrandTag key={b} brand={b} />) : t('tariff.allBrands')) },
    { title: t('tariff.service'), dataIndex: 'service', render: (v: string | null) => label('service', v) },
    { title: t('tariff.monthlyFee'), dataIndex: 'monthlyFeeFen', align: 'right', render: (v: number) => yuan(v) },
    { title: t('tariff.holders'), dataIndex: 'holders', align: 'right', render: (v: number) => count(v) },
    {
      title: t('tariff.definition'),
      dataIndex: 'defined',
      render: (v: boolean, p) =>
        v ? (
          <Tag color="success">{t('tariff.defined')}</Tag>
        ) : (
          <Tooltip title={p.problem}>
            <Tag color="warning">{t('tariff.undefined')}</Tag>
          </Tooltip>
        ),
    },
    {
      title: '',
      key: 'actions',
      align: 'right',
      render: (_, p) => (
        <Space>
          <Button size="small" onClick={() => open(p)} data-testid={`plan-open-${p.planId}`}>
            {writable ? t('tariff.edit') : t('tariff.view')}
          </Button>
          {writable && p.holders === 0 && (
            <Popconfirm title={t('tariff.deleteConfirm', { id: p.planId })} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => remove(p.planId)}>
              <Button size="small" danger>
                {t('tariff.delete')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('tariff.plansTitle')}
        extra={
          writable && (
            <>
              <Upload accept=".json,application/json" showUploadList={false} beforeUpload={importFile}>
                <Button icon={<ImportOutlined />}>{t('tariff.importJson')}</Button>
              </Upload>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => open(null)} data-testid="plan-new">
                {t('tariff.newPlan')}
              </Button>
            </>
          )
        }
      />
      <ErrorAlert error={plans.error} onRetry={plans.reload} />
      <Card size="small">
        <Table<PlanProduct>
          rowKey="planId"
          size="middle"
          loading={plans.loading && !plans.data}
          dataSource={plans.data ?? []}
          columns={columns}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('common.empty') }}
          scroll={{ x: 'max-content' }}
          data-testid="plans-table"
        />
      </Card>
      {editor && (
        <PlanEditor
          key={editor.planId ?? 'new'}
          editor={editor}
          readOnly={!writable}
          labels={labels}
          onClose={() => setEditor(null)}
          onSaved={() => {
            setEditor(null);
            plans.reload();
          }}
        />
      )}
    </>
  );
}
