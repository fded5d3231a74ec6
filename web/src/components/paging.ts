// Server-side paging of a table: the page the API is asked for, and the table's pagination
// (page, size, "N in all") for the total it answered.
import { useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import { useLabels } from '../i18n/labels.ts';

type Translate = ReturnType<typeof useLabels>['t'];

/** A server-paged table's pagination: the page asked for, the total answered, sizes to choose, "N in all". */
export function serverPagination(
  t: Translate,
  at: { page: number; pageSize: number; total: number },
  onChange?: (page: number, pageSize: number) => void,
): TablePaginationConfig {
  return {
    current: at.page,
    pageSize: at.pageSize,
    total: at.total,
    showSizeChanger: true,
    pageSizeOptions: [10, 20, 50, 100],
    showTotal: (n) => t('common.total', { total: n }),
    onChange,
  };
}

export function usePaging(pageSize = 20) {
  const { t } = useLabels();
  const [paging, setPaging] = useState({ page: 1, pageSize });
  const pagination = (total: number): TablePaginationConfig =>
    serverPagination(t, { ...paging, total }, (page, size) => setPaging({ page, pageSize: size }));
  return { paging, setPaging, pagination };
}
