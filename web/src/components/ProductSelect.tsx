// A product picked from the catalogue (GET /api/products) by name or id, grouped by kind: for
// campaign offers, a segment's "holds" condition and the models' products. Works as a Form control.
import { Select } from 'antd';
import { useProducts } from '../api/platform.ts';
import { useLabels } from '../i18n/labels.ts';

const kinds = ['vas', 'offer', 'tariff_plan'] as const;

interface Props {
  /** also the products no longer sold (customers may still hold them): for filters, not for offers */
  includeInactive?: boolean;
  /** only products of these kinds (default: all) */
  kinds?: ReadonlyArray<(typeof kinds)[number]>;
  value?: string | string[];
  onChange?: (value: string | string[]) => void;
  multiple?: boolean;
  placeholder?: string;
  width?: number;
  'data-testid'?: string;
}

export function ProductSelect({ includeInactive, kinds: only = kinds, value, onChange, multiple, placeholder, width = 260, 'data-testid': testId }: Props) {
  const { t, label, name } = useLabels();
  const products = useProducts(includeInactive);
  return (
    <Select
      showSearch
      mode={multiple ? 'multiple' : undefined}
      optionFilterProp="label"
      placeholder={placeholder}
      style={{ minWidth: width }}
      loading={products.loading}
      value={value}
      onChange={onChange}
      options={only.map((k) => ({
        label: label('productKind', k),
        options: (products.data ?? [])
          .filter((p) => p.kind === k)
          .map((p) => ({ value: p.productId, label: `${name(p.nameZh, p.nameEn)} (${p.productId})${p.active ? '' : ` · ${t('common.notSold')}`}` })),
      }))}
      data-testid={testId}
    />
  );
}
