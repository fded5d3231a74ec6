// The global holdout at the head of the campaign list: its share and size for everyone, editable
// by a role with campaigns.settings (the change is audited on the server).
import { useState } from 'react';
import { App, Button, InputNumber, Space, Tooltip, Typography } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { setHoldoutPercent, useHoldoutSettings } from '../api/campaigns.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useLabels } from '../i18n/labels.ts';
import { count } from '../money.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export function HoldoutSetting() {
  const { t } = useLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { data, error, reload } = useHoldoutSettings();
  const [draft, setDraft] = useState<number | null>(null);
  const [failure, setFailure] = useState<Error | undefined>();
  if (!data) return <ErrorAlert error={error} onRetry={reload} />;
  const value = draft ?? data.holdoutPercent;
  const save = async () => {
    setFailure(undefined);
    try {
      await setHoldoutPercent(value);
      message.success(t('campaign.holdout.saved'));
      setDraft(null);
      reload();
    } catch (e) {
      setFailure(e as Error);
    }
  };
  return (
    <Space wrap data-testid="holdout-setting">
      <Typography.Text strong>{t('campaign.holdout.title')}</Typography.Text>
      <Tooltip title={t('campaign.holdout.help')}>
        <QuestionCircleOutlined />
      </Tooltip>
      {can('campaigns.settings') ? (
        <>
          <InputNumber min={0} max={20} step={0.5} value={value} onChange={(v) => setDraft(v)} suffix="%" style={{ width: 120 }} aria-label={t('campaign.holdout.percent')} />
          {draft !== null && draft !== data.holdoutPercent && (
            <Button type="primary" size="small" onClick={() => void save()}>
              {t('common.save')}
            </Button>
          )}
        </>
      ) : (
        <Typography.Text>{data.holdoutPercent}%</Typography.Text>
      )}
      <Typography.Text type="secondary">{t('campaign.holdout.size', { holdout: count(data.holdoutSubscribers), subscribers: count(data.subscribers) })}</Typography.Text>
      <ErrorAlert error={failure} />
    </Space>
  );
}
