// The segment builder's editor: groups matching all or any of their conditions, nested at will,
// each group or condition negatable, and a row per condition (its inputs: ConditionInputs.tsx);
// around it, the live count of a filter, the editor as a form control or in a dialog, and a
// filter in words.
import { useEffect, useMemo, useState } from 'react';
import { Button, Checkbox, Dropdown, Modal, Radio, Select, Space, Typography } from 'antd';
import { ApartmentOutlined, DeleteOutlined, FilterOutlined, PlusOutlined } from '@ant-design/icons';
import type { ApiError } from '../api/client.ts';
import { previewSegment, useSegmentFields, type SegmentField, type SegmentFilter, type SegmentPreview } from '../api/segments.ts';
import { useLabels } from '../i18n/labels.ts';
import { PickerContext, inputsOf, usePickers } from './ConditionInputs.tsx';
import { filterText } from './filterText.ts';
import {
  addChild,
  conditionCount,
  conditionKinds,
  filterOf,
  newCondition,
  newGroup,
  updateNode,
  type ConditionKind,
  type ConditionNode,
  type GroupNode,
  type Params,
  type TreeNode,
} from './filterTree.ts';

interface NodeProps<N extends TreeNode> {
  node: N;
  change: (key: number, fn: (node: TreeNode) => TreeNode | null) => void;
  add: (group: number, child: TreeNode) => void;
}

function ConditionRow({ node, change }: NodeProps<ConditionNode>) {
  const { t } = useLabels();
  const Inputs = inputsOf[node.kind];
  const set = (patch: Params) => change(node.key, (n) => ({ ...(n as ConditionNode), params: { ...(n as ConditionNode).params, ...patch } }));
  return (
    <div data-testid="segment-condition" data-kind={node.kind} style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
      <Select
        style={{ width: 150, flex: 'none' }}
        value={node.kind}
        options={conditionKinds.map((k) => ({ value: k, label: t(`segments.kind.${k}`) }))}
        onChange={(kind: ConditionKind) => change(node.key, () => ({ ...newCondition(kind), key: node.key, negated: node.negated }))}
        data-testid="condition-kind"
      />
      <Checkbox style={{ flex: 'none', paddingTop: 5 }} checked={node.negated} onChange={(e) => change(node.key, (n) => ({ ...n, negated: e.target.checked }))} data-testid="condition-not">
        {t('segments.not')}
      </Checkbox>
      <Space wrap size={[8, 8]} style={{ flex: 1 }}>
        <Inputs params={node.params} set={set} />
      </Space>
      <Button style={{ flex: 'none' }} icon={<DeleteOutlined />} aria-label={t('segments.remove')} onClick={() => change(node.key, () => null)} />
    </div>
  );
}

function GroupBox({ node, change, add, root }: NodeProps<GroupNode> & { root: boolean }) {
  const { t } = useLabels();
  return (
    <div data-testid="segment-group" style={root ? undefined : { borderLeft: '3px solid #91caff', paddingLeft: 12 }}>
      <Space direction="vertical" style={{ width: '100%' }} size="small">
        <Space wrap>
          {!root && (
            <Checkbox checked={node.negated} onChange={(e) => change(node.key, (n) => ({ ...n, negated: e.target.checked }))} data-testid="group-not">
              {t('segments.not')}
            </Checkbox>
          )}
          <span>{t(root ? 'segments.match' : 'segments.groupMatch')}</span>
          <Radio.Group
            value={node.combinator}
            onChange={(e) => change(node.key, (n) => ({ ...(n as GroupNode), combinator: e.target.value }))}
            optionType="button"
            size="small"
            options={[
              { value: 'all', label: t('segments.matchAll') },
              { value: 'any', label: t('segments.matchAny') },
            ]}
          />
          {!root && <Button size="small" icon={<DeleteOutlined />} aria-label={t('segments.removeGroup')} onClick={() => change(node.key, () => null)} />}
        </Space>
        {node.children.length === 0 && <Typography.Text type="secondary">{t('segments.emptyGroup')}</Typography.Text>}
        {node.children.map((child) =>
          child.kind === 'group' ? <GroupBox key={child.key} node={child} change={change} add={add} root={false} /> : <ConditionRow key={child.key} node={child} change={change} add={add} />,
        )}
        <Space wrap>
          <Dropdown
            trigger={['click']}
            menu={{
              items: conditionKinds.map((k) => ({ key: k, label: <span data-testid={`add-${k}`}>{t(`segments.kind.${k}`)}</span> })),
              onClick: ({ key }) => add(node.key, newCondition(key as ConditionKind)),
            }}
          >
            <Button size="small" type="dashed" icon={<PlusOutlined />} data-testid="add-condition">
              {t('segments.addCondition')}
            </Button>
          </Dropdown>
          <Button size="small" type="dashed" icon={<ApartmentOutlined />} onClick={() => add(node.key, newGroup('any', [newCondition('field')]))} data-testid="add-group">
            {t('segments.addGroup')}
          </Button>
        </Space>
      </Space>
    </div>
  );
}

export function FilterEditor({ root, onChange, fields }: { root: GroupNode; onChange: (root: GroupNode) => void; fields: SegmentField[] }) {
  const pickers = usePickers(fields);
  const change = (key: number, fn: (node: TreeNode) => TreeNode | null) => onChange(updateNode(root, key, fn));
  const add = (group: number, child: TreeNode) => onChange(addChild(root, group, child));
  return (
    <PickerContext.Provider value={pickers}>
      <GroupBox node={root} change={change} add={add} root />
    </PickerContext.Provider>
  );
}

/**
 * The live count and composition of a filter (POST /api/segments/preview), asked 400 ms after the
 * last change. `data` is the last answer, kept while the next one loads (a page need not flash);
 * `loading` says it is not yet the answer for this filter. Nothing is asked while the filter is null.
 */
export function useFilterPreview(filter: SegmentFilter | null): { data?: SegmentPreview; error?: ApiError; loading: boolean } {
  const [answer, setAnswer] = useState<{ key: string; data?: SegmentPreview; error?: ApiError }>();
  const filterKey = filter ? JSON.stringify(filter) : null;
  useEffect(() => {
    if (!filterKey) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      previewSegment(JSON.parse(filterKey) as SegmentFilter, controller.signal).then(
        (data) => setAnswer({ key: filterKey, data }),
        (error: Error) => {
          if (error.name !== 'AbortError') setAnswer({ key: filterKey, error: error as ApiError });
        },
      );
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [filterKey]);
  const current = answer?.key === filterKey;
  return { data: answer?.data, error: current ? answer.error : undefined, loading: filterKey !== null && !current };
}

/** The editor as a form control (value: the tree) with the live count under it: a campaign's own target conditions. */
export function FilterField({ value, onChange, fields }: { value?: GroupNode; onChange?: (root: GroupNode) => void; fields: SegmentField[] }) {
  const { t } = useLabels();
  const [blank] = useState(() => newGroup('all', [newCondition('field')]));
  const root = value ?? blank;
  const specs = useMemo(() => new Map(fields.map((f) => [f.name, f])), [fields]);
  const filter = filterOf(root, specs) as SegmentFilter | null;
  const preview = useFilterPreview(filter);
  const shown = filter && !preview.loading ? preview.data : undefined;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <FilterEditor root={root} onChange={(next) => onChange?.(next)} fields={fields} />
      <Typography.Text type={filter && !preview.error ? undefined : 'secondary'} data-testid="filter-count">
        {conditionCount(root) === 0
          ? t('segments.noConditions')
          : !filter
            ? t('segments.incomplete')
            : preview.error
              ? preview.error.message
              : shown
                ? t('segments.countLine', { count: shown.count, percent: shown.total ? ((shown.count / shown.total) * 100).toFixed(1) : '0' })
                : t('common.loading')}
      </Typography.Text>
    </Space>
  );
}

/** A filter in words in the console's language (components/filterText.ts), with the fields' own names. */
export function useFilterText(): (filter: unknown) => string {
  const { t, label, english } = useLabels();
  const fields = useSegmentFields();
  return useMemo(() => {
    const names = new Map((fields.data ?? []).map((f) => [f.name, english ? f.labelEn : f.labelZh]));
    return (filter: unknown) => filterText(filter, { t: (key, options) => t(key, options ?? {}), label, fieldLabel: (name) => names.get(name) });
  }, [fields.data, english, t, label]);
}

/**
 * Conditions where the page has little room: the filter in words and a button that opens the
 * builder in a dialog; OK keeps a complete filter. With `optional`, no conditions means everyone
 * (e.g. a campaign's channel rule) and a button clears them.
 */
export function FilterInModal({
  value,
  onChange,
  fields,
  optional,
  testId,
}: {
  value?: GroupNode;
  onChange?: (root: GroupNode | undefined) => void;
  fields: SegmentField[];
  optional?: boolean;
  testId?: string;
}) {
  const { t } = useLabels();
  const describe = useFilterText();
  const [draft, setDraft] = useState<GroupNode | undefined>(undefined);
  const specs = useMemo(() => new Map(fields.map((f) => [f.name, f])), [fields]);
  const filter = value ? filterOf(value, specs) : null;
  const draftFilter = draft ? filterOf(draft, specs) : null;
  return (
    <>
      <Space wrap>
        <Typography.Text type={filter ? undefined : 'secondary'} data-testid={testId && `${testId}-text`}>
          {filter ? describe(filter) : t(optional ? 'segments.everyone' : 'segments.noConditionsYet')}
        </Typography.Text>
        <Button size="small" icon={<FilterOutlined />} onClick={() => setDraft(value ?? newGroup('all', [newCondition('field')]))} data-testid={testId && `${testId}-edit`}>
          {t('segments.editConditions')}
        </Button>
        {optional && value && (
          <Button size="small" type="text" onClick={() => onChange?.(undefined)} data-testid={testId && `${testId}-clear`}>
            {t('segments.clearConditions')}
          </Button>
        )}
      </Space>
      <Modal
        open={draft !== undefined}
        width={1000}
        title={t('segments.editConditions')}
        onCancel={() => setDraft(undefined)}
        onOk={() => {
          onChange?.(draft);
          setDraft(undefined);
        }}
        okButtonProps={{ disabled: !draftFilter, 'data-testid': testId && `${testId}-ok` } as never}
        destroyOnClose
      >
        {draft && <FilterField value={draft} onChange={setDraft} fields={fields} />}
      </Modal>
    </>
  );
}
