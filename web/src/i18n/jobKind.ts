type Translate = (key: string, options?: Record<string, unknown>) => string;

/** 'demo.generate' → 生成演示省份; 'import.cdr_voice' → 导入：cdr_voice. */
export function jobKindLabel(t: Translate, kind: string): string {
  if (kind.startsWith('import.')) return t('jobs.kinds.import', { kind: kind.slice('import.'.length) });
  return t(`jobs.kinds.${kind}`, { defaultValue: kind });
}
