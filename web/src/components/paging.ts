// Server-side paging of a table: the page the API is asked for, and the table's pagination
// (page, size, "N in all") for the total it answered.
import { useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import { useLabels } from '../i18n/labels.ts';

export function usePaging(pageSize = 20) {
  const { t } = useLabels();
  const [paging, setPaging] = useState({ page: 1, pageSize });
  const pagination = (total: number): TablePaginationConfig => ({
    current: paging.page,
    pageSize: paging.pageSize,
    total,
    showTotal: (n) => t('common.total', { total: n }),
    onChange: (page, size) => setPaging({ page, pageSize: size }),
  });
  return { paging, setPaging, pagination };
}
