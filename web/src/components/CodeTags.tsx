// Coloured, localized tags for the codes that recur across pages.
import { Tag } from 'antd';
import { useLabels } from '../i18n/labels.ts';

const brandColor: Record<string, string> = { gotone: 'gold', mzone: 'magenta', easyown: 'green' };
const statusColor: Record<string, string> = { active: 'success', suspended: 'warning', arrears: 'error', cancelled: 'default' };
const jobStatusColor: Record<string, string> = { queued: 'default', running: 'processing', succeeded: 'success', failed: 'error', cancelled: 'warning' };

export function BrandTag({ brand }: { brand: string }) {
  const { label } = useLabels();
  return <Tag color={brandColor[brand]}>{label('brand', brand)}</Tag>;
}

export function StatusTag({ status }: { status: string }) {
  const { label } = useLabels();
  return <Tag color={statusColor[status]}>{label('status', status)}</Tag>;
}

export function JobStatusTag({ status }: { status: string }) {
  const { label } = useLabels();
  return <Tag color={jobStatusColor[status]}>{label('jobs.statuses', status)}</Tag>;
}
