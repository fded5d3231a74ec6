// A filter of the segment language in a person's words, e.g. "Age at least 60 and not (Contacted
// in the last 90 days: Complaint)": for approvers reading a campaign's target, a tag's rule, a
// saved segment. What is not in the language is shown as its JSON rather than guessed at.

/** The translations the text needs: i18next's t, and a code's label under a group (useLabels). */
export interface TextContext {
  t: (key: string, options?: Record<string, unknown>) => string;
  label: (group: string, code: string) => string;
  /** A segment field's name in the current language, when the catalogue is loaded. */
  fieldLabel?: (name: string) => string | undefined;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldText(c: Obj, ctx: TextContext): string {
  const field = String(c.field);
  const name = ctx.fieldLabel?.(field) ?? field;
  const op = String(c.op);
  const value = (v: unknown) => (typeof v === 'string' ? ctx.label(field, v) : String(v));
  const opText = ctx.t(`segments.op.${op}`, { defaultValue: op });
  if (op === 'isTrue' || op === 'isFalse') return `${name} ${opText}`;
  if (op === 'between' && Array.isArray(c.value)) return `${name} ${opText} ${value(c.value[0])}–${value(c.value[1])}`;
  if (Array.isArray(c.value)) return `${name} ${opText} ${c.value.map(value).join(ctx.t('common.listSep'))}`;
  return `${name} ${opText} ${value(c.value)}`;
}

/** "head (part, part)" with the parts that are set. */
function withParts(head: string, parts: Array<string | false | undefined>, ctx: TextContext): string {
  const set = parts.filter((p): p is string => Boolean(p));
  return set.length ? `${head}${ctx.t('common.parenOpen')}${set.join(ctx.t('common.listSep'))}${ctx.t('common.parenClose')}` : head;
}

function conditionText(kind: string, c: Obj, ctx: TextContext): string {
  const { t, label } = ctx;
  const times = (c.atLeast as number | undefined) ?? 1;
  switch (kind) {
    case 'holds':
      return t('segments.text.holds', { product: c.productId });
    case 'contacted':
      return withParts(
        t('segments.text.contacted', { days: c.withinDays, times }),
        [c.type !== undefined && label('contactType', String(c.type)), c.channelId !== undefined && label('tags.channels', String(c.channelId)), c.business !== undefined && label('business', String(c.business))],
        ctx,
      );
    case 'browsed':
      return withParts(
        t('segments.text.browsed', { days: c.withinDays, times }),
        [c.site !== undefined && label('business', String(c.site)), c.topic !== undefined && label('contactPoints.topic', String(c.topic)), c.page !== undefined && String(c.page)],
        ctx,
      );
    case 'modelScore': {
      const value = Array.isArray(c.value) ? `${c.value[0]}–${c.value[1]}` : String(c.value);
      const head = t('segments.text.modelScore', { run: c.runId });
      return `${c.label ? `${head} [${c.label}]` : head} ${t(`segments.op.${String(c.op)}`, { defaultValue: String(c.op) })} ${value}`;
    }
    case 'tariffRecommended':
      return withParts(t('segments.text.tariffRecommended', { run: c.runId }), [c.planId !== undefined && String(c.planId)], ctx);
    case 'diversion': {
      const outcomes = (Array.isArray(c.outcomes) ? c.outcomes : ['stayed', 'inactive']).map((o) => t(`campaign.diversion.${String(o)}`));
      return withParts(t('segments.text.diversion', { campaign: c.campaignId }), [outcomes.join(t('segments.text.orSep')), c.business !== undefined && label('business', String(c.business))], ctx);
    }
    default:
      return JSON.stringify({ [kind]: c });
  }
}

/** The filter as a sentence; nested groups in brackets. */
export function filterText(filter: unknown, ctx: TextContext, nested = false): string {
  if (!isObject(filter)) return JSON.stringify(filter);
  const keys = Object.keys(filter);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === 'all' || only === 'any') {
    const items = filter[only];
    if (!Array.isArray(items)) return JSON.stringify(filter);
    const text = items.map((item) => filterText(item, ctx, true)).join(ctx.t(only === 'all' ? 'segments.text.and' : 'segments.text.or'));
    return nested && items.length > 1 ? `(${text})` : text;
  }
  if (only === 'not') {
    const inner = filterText(filter.not, ctx, true);
    return `${ctx.t('segments.text.not')}${inner.startsWith('(') ? inner : `(${inner})`}`;
  }
  if ('field' in filter) return fieldText(filter, ctx);
  if (only && isObject(filter[only])) return conditionText(only, filter[only] as Obj, ctx);
  return JSON.stringify(filter);
}
