// Localized names for the codes the API returns (brands, statuses, channels, contact types…).
// Unknown codes show as they are rather than as a missing-translation key.
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

export function useLabels() {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  /** `code` under a translation group, e.g. label('brand', 'gotone') → 全球通. */
  const label = useCallback((group: string, code: string | null | undefined): string => (code ? t(`${group}.${code}`, { defaultValue: code }) : '—'), [t]);
  /** Picks the name in the current language from a zh/en pair. */
  const name = useCallback(
    (zh: string | null | undefined, en: string | null | undefined): string => (english ? en || zh : zh || en) ?? '—',
    [english],
  );
  return { t, english, label, name };
}
