// A filter in words (web/src/components/filterText.ts), with the console's own translations.
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentFieldCatalogue } from '../src/customers/segments.ts';
import { filterText, type TextContext } from '../web/src/components/filterText.ts';
import en from '../web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../web/src/i18n/zh-CN.json' with { type: 'json' };

const fields = segmentFieldCatalogue();
const contexts: Record<'en' | 'zh', TextContext> = {} as never;

beforeAll(async () => {
  for (const [lang, resources] of [['en', en], ['zh', zhCN]] as const) {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { [lang]: { translation: resources } }, lng: lang, interpolation: { escapeValue: false } });
    contexts[lang] = {
      t: (key, options) => i18n.t(key, options ?? {}) as string,
      label: (group, code) => i18n.t(`${group}.${code}`, { defaultValue: code }) as string,
      fieldLabel: (name) => fields.find((f) => f.name === name)?.[lang === 'en' ? 'labelEn' : 'labelZh'],
    };
  }
});

describe('a filter in words', () => {
  const filter = {
    all: [
      { field: 'age', op: 'gte', value: 60 },
      { field: 'brand', op: 'in', value: ['gotone', 'mzone'] },
      { not: { contacted: { withinDays: 90, type: 'complaint', channelId: 'store' } } },
      { any: [{ holds: { productId: 'FETION' } }, { modelScore: { runId: 4, op: 'between', value: [40, 60] } }] },
    ],
  };

  it('reads in English', () => {
    expect(filterText(filter, contexts.en)).toBe(
      'Age at least 60 and Brand one of GoTone, M-Zone and not (contacted at least 1× in the last 90 days (Complaint, Store desk)) and (holds FETION or score of model run #4 between 40–60)',
    );
  });

  it('reads in Chinese', () => {
    expect(filterText(filter, contexts.zh)).toBe(
      '年龄 大于等于 60 且 品牌 属于 全球通、动感地带 且 非(近 90 天接触至少 1 次（投诉、营业厅）) 且 (订购了 FETION 或 模型运行 #4 得分 介于 40–60)',
    );
  });

  it('names every kind of condition and shows what it cannot read as JSON', () => {
    const en = contexts.en;
    expect(filterText({ browsed: { withinDays: 30, atLeast: 3, topic: 'plan' } }, en)).toBe('browsed the web at least 3× in the last 30 days (Plans)');
    expect(filterText({ tariffRecommended: { runId: 2, planId: 'GT_BIZ_128' } }, en)).toBe('offered a better plan by tariff run #2 (GT_BIZ_128)');
    expect(filterText({ diversion: { campaignId: 7 } }, en)).toBe('targets of diversion campaign #7 (Stayed or No transaction)');
    expect(filterText({ field: 'dnd', op: 'isTrue' }, en)).toBe('Do not disturb is yes');
    expect(filterText({ where: 'age > 3' }, en)).toBe('{"where":"age > 3"}');
  });
});
