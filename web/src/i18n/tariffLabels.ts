// Readable, localized text for tariff definitions: class keys (`roam_inter:JZ>SH`), prices in
// 1/scale fen per increment, quantities in their base units, and the notes of a simulation.
import { useCallback } from 'react';
import type { Note, PlanProduct, TariffPlan } from '../api/tariffs.ts';
import { count } from '../money.ts';
import { useLabels } from './labels.ts';

export type Domain = 'second' | 'message' | 'kb';

export function domainOfClass(key: string): Domain {
  const root = key.split(':')[0];
  if (root.startsWith('sms') || root.startsWith('mms')) return 'message';
  if (root.startsWith('gprs')) return 'kb';
  return 'second';
}

/** Yuan with as many decimals as it takes (up to 4): 0.19, 0.0008. */
export function preciseYuan(fen: number): string {
  const yuan = fen / 100;
  const text = yuan.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return `¥${!text.includes('.') || text.split('.')[1].length < 2 ? yuan.toFixed(2) : text}`;
}

/**
 * Labels for tariff texts; given the plan catalogue, a note names an allowance or a bundle by the
 * usage it covers (e.g. "domestic calls") rather than by the id the plan gives it.
 */
export function useTariffLabels(plans?: PlanProduct[]) {
  const labels = useLabels();
  // useLabels answers a new object each render; its functions are stable
  const { t, name } = labels;

  const className = useCallback(
    (key: string): string => {
      const [root, ...rest] = key.split(':');
      const base = t(`tariffClass.${root}`, { defaultValue: root });
      if (rest.length === 0) return base;
      const parts = rest.map((q) => {
        if (/^\d{1,3}$/.test(q) && (root === 'intl' || root === 'intl_ip')) return t('tariffQualifier.group', { n: q });
        if (q.includes('>')) return q.replace('>', '→');
        return t(`tariffQualifier.${q}`, { defaultValue: q });
      });
      return `${base}${t('common.parenOpen')}${parts.join(' · ')}${t('common.parenClose')}`;
    },
    [t],
  );

  /** '60 s' → '分钟', 1 message → '条', 1 KB → 'KB'. */
  const unitText = useCallback(
    (domain: Domain, quantity: number): string => {
      if (domain === 'second') return quantity === 60 ? t('tariff.unit.minute') : `${quantity} ${t('tariff.unit.second')}`;
      if (domain === 'message') return quantity === 1 ? t('tariff.unit.message') : `${quantity} ${t('tariff.unit.message')}`;
      return quantity === 1 ? 'KB' : quantity === 1024 ? 'MB' : `${quantity} KB`;
    },
    [t],
  );

  /** A price of `price`/scale fen per `increment`: per KB prices read better per MB. */
  const priceText = useCallback(
    (price: number, scale: number, increment: number, domain: Domain): string => {
      if (domain === 'kb' && increment === 1) return `${preciseYuan((price * 1024) / scale)}/MB`;
      return `${preciseYuan(price / scale)}/${unitText(domain, increment)}`;
    },
    [unitText],
  );

  /** Base units to a readable amount: seconds as minutes, KB as MB. */
  const quantityText = useCallback(
    (domain: Domain, quantity: number): string => {
      if (domain === 'second') return `${count(Math.round((quantity / 60) * 10) / 10)} ${t('tariff.unit.minute')}`;
      if (domain === 'kb') return `${count(Math.round((quantity / 1024) * 10) / 10)} MB`;
      return `${count(quantity)} ${t('tariff.unit.message')}`;
    },
    [t],
  );

  /** The classes an allowance or tiered charge of a plan covers, readable; its id when the plan is not known. */
  const coveredText = useCallback(
    (planId: string, kind: 'allowances' | 'tieredCharges', id: string): string => {
      const plan = plans?.find((p) => p.planId === planId && p.defined)?.definition as TariffPlan | undefined;
      const part = plan?.[kind].find((x) => x.id === id);
      return part ? part.classes.map(className).join(t('common.listSep')) : id;
    },
    [plans, className, t],
  );

  const noteText = useCallback(
    (note: Note): string => {
      switch (note.code) {
        case 'allowance':
          return t('tariff.note.allowance', {
            what: coveredText(note.planId, 'allowances', note.id),
            used: quantityText(note.domain, note.usedPerMonth),
            quantity: quantityText(note.domain, note.quantity),
          });
        case 'bundle': {
          const domain: Domain = note.unitSize === 60 ? 'second' : note.unitSize === 1024 ? 'kb' : 'message';
          const units = (n: number) => quantityText(domain, n * note.unitSize);
          const what = coveredText(note.planId, 'tieredCharges', note.id);
          return note.included === null
            ? t('tariff.note.bundle', { what, used: units(note.unitsPerMonth) })
            : t('tariff.note.bundleIncluded', { what, used: units(note.unitsPerMonth), included: units(note.included) });
        }
        case 'service':
          return t('tariff.note.service', { service: t(`tariffService.${note.service}`), before: preciseYuan(note.beforeFen), after: preciseYuan(note.afterFen) });
        case 'addOn':
          return t('tariff.note.addOn', { id: note.productId });
        case 'partialMonths':
          return t('tariff.note.partialMonths', { billed: note.billed, of: note.of });
      }
    },
    [t, quantityText, coveredText],
  );

  /** A plan's name in the console's language; its id when the plan is not known. */
  const planName = useCallback(
    (planId: string): string => {
      const p = plans?.find((x) => x.planId === planId);
      return p ? name(p.nameZh, p.nameEn) : planId;
    },
    [plans, name],
  );

  return { ...labels, className, unitText, priceText, quantityText, noteText, planName };
}
