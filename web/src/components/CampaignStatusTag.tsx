// A campaign's lifecycle status as a coloured tag.
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const colors: Record<string, string> = {
  draft: 'default',
  submitted: 'gold',
  approved: 'cyan',
  scheduled: 'blue',
  running: 'green',
  paused: 'orange',
  finished: 'purple',
  evaluated: 'geekblue',
};

export function CampaignStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={colors[status] ?? 'default'} data-testid="campaign-status" data-status={status}>
      {t(`campaign.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}
